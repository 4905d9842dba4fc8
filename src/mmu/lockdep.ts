/** MAX_LOCK_DEPTH: task_struct.held_locks[48] (include/linux/sched.h). */
export const MAX_LOCK_DEPTH = 48;

/**
 * Lockdep's held-lock stack of one task: one entry per class acquisition, except that a spin_lock_nest_lock of
 * the same class as the top entry merges into it (references++), as __lock_acquire does. Past MAX_LOCK_DEPTH
 * lockdep reports "BUG: MAX_LOCK_DEPTH too low!" and switches itself off.
 */
export class Lockdep {
  private readonly classes: number[] = [];
  private readonly references: number[] = [];
  maxDepth = 0;
  /** Times the stack would have grown past MAX_LOCK_DEPTH. */
  overflows = 0;
  /** "possible recursive locking detected": a plain acquisition of a class already held. */
  recursionWarnings = 0;
  /** debug_locks_off() after an overflow. */
  off = false;

  constructor(readonly maxLockDepth: number = MAX_LOCK_DEPTH) {}

  get depth(): number {
    return this.classes.length;
  }

  /** lock_acquire of a lock of class `cls`; `nest` for spin_lock_nest_lock. */
  acquire(cls: number, nest: boolean): void {
    if (this.off) return;
    const top = this.classes.length - 1;
    if (nest && top >= 0 && this.classes[top] === cls) {
      this.references[top]++;
      return;
    }
    if (!nest && this.classes.includes(cls)) this.recursionWarnings++;
    if (this.classes.length >= this.maxLockDepth) {
      this.overflows++;
      this.off = true;
      return;
    }
    this.classes.push(cls);
    this.references.push(1);
    if (this.classes.length > this.maxDepth) this.maxDepth = this.classes.length;
  }

  /** lock_release of a lock of class `cls`: drops one reference of the innermost entry of that class. */
  release(cls: number): void {
    if (this.off) return;
    const top = this.classes.length - 1;
    const i = top >= 0 && this.classes[top] === cls ? top : this.classes.lastIndexOf(cls);
    if (i < 0) return;
    if (--this.references[i] === 0) {
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
