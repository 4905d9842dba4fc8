import { LogLinearHistogram } from '../metrics/log-linear-histogram.js';
import { ModelError } from '../shared/errors.js';
import { TypedArena } from '../shared/typed-arena.js';

/** Lock classes, as lockdep and lockstat see them. */
export const LOCK_CLASS_PTL = 0;
export const LOCK_CLASS_PAGE_TABLE_LOCK = 1;
export type LockClass = typeof LOCK_CLASS_PTL | typeof LOCK_CLASS_PAGE_TABLE_LOCK;
export const LOCK_CLASS_NAMES = ['ptl', 'page_table_lock'] as const;

/** The virtual clock the locks read their times from, ns. */
export interface VirtualClock {
  readonly now: number;
}

/** Per-class lockstat counters and hold/wait distributions. */
export class LockClassStats {
  acquisitions = 0;
  contentions = 0;
  /** Most locks of this class held at once by one vCPU. */
  maxHeld = 0;
  readonly hold = new LogLinearHistogram();
  readonly wait = new LogLinearHistogram();
}

/**
 * Spinlocks of one mm, struct-of-arrays: a spinlock is an id into this table. Ids 0..frames-1 are the split PTE
 * locks (one per PTE page, `ptlock_ptr(page)`, id = frame), id `frames` is `mm->page_table_lock`.
 * Contended locks are handed over in FIFO order, as ticket spinlocks do (x86 since 2.6.25).
 */
export class SpinLockTable {
  /** Owner vCPU of each lock, or -1. */
  readonly owner: Int16Array;
  /** Virtual time the current owner acquired it, ns. */
  readonly acquiredAt: Float64Array;
  readonly acquisitions: Uint32Array;
  readonly contentions: Uint32Array;
  /** Id of mm->page_table_lock. */
  readonly pageTableLock: number;
  readonly classes = [new LockClassStats(), new LockClassStats()] as const;
  /** classes[LOCK_CLASS_PTL] and classes[LOCK_CLASS_PAGE_TABLE_LOCK], held directly for the hot paths. */
  private readonly ptlStats = this.classes[LOCK_CLASS_PTL];
  private readonly pageTableLockStats = this.classes[LOCK_CLASS_PAGE_TABLE_LOCK];
  private readonly held: Int32Array;
  /**
   * The vCPUs spinning on each lock, in FIFO (ticket) order, as linked lists without allocation: a vCPU spins on
   * one lock at a time, so `nextWaiter[vcpu]` links it to the vCPU queued behind it (-1: last); `firstWaiter` and
   * `lastWaiter` of a lock are -1 when nobody waits. `waitSince[vcpu]` is when it started spinning.
   */
  private readonly firstWaiter: Int16Array;
  private readonly lastWaiter: Int16Array;
  private readonly nextWaiter: Int16Array;
  private readonly waitSince: Float64Array;

  constructor(
    frames: number,
    vcpus: number,
    private readonly clock: VirtualClock,
  ) {
    const locks = frames + 1;
    // Every array from one allocation (shared/typed-arena.ts).
    const arena = new TypedArena({ f64: locks + vcpus, i32: 2 * locks + 2 * vcpus, i16: 3 * locks + vcpus });
    this.owner = arena.i16(locks).fill(-1);
    this.acquiredAt = arena.f64(locks);
    this.acquisitions = arena.u32(locks);
    this.contentions = arena.u32(locks);
    this.pageTableLock = frames;
    this.held = arena.i32(vcpus * 2);
    this.firstWaiter = arena.i16(locks).fill(-1);
    this.lastWaiter = arena.i16(locks).fill(-1);
    this.nextWaiter = arena.i16(vcpus).fill(-1);
    this.waitSince = arena.f64(vcpus);
  }

  classOf(id: number): LockClass {
    return id === this.pageTableLock ? LOCK_CLASS_PAGE_TABLE_LOCK : LOCK_CLASS_PTL;
  }

  /** Locks of `cls` that `vcpu` holds now. */
  heldBy(vcpu: number, cls: LockClass): number {
    const held = this.held[vcpu * 2 + cls];
    if (held === undefined) throw new ModelError(`no vCPU ${vcpu}: the lock table has ${this.held.length / 2}`);
    return held;
  }

  /**
   * spin_lock: take the lock now and return true, or queue `vcpu` behind the holder and return false (it spins
   * until `release` hands the lock over and the caller `grant`s it). A vCPU taking a lock it holds deadlocks.
   */
  tryAcquire(id: number, vcpu: number): boolean {
    // Free (-1): taken now. A lock the table does not have (undefined), one `vcpu` holds, or one another vCPU
    // holds: `acquireBusy`. `id` indexes `owner`, so every per-lock array of the same length; the per-vCPU arrays
    // have a slot for every vCPU the table was built for: the `as number` reads below are in range.
    if (this.owner[id] !== -1) return this.acquireBusy(id, vcpu);
    this.owner[id] = vcpu;
    this.acquiredAt[id] = this.clock.now;
    this.acquisitions[id] = (this.acquisitions[id] as number) + 1;
    const cls = this.classOf(id);
    const stats = cls === LOCK_CLASS_PTL ? this.ptlStats : this.pageTableLockStats;
    stats.acquisitions++;
    const k = vcpu * 2 + cls;
    const h = (this.held[k] as number) + 1;
    this.held[k] = h;
    if (h > stats.maxHeld) stats.maxHeld = h;
    return true;
  }

  /** tryAcquire of a lock that is not free: an error, or `vcpu` queued behind the holder (false). */
  private acquireBusy(id: number, vcpu: number): boolean {
    const cls = this.classOf(id);
    const owner = this.owner[id];
    if (owner === undefined) throw new ModelError(`no lock ${id}: the lock table has ${this.owner.length}`);
    if (owner === vcpu)
      throw new ModelError(`vCPU ${vcpu} takes ${LOCK_CLASS_NAMES[cls]} ${id} that it holds: it would spin forever`);
    this.contentions[id] = (this.contentions[id] as number) + 1;
    this.classes[cls].contentions++;
    // Queue `vcpu` last on the lock's list (no allocation: a vCPU spins on one lock at a time).
    this.nextWaiter[vcpu] = -1;
    this.waitSince[vcpu] = this.clock.now;
    const last = this.lastWaiter[id] as number;
    if (last < 0) this.firstWaiter[id] = vcpu;
    else this.nextWaiter[last] = vcpu;
    this.lastWaiter[id] = vcpu;
    return false;
  }

  /**
   * spin_unlock by `vcpu`. Returns the vCPU the lock passes to (first waiter), or -1. The new owner holds it from
   * the time given to `grant`.
   */
  release(id: number, vcpu: number): number {
    if (this.owner[id] !== vcpu) this.releaseError(id, vcpu);
    // `id` indexes owner (its owner is `vcpu`), so it indexes every per-lock array of the same length; `held` has
    // the slots of `vcpu`, which holds this lock.
    const cls = this.classOf(id);
    (cls === LOCK_CLASS_PTL ? this.ptlStats : this.pageTableLockStats).hold.record(
      this.clock.now - (this.acquiredAt[id] as number),
    );
    const k = vcpu * 2 + cls;
    this.held[k] = (this.held[k] as number) - 1;
    const next = this.firstWaiter[id] as number;
    this.owner[id] = next;
    if (next < 0) return -1;
    this.acquiredAt[id] = Number.POSITIVE_INFINITY; // set by grant
    return next;
  }

  private releaseError(id: number, vcpu: number): never {
    const owner = this.owner[id];
    const by = owner === undefined ? 'nobody (no such lock)' : owner < 0 ? 'nobody' : `vCPU ${owner}`;
    throw new ModelError(`vCPU ${vcpu} releases lock ${id} owned by ${by}`);
  }

  /** The first waiter of `id`, handed the lock by `release`, acquires it at `atNs`. */
  grant(id: number, atNs: number): void {
    const w = this.firstWaiter[id];
    if (w === undefined || w < 0 || this.owner[id] !== w)
      throw new ModelError(`grant of lock ${id} without a handed-over waiter`);
    // `w` is a vCPU of this table, queued on lock `id`: its per-vCPU slots are in range.
    const after = this.nextWaiter[w] as number;
    this.firstWaiter[id] = after;
    if (after < 0) this.lastWaiter[id] = -1;
    this.nextWaiter[w] = -1;
    const cls = this.classOf(id);
    this.acquiredAt[id] = atNs;
    this.acquisitions[id] = (this.acquisitions[id] as number) + 1;
    this.classes[cls].acquisitions++;
    this.classes[cls].wait.record(atNs - (this.waitSince[w] as number));
    this.noteHeld(w, cls, 1);
  }

  /**
   * Append to `out` what decides the locks' future (schedule exploration hashes it): each lock's owner, and the
   * vCPUs queued on it, in hand-over order. Statistics and times are not state.
   */
  writeState(out: number[]): void {
    const owner = this.owner;
    for (let i = 0; i < owner.length; i++) {
      out.push(owner[i] as number);
      let w = this.firstWaiter[i] as number;
      if (w < 0) continue;
      out.push(-2);
      for (; w >= 0; w = this.nextWaiter[w] as number) out.push(w);
      out.push(-3);
    }
  }

  /** Ids of locks still held or waited for (for the end-of-run invariant check). */
  stillHeld(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.owner.length; i++) if ((this.owner[i] as number) >= 0) out.push(i); // i < length
    return out;
  }

  private noteHeld(vcpu: number, cls: LockClass, delta: number): void {
    const k = vcpu * 2 + cls;
    const h = (this.held[k] as number) + delta;
    this.held[k] = h;
    if (h > this.classes[cls].maxHeld) this.classes[cls].maxHeld = h;
  }
}
