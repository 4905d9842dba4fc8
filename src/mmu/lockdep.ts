/** MAX_LOCK_DEPTH of today's kernel: task_struct.held_locks[48] (include/linux/sched.h). 2.6.24 had 30. */
export const MAX_LOCK_DEPTH = 48;
/** Bits of struct held_lock.references today (include/linux/lockdep_types.h, `references:11`). */
export const LOCKDEP_REFERENCES_BITS = 11;

/**
 * The kernel's global `debug_locks` (lib/debug_locks.c): one per machine, shared by every vCPU. The first
 * lockdep splat, or any DEBUG_LOCKS_WARN_ON that fires, turns it off (debug_locks_off), and from then on lockdep
 * checks and reports nothing (__lock_acquire returns at once when !debug_locks).
 */
export class DebugLocks {
  /** debug_locks: lockdep is on. */
  on = true;
  /** What turned it off first, for diagnostics. */
  offBy: string | null = null;

  /** debug_locks_off(): turn lock debugging off; true only for the call that turned it off. */
  off(reason: string): boolean {
    if (!this.on) return false;
    this.on = false;
    this.offBy = reason;
    return true;
  }
}

/** Options of a task's lockdep stack: the kernel era's limits. */
export interface LockdepOptions {
  /** MAX_LOCK_DEPTH: 30 (2.6.24) or 48 (today). */
  maxLockDepth?: number;
  /** Bits of held_lock.references (11 today); it only matters for nest-lock merging. */
  referencesBits?: number;
}

/**
 * Lockdep's held-lock stack of one task (kernel/lockdep.c __lock_acquire), under the shared `debug_locks`:
 *
 * - a spin_lock_nest_lock of the same class as the top entry merges into it (references++); the 2^bits-th merged
 *   lock overflows the field: DEBUG_LOCKS_WARN_ON(hlock->references < references), a warning, lockdep off;
 * - a plain acquisition of a class already held is "possible recursive locking detected" (check_deadlock ->
 *   print_deadlock_bug): a warning, lockdep off, the lock is not added;
 * - otherwise the depth grows, and when it reaches MAX_LOCK_DEPTH (the 30th or 48th held lock: the test runs after
 *   lockdep_depth++) lockdep prints "BUG: MAX_LOCK_DEPTH too low!" and turns itself off.
 *
 * Once `debug_locks` is off, nothing more is checked or counted, on any vCPU.
 */
export class Lockdep {
  private readonly classes: number[] = [];
  private readonly references: number[] = [];
  private readonly maxLockDepth: number;
  private readonly referencesLimit: number;
  maxDepth = 0;
  /** "BUG: MAX_LOCK_DEPTH too low!": the depth reached MAX_LOCK_DEPTH. */
  overflows = 0;
  /** "possible recursive locking detected": a plain acquisition of a class already held. */
  recursionWarnings = 0;
  /** DEBUG_LOCKS_WARN_ON(hlock->references < references): a nest-lock merge overflowed held_lock.references. */
  referenceOverflows = 0;

  constructor(
    readonly debugLocks: DebugLocks = new DebugLocks(),
    options: LockdepOptions = {},
  ) {
    this.maxLockDepth = options.maxLockDepth ?? MAX_LOCK_DEPTH;
    this.referencesLimit = 2 ** (options.referencesBits ?? LOCKDEP_REFERENCES_BITS);
  }

  get depth(): number {
    return this.classes.length;
  }

  /** Whether lockdep is off (debug_locks cleared by any warning on any vCPU). */
  get off(): boolean {
    return !this.debugLocks.on;
  }

  /** lock_acquire of a lock of class `cls`; `nest` for spin_lock_nest_lock. */
  acquire(cls: number, nest: boolean): void {
    if (!this.debugLocks.on) return;
    const top = this.classes.length - 1;
    if (nest && top >= 0 && this.classes[top] === cls) {
      // `references` has one entry per entry of `classes`, so `top` indexes it.
      const references = (this.references[top] as number) + 1;
      this.references[top] = references;
      if (references >= this.referencesLimit) {
        this.referenceOverflows++;
        this.debugLocks.off('lockdep: held_lock.references overflow');
      }
      return;
    }
    // check_deadlock: a nest_lock acquisition of a held class is allowed ("we're holding the nest_lock").
    if (!nest && this.classes.includes(cls)) {
      this.recursionWarnings++;
      this.debugLocks.off('lockdep: possible recursive locking detected');
      return;
    }
    this.classes.push(cls);
    this.references.push(1);
    const depth = this.classes.length;
    if (depth > this.maxDepth) this.maxDepth = depth;
    if (depth >= this.maxLockDepth) {
      this.overflows++;
      this.debugLocks.off('lockdep: BUG: MAX_LOCK_DEPTH too low!');
    }
  }

  /** lock_release of a lock of class `cls`: drops one reference of the innermost entry of that class. */
  release(cls: number): void {
    if (!this.debugLocks.on) return;
    const top = this.classes.length - 1;
    const i = top >= 0 && this.classes[top] === cls ? top : this.classes.lastIndexOf(cls);
    if (i < 0) return;
    // `references` has one entry per entry of `classes`, so `i` indexes it.
    const references = (this.references[i] as number) - 1;
    this.references[i] = references;
    if (references === 0) {
      if (i === top) {
        this.classes.pop();
        this.references.pop();
      } else {
        this.classes.splice(i, 1);
        this.references.splice(i, 1);
      }
    }
  }
}
