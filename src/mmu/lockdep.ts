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
  /**
   * The held-lock stack: class and references of each entry, bottom first, `top + 1` entries. While `debug_locks`
   * is on it never holds more than MAX_LOCK_DEPTH entries (reaching it turns lockdep off), so it is a fixed array.
   */
  private readonly classes: Int32Array;
  private readonly references: Float64Array;
  private top = -1;
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
    this.classes = new Int32Array(Math.max(1, this.maxLockDepth));
    this.references = new Float64Array(this.classes.length);
  }

  get depth(): number {
    return this.top + 1;
  }

  /** Whether lockdep is off (debug_locks cleared by any warning on any vCPU). */
  get off(): boolean {
    return !this.debugLocks.on;
  }

  /**
   * lock_acquire of a lock of class `cls`; `nest` for spin_lock_nest_lock. The common case, a nest-lock merge into
   * the top entry below the references limit, is handled here; everything else in `acquireRest`.
   */
  acquire(cls: number, nest: boolean): void {
    if (this.debugLocks.on !== true) return; // (a compare with true: no generic truth test on the hot path)
    const top = this.top;
    // top indexes the stack (-1 when empty): the `as number` read of entry top is in range.
    if (nest && top >= 0 && this.classes[top] === cls) {
      const references = (this.references[top] as number) + 1;
      this.references[top] = references;
      if (references >= this.referencesLimit) {
        this.referenceOverflows++;
        this.debugLocks.off('lockdep: held_lock.references overflow');
      }
      return;
    }
    this.acquireRest(cls, nest);
  }

  /** lock_acquire when the lock does not merge into the top entry: a recursion check, then a new entry. */
  private acquireRest(cls: number, nest: boolean): void {
    // check_deadlock: a nest_lock acquisition of a held class is allowed ("we're holding the nest_lock").
    if (!nest && this.holds(cls)) {
      this.recursionWarnings++;
      this.debugLocks.off('lockdep: possible recursive locking detected');
      return;
    }
    // Never past the array: reaching MAX_LOCK_DEPTH (below) turns lockdep off, and then nothing is pushed.
    const top = this.top;
    const depth = top + 2;
    this.top = top + 1;
    this.classes[top + 1] = cls;
    this.references[top + 1] = 1;
    if (depth > this.maxDepth) this.maxDepth = depth;
    if (depth >= this.maxLockDepth) {
      this.overflows++;
      this.debugLocks.off('lockdep: BUG: MAX_LOCK_DEPTH too low!');
    }
  }

  /**
   * lock_release of a lock of class `cls`: drops one reference of the innermost entry of that class. The common
   * case, the top entry with more than one reference, is handled here; everything else in `releaseRest`.
   */
  release(cls: number): void {
    if (this.debugLocks.on !== true) return; // (a compare with true: no generic truth test on the hot path)
    const top = this.top;
    // top indexes the stack (-1 when empty): the `as number` read of entry top is in range.
    if (top >= 0 && this.classes[top] === cls) {
      const references = (this.references[top] as number) - 1;
      if (references > 0) {
        this.references[top] = references;
        return;
      }
    }
    this.releaseRest(cls);
  }

  private releaseRest(cls: number): void {
    const classes = this.classes;
    const top = this.top;
    let i = top;
    while (i >= 0 && classes[i] !== cls) i--;
    if (i < 0) return;
    // i indexes the stack (0 <= i <= top): the reads below are in range.
    const references = (this.references[i] as number) - 1;
    this.references[i] = references;
    if (references === 0) {
      // Remove entry i: the entries above it (up to top) move down by one.
      for (let j = i; j < top; j++) {
        classes[j] = classes[j + 1] as number;
        this.references[j] = this.references[j + 1] as number;
      }
      this.top = top - 1;
    }
  }

  /** Whether a lock of class `cls` is held. */
  private holds(cls: number): boolean {
    for (let i = 0; i <= this.top; i++) if (this.classes[i] === cls) return true;
    return false;
  }
}
