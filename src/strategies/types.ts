import type { MmView } from '../mmu/types.js';

/**
 * What a program yields: an effect built by a PinContext method that another vCPU can observe (a lock, an unlock,
 * a flush, a direct hypercall, a store, a sleep) or a sub-program call. The program must yield it before calling
 * the next context method, as `yield* ctx.lock(...)` (or `yield ctx.lock(...)`, which always suspends): the vCPU
 * runs it at its virtual instant, inside the call when no other vCPU is due before it (then `yield*` goes on at
 * once), else after suspending the program at the yield; other vCPUs may run in between.
 */
export interface Effect extends Iterable<Effect, void, void> {
  readonly __effect: true;
}

/** A pin or unpin program. */
export type Program = Generator<Effect, void, void>;

/** Options of `lock`. */
export interface LockOptions {
  /**
   * A PTE lock taken by the pin walk (xen_pte_lock / 2.6.24 lock_pte): today's kernel annotates it
   * spin_lock_nest_lock(ptl, &mm->page_table_lock), so lockdep merges consecutive locks of this class; 2.6.24 used a
   * plain spin_lock. The kernel era of the run decides the annotation.
   */
  nest?: boolean;
}

/**
 * The narrow door from a strategy to the model (the kernel's names in brackets; docs/strategies.md).
 *
 * Where programs interleave: a program runs without interruption from one `yield` to the next, and other vCPUs run
 * only at its yields (a `yield*` of an effect the vCPU performed inside the call, no other vCPU being due first,
 * does not suspend it). Everything between two yields is local to this vCPU and invisible to the others: queries,
 * PG_pinned (testSetPinned / testClearPinned), walk steps and queueing into this vCPU's multicall batch. What
 * another vCPU can observe is yielded: lock, unlock, mcFlush / mcIssue (Xen executes the batch), direct hypercalls,
 * stores, sleep. A queueing call that finds the batch full takes it for flushing right there (__xen_mc_entry calls
 * xen_mc_flush), at that virtual instant, with that flush reason; the taken batch (its trap, each entry, each
 * callback, every one an interleaving point) runs at the instants it would have had if the program had stopped in
 * the call, at the latest before the program's next yielded effect. So a program must not rely on the effects of
 * a batch callback before its next yield.
 */
export interface PinContext {
  /**
   * The mm being pinned, read-only: walk order in `walkFrames`/`walkLevels` (pgd last), `userPgd` (-1 if none), and
   * on pae `kernelPmd` with `kernelPmdInWalk` (false: the top-level pin remaps it, see `walk.ts`). No frame flags:
   * PG_pinned changes through testSetPinned / testClearPinned, the kernel mapping through hypercalls.
   */
  readonly mm: MmView;
  /** This vCPU's number. */
  readonly vcpu: number;
  /** Whether split PTE locks are on for this run (off under `mm-lock`). */
  readonly splitPtlocks: boolean;
  /** Id of the lock that protects PTE page `frame` (pte_lockptr: the split lock, or page_table_lock). */
  ptl(frame: number): number;
  /** Id of mm->page_table_lock. */
  readonly pageTableLock: number;

  /** TestSetPagePinned: set PG_pinned, return whether it was already set. Costs one walk step. Local. */
  testSetPinned(frame: number): boolean;
  /** TestClearPagePinned: clear PG_pinned, return whether it was set. Costs one walk step. Local. */
  testClearPinned(frame: number): boolean;

  /** __xen_mc_entry(0) + MULTI_update_va_mapping of the frame's kernel mapping (RO or RW). Local; may take the batch for slots/args. */
  mcUpdateVaMapping(frame: number, rw: boolean, flags: number): void;
  /** xen_extend_mmuext_op: coalesce into the previous mmuext_op entry, or a new entry. Local; may take the batch. */
  mcMmuextOp(cmd: number, frame: number): void;
  /** xen_extend_mmu_update of one PTE. Local; may take the batch. */
  mcMmuUpdate(frame: number, index: number, value: number): void;
  /** xen_mc_callback(xen_pte_unlock, ptl): release the lock after this batch's multicall returns. Local; may take the batch. */
  mcCallbackUnlock(lockId: number): void;
  /** xen_mc_callback(fn, data): any callback, run after the multicall returns. Local; may take the batch. */
  mcCallback(fn: (data: number) => void, data: number): void;

  /** spin_lock (or spin_lock_nest_lock with `nest`). Spins in virtual time while another vCPU holds it. */
  lock(lockId: number, options?: LockOptions): Effect;
  /** spin_unlock. */
  unlock(lockId: number): Effect;
  /** xen_mc_flush(): an explicit flush (not a flush reason). */
  mcFlush(): Effect;
  /** xen_mc_issue(0): the final flush of a pin or unpin (not a flush reason). */
  mcIssue(): Effect;

  /** HYPERVISOR_update_va_mapping, one trap. */
  hypercallUpdateVaMapping(frame: number, rw: boolean, flags: number): Effect;
  /** HYPERVISOR_mmuext_op with one op, one trap. */
  hypercallMmuextOp(cmd: number, frame: number): Effect;

  /** A plain store into PTE `index` of PTE page `frame`: direct, emulated or a write-protect fault. */
  store(frame: number, index: number, value: number): Effect;
  /** Spend `ns` of virtual time (think time, dwell). */
  sleep(ns: number): Effect;
  /** Run a sub-program to its end, then go on: `yield ctx.call(p)` is `yield* p` without its cost per yield. */
  call(program: Program): Effect;
}

/** A pinning strategy: a pair of programs over the context. */
export interface Strategy {
  /** Registry name, e.g. `per-pte-deferred`. */
  readonly name: string;
  /** One line for `pinbench list strategies`. */
  readonly description: string;
  /** Whether split PTE locks are on (default true). `mm-lock` turns them off: PTE writers take page_table_lock. */
  readonly splitPtlocks?: boolean;
  /**
   * Whether the strategy claims to be race-free: no racing PTE writer can ever take a write-protect fault
   * (default true). `false` marks a deliberately racy variant (`unlocked`, `per-pte-early-unlock`), so a fault is
   * expected of it; a fault of a strategy that claims to be race-free is a bug in the strategy.
   */
  readonly raceFree?: boolean;
  /** Pin the mm. Runs with mm->page_table_lock held by the caller. */
  pin(ctx: PinContext): Program;
  /** Unpin the mm. Runs with mm->page_table_lock held by the caller. */
  unpin(ctx: PinContext): Program;
}
