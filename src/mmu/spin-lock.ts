import { LogLinearHistogram } from '../metrics/log-linear-histogram.js';
import { ModelError } from '../shared/errors.js';

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

interface Waiter {
  vcpu: number;
  sinceNs: number;
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
  private readonly waiters = new Map<number, Waiter[]>();
  /** vCPUs queued on each lock (the queue itself is in `waiters`, looked up only when this is not 0). */
  private readonly waiting: Uint16Array;

  constructor(
    frames: number,
    vcpus: number,
    private readonly clock: VirtualClock,
  ) {
    this.owner = new Int16Array(frames + 1).fill(-1);
    this.acquiredAt = new Float64Array(frames + 1);
    this.acquisitions = new Uint32Array(frames + 1);
    this.contentions = new Uint32Array(frames + 1);
    this.pageTableLock = frames;
    this.held = new Int32Array(vcpus * 2);
    this.waiting = new Uint16Array(frames + 1);
  }

  classOf(id: number): LockClass {
    return id === this.pageTableLock ? LOCK_CLASS_PAGE_TABLE_LOCK : LOCK_CLASS_PTL;
  }

  /** Locks of `cls` that `vcpu` holds now. */
  heldBy(vcpu: number, cls: LockClass): number {
    return this.held[vcpu * 2 + cls];
  }

  /**
   * spin_lock: take the lock now and return true, or queue `vcpu` behind the holder and return false (it spins
   * until `release` hands the lock over and the caller `grant`s it). A vCPU taking a lock it holds deadlocks.
   */
  tryAcquire(id: number, vcpu: number): boolean {
    const cls = this.classOf(id);
    const owner = this.owner[id];
    if (owner === vcpu) throw new ModelError(`vCPU ${vcpu} takes ${LOCK_CLASS_NAMES[cls]} ${id} that it holds: it would spin forever`);
    if (owner < 0) {
      this.owner[id] = vcpu;
      this.acquiredAt[id] = this.clock.now;
      this.acquisitions[id]++;
      const stats = cls === LOCK_CLASS_PTL ? this.ptlStats : this.pageTableLockStats;
      stats.acquisitions++;
      const h = ++this.held[vcpu * 2 + cls];
      if (h > stats.maxHeld) stats.maxHeld = h;
      return true;
    }
    this.contentions[id]++;
    this.classes[cls].contentions++;
    let q = this.waiters.get(id);
    if (!q) this.waiters.set(id, (q = []));
    q.push({ vcpu, sinceNs: this.clock.now });
    this.waiting[id]++;
    return false;
  }

  /**
   * spin_unlock by `vcpu`. Returns the vCPU the lock passes to (first waiter), or -1. The new owner holds it from
   * the time given to `grant`.
   */
  release(id: number, vcpu: number): number {
    if (this.owner[id] !== vcpu) {
      throw new ModelError(`vCPU ${vcpu} releases lock ${id} owned by ${this.owner[id] < 0 ? 'nobody' : `vCPU ${this.owner[id]}`}`);
    }
    const cls = this.classOf(id);
    (cls === LOCK_CLASS_PTL ? this.ptlStats : this.pageTableLockStats).hold.record(this.clock.now - this.acquiredAt[id]);
    this.held[vcpu * 2 + cls]--;
    if (this.waiting[id] === 0) {
      this.owner[id] = -1;
      return -1;
    }
    const next = this.waiters.get(id)![0];
    this.owner[id] = next.vcpu;
    this.acquiredAt[id] = Infinity; // set by grant
    return next.vcpu;
  }

  /** The first waiter of `id`, handed the lock by `release`, acquires it at `atNs`. */
  grant(id: number, atNs: number): void {
    const q = this.waiters.get(id);
    const w = q?.shift();
    if (!w || this.owner[id] !== w.vcpu) throw new ModelError(`grant of lock ${id} without a handed-over waiter`);
    this.waiting[id]--;
    const cls = this.classOf(id);
    this.acquiredAt[id] = atNs;
    this.acquisitions[id]++;
    this.classes[cls].acquisitions++;
    this.classes[cls].wait.record(atNs - w.sinceNs);
    this.noteHeld(w.vcpu, cls, 1);
  }

  /**
   * Append to `out` what decides the locks' future (schedule exploration hashes it): each lock's owner, and the
   * vCPUs queued on it, in hand-over order. Statistics and times are not state.
   */
  writeState(out: number[]): void {
    const owner = this.owner;
    for (let i = 0; i < owner.length; i++) {
      out.push(owner[i]);
      if (this.waiting[i] === 0) continue;
      out.push(-2);
      for (const w of this.waiters.get(i) ?? []) out.push(w.vcpu);
      out.push(-3);
    }
  }

  /** Ids of locks still held or waited for (for the end-of-run invariant check). */
  stillHeld(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.owner.length; i++) if (this.owner[i] >= 0) out.push(i);
    return out;
  }

  private noteHeld(vcpu: number, cls: LockClass, delta: number): void {
    const k = vcpu * 2 + cls;
    const h = (this.held[k] += delta);
    if (h > this.classes[cls].maxHeld) this.classes[cls].maxHeld = h;
  }
}
