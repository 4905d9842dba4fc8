import type { Mm } from '../mmu/mm.js';

/**
 * What a strategy program yields: an effect built by a PinContext method. Every context method that touches the
 * shared model returns one, and the program must `yield` it before calling the next (the engine runs it at the
 * vCPU's virtual instant, so other vCPUs can run in between).
 */
export interface Effect {
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
 * Queries and PG_pinned updates are synchronous; everything else returns an Effect to yield.
 */
export interface PinContext {
  /**
   * The mm being pinned: walk order in `walkFrames`/`walkLevels` (pgd last), `userPgd` (-1 if none), and on pae
   * `kernelPmd` with `kernelPmdInWalk` (false: the top-level pin remaps it, see `walk.ts`).
   */
  readonly mm: Mm;
  /** This vCPU's number. */
  readonly vcpu: number;
  /** Whether split PTE locks are on for this run (off under `mm-lock`). */
  readonly splitPtlocks: boolean;
  /** Id of the lock that protects PTE page `frame` (pte_lockptr: the split lock, or page_table_lock). */
  ptl(frame: number): number;
  /** Id of mm->page_table_lock. */
  readonly pageTableLock: number;

  /** TestSetPagePinned: set PG_pinned, return whether it was already set. Costs one walk step. */
  testSetPinned(frame: number): boolean;
  /** TestClearPagePinned: clear PG_pinned, return whether it was set. Costs one walk step. */
  testClearPinned(frame: number): boolean;

  /** spin_lock (or spin_lock_nest_lock with `nest`). Spins in virtual time while another vCPU holds it. */
  lock(lockId: number, options?: LockOptions): Effect;
  /** spin_unlock. */
  unlock(lockId: number): Effect;

  /** __xen_mc_entry(0) + MULTI_update_va_mapping of the frame's kernel mapping (RO or RW). May flush for slots/args. */
  mcUpdateVaMapping(frame: number, rw: boolean, flags: number): Effect;
  /** xen_extend_mmuext_op: coalesce into the previous mmuext_op entry, or a new entry (may flush). */
  mcMmuextOp(cmd: number, frame: number): Effect;
  /** xen_extend_mmu_update of one PTE. */
  mcMmuUpdate(frame: number, index: number, value: number): Effect;
  /** xen_mc_callback(xen_pte_unlock, ptl): release the lock after this batch's multicall returns. */
  mcCallbackUnlock(lockId: number): Effect;
  /** xen_mc_callback(fn, data): any callback, run after the multicall returns. */
  mcCallback(fn: (data: number) => void, data: number): Effect;
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
