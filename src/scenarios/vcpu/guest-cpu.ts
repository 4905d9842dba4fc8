import { __HYPERVISOR_mmu_update, MMU_UPDATE_BYTES, MMUEXT_NAMES } from '../../hv/abi.js';
import type { CostProfile } from '../../hv/cost-profile.js';
import type { DomainLock } from '../../hv/domain-lock.js';
import type { Hypervisor } from '../../hv/hypervisor.js';
import { CB_FUNCTION, CB_UNLOCK, type McBuffer, MulticallBatcher } from '../../hv/multicall-batcher.js';
import type { FlushReason } from '../../hv/types.js';
import { PG_PINNED } from '../../mmu/frame-flags.js';
import { Lockdep } from '../../mmu/lockdep.js';
import { PreemptCount } from '../../mmu/preempt-count.js';
import type { SpinLockTable } from '../../mmu/spin-lock.js';
import type { MmView } from '../../mmu/types.js';
import { BLOCKED, DONE, type Engine, type Process } from '../../sim/engine.js';
import { ModelError } from '../../shared/errors.js';
import type { Effect, LockOptions, PinContext, Program } from '../../strategies/types.js';
import {
  ACTION_BIG_LOCK_SPIN,
  ACTION_EXIT,
  ACTION_GUEST_WORK,
  ACTION_HYPERCALL,
  ACTION_LOCK,
  ACTION_LOCK_WAIT,
  ACTION_MC_CALLBACK,
  ACTION_MC_ENTRY,
  ACTION_MC_TRAP,
  ACTION_SLEEP,
  ACTION_STORE,
  ACTION_UNLOCK,
} from './actions.js';
import {
  E_CALL,
  E_FIRST_VISIBLE,
  E_HC_MMUEXT,
  E_HC_UVM,
  E_LOCK,
  E_MC_FLUSH,
  E_MC_ISSUE,
  E_SLEEP,
  E_STORE,
  E_UNLOCK,
  EFFECT_NAMES,
  EffectRecord,
} from './effects.js';
import type { ActionObserver, VcpuHost } from './types.js';

/**
 * `act` goes on at once: what it did took no time, or its time is already spent on the engine's clock
 * (`Engine.continueAfter` let the vCPU go on). Any other result of `act` is what `step` returns to the engine.
 */
const LOCAL = -3;
/** `owedNs` when nothing is owed (BLOCKED, -1, may be owed). */
const NO_OWED = -4;

/** What waits for the taken batches to be executed. */
const PARK_NONE = 0;
/** The effect the program yielded. */
const PARK_EFFECT = 1;
/** The end of the program (guest work owed is paid, then DONE). */
const PARK_END = 2;

/**
 * %GeneratorPrototype%.next, the one `next` of every generator. A vCPU resumes many generator functions (the
 * scenario's, each strategy's, their helpers'), each with its own object shape: `program.next()` at one call site
 * turns megamorphic in a worker that has run a few strategies and makes every yield slower. Calling this one
 * function instead keeps the site monomorphic. Programs that are not generators are called through their own `next`.
 */
const generatorNext = (Object.getPrototypeOf(function* () {}) as { prototype: Generator }).prototype.next;

/** A taken batch waiting for (or in) execution, and the guest work its trap pays. */
interface TakenBatch {
  buf: McBuffer | null;
  /** Goes to Xen as the hypercall itself (one entry, singleton bypass). */
  singleton: boolean;
  /** Walk steps before the queueing call that took it, ns. */
  debtNs: number;
}

/**
 * A guest vCPU: runs one program (pinner or writer) over the model as a sim Process, and is the program's
 * PinContext. The program runs without interruption between two yields; every action another vCPU can observe is
 * one simulated event of its own, an interleaving point (docs/strategies.md, "Where programs interleave"):
 *
 * - a yielded effect: lock, unlock, direct hypercall, store, sleep (guest work owed is paid first, as an event);
 * - a flush: its trap, then each multicall entry executed by Xen, then each lock-releasing callback, in order.
 *
 * Queueing into the vCPU's batch, PG_pinned and walk steps are local and take no event. A queueing call that finds
 * the batch full takes it for flushing at that point (xen_mc_flush from __xen_mc_entry: the batch's contents, its
 * flush reason and the guest work its trap pays are fixed there). The taken batches run in order, at the virtual
 * instants they would have had if the program had stopped in each call: inside the call while this vCPU is due
 * before any other, else from the program's next yield on, before the yielded effect. Between its events the vCPU
 * does not return to the engine as long as the engine would run it next anyway (`Engine.continueAfter`), which
 * with one vCPU is always.
 *
 * The kernel era of the machine decides the batcher's rules, the PTE-lock annotation and lockdep's limits; the
 * profile's Xen decides whether sub-ops and trapped stores take the domain's big lock.
 */
export class GuestCpu implements Process, PinContext {
  readonly mm: MmView;
  readonly batcher: MulticallBatcher;
  readonly preempt: PreemptCount;
  readonly lockdep: Lockdep;
  readonly splitPtlocks: boolean;
  readonly pageTableLock: number;
  /** Direct hypercall traps (multicall traps are counted in the batcher's stats). */
  directTraps = 0;
  /** Direct update_va_mapping hypercalls, and direct mmuext_op hypercalls by command (index < 32). */
  private directUvm = 0;
  private readonly directMmuext = new Float64Array(32);
  /** Direct mmuext_op hypercalls with any other command number (a strategy's mistake, counted all the same). */
  private readonly directOther = new Map<string, number>();
  /** Sub-ops that returned an error (Linux WARNs). */
  hypercallErrors = 0;
  firstHypercallError: string | null = null;
  /** Engine process id, set by the machine. */
  pid = -1;
  /** Sees each action (for traces, schedule tools), or null. */
  observer: ActionObserver | null = null;

  private program: Program | null = null;
  /** Whether `program` is a generator (resumed through generatorNext). */
  private programIsGenerator = false;
  /** Callers of the running program (ctx.call). */
  private readonly callers: Program[] = [];
  private readonly eff = new EffectRecord();
  /** What runs once the taken batches are done: PARK_NONE (resume the program), PARK_EFFECT, PARK_END. */
  private parked = PARK_NONE;
  /** Guest work of local actions (walk steps) not yet paid, ns, in program order: the next trap or visible action pays it. */
  private debtNs = 0;
  /** Flushes other vCPUs' IPIs forced on this one, not yet paid, ns: the next trap or visible action pays them. */
  private stolenNs = 0;
  /** Taken batches in order: `taken[takenHead .. takenCount)`; entries are reused. */
  private readonly taken: TakenBatch[] = [];
  private takenHead = 0;
  private takenCount = 0;
  /**
   * The engine, while the program runs inside `step` and a batch it takes may run at once (inside the queueing
   * call) because this vCPU is due before any other; null otherwise.
   */
  private inline: Engine | null = null;
  /**
   * What the step returns as soon as the program yields, when an action run inside a context call (a taken batch's,
   * or an effect performed in its call) ended this vCPU's turn: its duration, or BLOCKED; NO_OWED when none did.
   */
  private owedNs = NO_OWED;
  /** Progress of the batch at the head: -1 before its trap, then the next entry; then the next callback. */
  private flushEntry = -1;
  private flushCb = 0;
  private readonly host: VcpuHost;
  private readonly hv: Hypervisor;
  private readonly flags: Uint8Array;
  private readonly locks: SpinLockTable;
  private readonly costs: CostProfile;
  private readonly walkStepNs: number;
  /** sizeof(struct mmuext_op) of the mode: 12 (i386) or 24 (x86-64) bytes. */
  private readonly mmuextBytes: number;
  /** Whether PTE locks of the pin walk are spin_lock_nest_lock (today) or plain spin_lock (2.6.24). */
  private readonly nestLocks: boolean;
  /** Xen 3.1's domain big lock, or null. */
  private readonly domainLock: DomainLock | null;
  /** This vCPU spins for the big lock (counted in domainLock.spinning). */
  private spinningForBigLock = false;
  /** When this vCPU started waiting for the big lock, or -1. */
  private bigLockWaitSince = -1;

  constructor(
    host: VcpuHost,
    readonly vcpu: number,
  ) {
    this.host = host;
    this.mm = host.mm.view;
    this.flags = host.mm.flags;
    this.hv = host.hv;
    this.locks = host.locks;
    this.costs = host.costs;
    this.walkStepNs = host.costs.walkStepNs;
    this.splitPtlocks = host.splitPtlocks;
    this.pageTableLock = host.locks.pageTableLock;
    const era = host.era;
    this.batcher = new MulticallBatcher({
      mcBatch: host.params.mcBatch,
      mcArgs: host.params.mcArgs,
      argAccounting: era.argAccounting,
      coalesce: era.coalesce,
      singletonBypass: era.singletonBypass,
    });
    this.preempt = new PreemptCount(host.params.preemptBits, host.debugLocks);
    this.lockdep = new Lockdep(host.debugLocks, { maxLockDepth: era.maxLockDepth, referencesBits: era.lockdepReferencesBits });
    this.mmuextBytes = host.mm.mode.mmuextOpBytes;
    this.nestLocks = era.nestLock;
    this.domainLock = host.domainLock;
  }

  /** Sub-ops issued as direct hypercalls, by name (update_va_mapping, or the mmuext command). */
  get directSubops(): Record<string, number> {
    const out: Record<string, number> = {};
    if (this.directUvm > 0) out.update_va_mapping = this.directUvm;
    this.directMmuext.forEach((n, cmd) => {
      if (n > 0) out[MMUEXT_NAMES[cmd] ?? String(cmd)] = n;
    });
    for (const [name, n] of this.directOther) out[name] = (out[name] ?? 0) + n;
    return out;
  }

  /** Give this vCPU its program. */
  start(program: Program): void {
    this.setProgram(program);
  }

  private setProgram(program: Program | null): void {
    this.program = program;
    this.programIsGenerator = program !== null && program.next === generatorNext;
  }

  /** Guest work this vCPU owes before its next visible action (walk steps, flushes forced by other vCPUs' IPIs), ns. */
  get owedWorkNs(): number {
    return this.debtNs + this.stolenNs;
  }

  /**
   * The batch whose trap, entries or callbacks run now (the oldest taken one), or null: read-only, for observers
   * that describe an ACTION_MC_* event (trace export). Its contents stay valid until its last callback has run.
   */
  get flushingBatch(): McBuffer | null {
    return this.takenHead !== this.takenCount ? (this.taken[this.takenHead]?.buf ?? null) : null;
  }

  /** What the vCPU is doing now, for fault reports. */
  describe(): string {
    const b = this.flushingBatch;
    if (b !== null) {
      return this.flushEntry < 0
        ? 'trapping into a multicall'
        : this.flushEntry < b.entries
          ? `multicall entry ${this.flushEntry + 1} of ${b.entries}`
          : 'running batch callbacks';
    }
    return `${EFFECT_NAMES[this.eff.kind]} (batch: ${this.batcher.queuedEntries} entries queued)`;
  }

  // ---- PinContext: queries and PG_pinned (local) ----

  ptl(frame: number): number {
    return this.splitPtlocks ? frame : this.pageTableLock;
  }

  testSetPinned(frame: number): boolean {
    this.debtNs += this.walkStepNs;
    const flags = this.flags;
    const old = flags[frame];
    if (old === undefined) return this.notAFrame('testSetPinned', frame);
    flags[frame] = old | PG_PINNED;
    return (old & PG_PINNED) !== 0;
  }

  testClearPinned(frame: number): boolean {
    this.debtNs += this.walkStepNs;
    const flags = this.flags;
    const old = flags[frame];
    if (old === undefined) return this.notAFrame('testClearPinned', frame);
    flags[frame] = old & ~PG_PINNED;
    return (old & PG_PINNED) !== 0;
  }

  /** A strategy named a frame that is not one of the mm's: a clear error, kept out of the hot callers. */
  private notAFrame(call: string, frame: number): never {
    throw new ModelError(`vCPU ${this.vcpu}: ${call}(${frame}): not a frame of this mm (${this.flags.length} frames)`);
  }

  // ---- PinContext: queueing into this vCPU's batch (local; a full batch is taken for flushing) ----

  mcUpdateVaMapping(frame: number, rw: boolean, flags: number): void {
    if (this.eff.requested) this.notYielded('mcUpdateVaMapping');
    const batcher = this.batcher;
    if (!batcher.tryQueueUpdateVaMapping(frame, rw, flags)) {
      this.take(batcher.entryFlushReason(0));
      batcher.queueUpdateVaMapping(frame, rw, flags);
    }
  }

  mcMmuextOp(cmd: number, frame: number): void {
    if (this.eff.requested) this.notYielded('mcMmuextOp');
    const batcher = this.batcher;
    if (!batcher.tryQueueMmuextOp(cmd, frame, this.mmuextBytes)) {
      this.take(batcher.entryFlushReason(this.mmuextBytes));
      if (!batcher.tryQueueMmuextOp(cmd, frame, this.mmuextBytes))
        throw new ModelError('mmuext_op does not fit in an empty batch');
    }
  }

  mcMmuUpdate(frame: number, index: number, value: number): void {
    if (this.eff.requested) this.notYielded('mcMmuUpdate');
    const batcher = this.batcher;
    if (!batcher.tryExtend(__HYPERVISOR_mmu_update, MMU_UPDATE_BYTES)) {
      if (!batcher.fits(MMU_UPDATE_BYTES)) this.take(batcher.entryFlushReason(MMU_UPDATE_BYTES));
      batcher.queueNewSubopEntry(__HYPERVISOR_mmu_update, MMU_UPDATE_BYTES);
    }
    batcher.setLastSubop(0, frame, index, value);
  }

  mcCallbackUnlock(lockId: number): void {
    if (this.eff.requested) this.notYielded('mcCallbackUnlock');
    if (!this.batcher.tryQueueCallback(CB_UNLOCK, lockId, null)) {
      this.take('callbacks');
      this.batcher.queueCallback(CB_UNLOCK, lockId);
    }
  }

  mcCallback(fn: (data: number) => void, data: number): void {
    if (this.eff.requested) this.notYielded('mcCallback');
    if (!this.batcher.tryQueueCallback(CB_FUNCTION, data, fn)) {
      this.take('callbacks');
      this.batcher.queueCallback(CB_FUNCTION, data, fn);
    }
  }

  // ---- PinContext: effects (yielded) ----
  //
  // Each method fills the vCPU's one effect record (what `describe`, the protocol checks and a parked effect read),
  // then performs it inside the call when the vCPU would run it right after the yield anyway (`begin`): the same
  // events at the same instants, decided by the engine's `continueAfter` as after the yield. The visible ones call
  // their action directly; `execute` runs the same actions for an effect that could not be performed in its call.

  lock(lockId: number, options?: LockOptions): Effect {
    const nest = options !== undefined && options.nest === true;
    const e = this.effect(E_LOCK, lockId, 0, 0, nest);
    const engine = this.begin(e);
    if (engine !== null) this.ended(e, this.acquire(engine, lockId, nest));
    return e;
  }
  unlock(lockId: number): Effect {
    const e = this.effect(E_UNLOCK, lockId, 0, 0, false);
    const engine = this.begin(e);
    if (engine !== null) this.ended(e, this.unlockNow(engine, lockId));
    return e;
  }
  mcFlush(): Effect {
    return this.now(this.effect(E_MC_FLUSH, 0, 0, 0, false));
  }
  mcIssue(): Effect {
    return this.now(this.effect(E_MC_ISSUE, 0, 0, 0, false));
  }
  hypercallUpdateVaMapping(frame: number, rw: boolean, flags: number): Effect {
    return this.directHypercall(this.effect(E_HC_UVM, frame, flags, 0, rw), true);
  }
  hypercallMmuextOp(cmd: number, frame: number): Effect {
    return this.directHypercall(this.effect(E_HC_MMUEXT, cmd, frame, 0, false), false);
  }
  store(frame: number, index: number, value: number): Effect {
    return this.now(this.effect(E_STORE, frame, index, value, false));
  }
  sleep(ns: number): Effect {
    if (!(ns >= 0)) throw new ModelError(`sleep of ${ns} ns`);
    return this.now(this.effect(E_SLEEP, ns, 0, 0, false));
  }
  call(program: Program): Effect {
    const e = this.effect(E_CALL, 0, 0, 0, false);
    this.eff.sub = program;
    return e;
  }

  /** A direct hypercall's effect `e`, performed in its call when it may (`begin`). */
  private directHypercall(e: EffectRecord, uvm: boolean): EffectRecord {
    // Under Xen 3.1's big lock the hypercall may spin first: the general path (`now`) tries again while it may.
    if (this.domainLock !== null) return this.now(e);
    const engine = this.begin(e);
    if (engine !== null) this.ended(e, this.hypercall(engine, uvm));
    return e;
  }

  private effect(kind: number, a: number, b: number, c: number, flag: boolean): EffectRecord {
    const e = this.eff;
    if (e.requested) this.requestedTwice(kind);
    e.kind = kind;
    e.a = a;
    e.b = b;
    e.c = c;
    e.flag = flag;
    e.requested = true;
    e.started = false;
    e.performed = false;
    return e;
  }

  /**
   * Whether the visible effect `e` (just requested) runs inside its call: the program is running inside a step
   * (`inline`), no taken batch waits before it, and the vCPU is not due to stop. Guest work owed is paid first, as an
   * event of its own. Returns the engine when the effect's own action is to run now, else null: the effect waits for
   * the yield (not started), or stays parked after the payment when the engine runs another vCPU first.
   */
  private begin(e: EffectRecord): Engine | null {
    const engine = this.inline;
    if (engine === null || this.takenHead !== this.takenCount || this.owedNs !== NO_OWED) return null;
    e.started = true;
    const owed = this.debtNs + this.stolenNs;
    if (owed > 0 && !engine.continueAfter(this.payDebt(engine, owed))) {
      this.parked = PARK_EFFECT;
      this.owedNs = owed;
      this.inline = null;
      return null;
    }
    return engine;
  }

  /**
   * The action of an effect begun in its call returned `r`: LOCAL, it is done and `yield*` goes on; else its
   * duration or BLOCKED, which the step returns once the program yields.
   */
  private ended(e: EffectRecord, r: number): void {
    if (r === LOCAL) e.performed = true;
    else {
      this.owedNs = r;
      this.inline = null;
    }
  }

  /**
   * Perform effect `e` inside its context call when the vCPU would run it right after the yield anyway: the program
   * is running inside a step (`inline`), no taken batch waits before it, and the vCPU is not due to stop. It is the
   * same events at the same instants (the engine's `continueAfter` decides each one as it would after the yield);
   * only the trip out of the program and back is saved. Where an event ends the vCPU's turn, the rest waits for the
   * program's yield as before (`owedNs`). `yield*` of a performed effect does not suspend the program. The general
   * path, through `execute`: flushes, stores, sleeps and the hypercalls under Xen 3.1's big lock.
   */
  private now(e: EffectRecord): EffectRecord {
    const engine = this.inline;
    if (engine === null || this.takenHead !== this.takenCount || this.owedNs !== NO_OWED) return e;
    e.started = true;
    this.parked = PARK_EFFECT;
    let r: number;
    do r = this.execute(engine);
    while (r === LOCAL && this.parked === PARK_EFFECT); // spinning for the big lock, and may go on: try again
    if (r === LOCAL) {
      // Done, unless a flush it started stopped in a batch (owedNs set): then `yield*` suspends.
      e.performed = this.owedNs === NO_OWED;
      return e;
    }
    this.owedNs = r;
    this.inline = null;
    return e;
  }

  private requestedTwice(kind: number): never {
    throw new ModelError(
      `vCPU ${this.vcpu}: ${EFFECT_NAMES[kind]} requested before the previous ${EFFECT_NAMES[this.eff.kind]} was yielded`,
    );
  }

  private notYielded(call: string): never {
    throw new ModelError(`vCPU ${this.vcpu}: ${call} called before the previous ${EFFECT_NAMES[this.eff.kind]} was yielded`);
  }

  /**
   * xen_mc_flush: take the batch (reason null for an explicit flush or xen_mc_issue). Its trap, entries and
   * callbacks run as events after the batches taken before it; the trap pays the walk steps done so far.
   */
  private take(reason: FlushReason | null): void {
    const singleton = this.batcher.flushIsSingleton;
    const buf = this.batcher.take(reason);
    let t = this.taken[this.takenCount];
    if (t === undefined) {
      t = { buf: null, singleton: false, debtNs: 0 };
      this.taken.push(t);
    }
    this.takenCount++;
    t.buf = buf;
    t.singleton = singleton;
    // A batch with no entries has no trap: its guest work stays owed to the next payment.
    if (buf.entries > 0) {
      t.debtNs = this.debtNs;
      this.debtNs = 0;
    } else t.debtNs = 0;
    if (this.takenCount - this.takenHead === 1) {
      this.beginFlush(buf);
      // No other vCPU can tell the difference between running it now and at the next yield: run it now while this
      // vCPU is due first (it stays in cache, and a walk that never yields does not pile up batches).
      const engine = this.inline;
      if (engine !== null) this.runTaken(engine);
    }
  }

  /** Run the taken batches inside the queueing call, while the engine lets this vCPU go on. */
  private runTaken(engine: Engine): void {
    this.inline = null; // a callback that queues again only adds to the taken batches
    while (this.takenHead !== this.takenCount) {
      const r = this.flushAction(engine);
      if (r !== LOCAL) {
        this.owedNs = r;
        return;
      }
    }
    this.inline = engine;
  }

  private beginFlush(buf: McBuffer): void {
    this.flushEntry = buf.entries > 0 ? -1 : 0;
    this.flushCb = 0;
  }

  // ---- Process ----

  step(engine: Engine): number {
    const stolen = this.hv.stolenNs[this.vcpu] as number; // the hypervisor has a slot per vCPU of the machine
    if (stolen !== 0) {
      // Flush IPIs from another vCPU's type changes: this vCPU pays its flushes before its next visible action.
      this.stolenNs += stolen;
      this.hv.stolenNs[this.vcpu] = 0;
    }
    for (;;) {
      const r = this.act(engine);
      if (r !== LOCAL) return r;
    }
  }

  /**
   * The vCPU's next actions: the events of the batches taken (oldest first), else the parked effect or the end of
   * the program, else the program resumed up to its next yield. Returns LOCAL to go on, or what `step` returns: the
   * duration of an action after which the engine runs another vCPU first, BLOCKED or DONE.
   */
  private act(engine: Engine): number {
    if (this.takenHead !== this.takenCount) return this.flushAction(engine);
    if (this.parked === PARK_EFFECT) return this.execute(engine);
    if (this.parked === PARK_END) return this.end(engine);
    const program = this.program;
    if (program === null) return this.exit(engine);
    this.inline = engine;
    const n = this.programIsGenerator ? generatorNext.call(program) : program.next();
    this.inline = null;
    if (n.done === true) this.programEnded();
    else {
      const e = this.eff;
      if (n.value !== e || !e.requested) this.badYield(n.value);
      e.requested = false;
      // Not started inside its context call: it runs now. Started: it is done, or parked where it stopped.
      if (!e.started) this.parked = PARK_EFFECT;
    }
    const owed = this.owedNs;
    if (owed !== NO_OWED) {
      this.owedNs = NO_OWED;
      return owed;
    }
    // Nothing taken waits before the effect: execute it now (the common case, without another trip through act).
    if (this.parked === PARK_EFFECT && this.takenHead === this.takenCount) return this.execute(engine);
    return LOCAL;
  }

  /** The running program returned: back to its caller (ctx.call), or the end is parked. */
  private programEnded(): void {
    if (this.eff.requested)
      throw new ModelError(`vCPU ${this.vcpu}: ${EFFECT_NAMES[this.eff.kind]} was requested but never yielded`);
    const caller = this.callers.pop();
    if (caller !== undefined) this.setProgram(caller);
    else {
      this.setProgram(null);
      this.parked = PARK_END;
    }
  }

  private badYield(value: unknown): never {
    throw new ModelError(
      `vCPU ${this.vcpu}: a program yielded ${value === undefined ? 'undefined (queueing calls such as mcUpdateVaMapping are not yielded)' : "something that is not this vCPU's effect"}`,
    );
  }

  /** An action keeps the vCPU busy for `costNs`: go on (LOCAL) if the engine runs this vCPU next anyway, else return it. */
  private spend(engine: Engine, costNs: number): number {
    return engine.continueAfter(costNs) ? LOCAL : costNs;
  }

  /** The program has ended: guest work still owed is one last event, then DONE. */
  private end(engine: Engine): number {
    this.parked = PARK_NONE;
    const owed = this.debtNs + this.stolenNs;
    if (owed > 0) return this.spend(engine, this.payDebt(engine, owed));
    return this.exit(engine);
  }

  private exit(engine: Engine): number {
    const obs = this.observer;
    if (obs !== null) obs.action(this.vcpu, ACTION_EXIT, engine.now, 0, 0, 0);
    return DONE;
  }

  /** Guest work owed by local actions (and IPI flushes) is spent before the next visible action, as an event. */
  private payDebt(engine: Engine, owed: number): number {
    this.debtNs = 0;
    this.stolenNs = 0;
    const obs = this.observer;
    if (obs !== null) obs.action(this.vcpu, ACTION_GUEST_WORK, engine.now, owed, 0, 0);
    return owed;
  }

  /** The effect is done: the program resumes at its next action. */
  private finished(): void {
    this.parked = PARK_NONE;
  }

  /** Execute the yielded effect (it stays parked while guest work is paid first or the big lock is busy). */
  private execute(engine: Engine): number {
    const e = this.eff;
    const kind = e.kind;
    if (kind >= E_FIRST_VISIBLE) {
      const owed = this.debtNs + this.stolenNs;
      if (owed > 0 && !engine.continueAfter(this.payDebt(engine, owed))) return owed;
    }
    const obs = this.observer;
    switch (kind) {
      case E_LOCK:
        return this.acquire(engine, e.a, e.flag);
      case E_UNLOCK:
        return this.unlockNow(engine, e.a);
      case E_MC_FLUSH:
      case E_MC_ISSUE:
        this.finished();
        this.take(null);
        return LOCAL;
      case E_CALL:
        this.finished();
        if (this.program === null) throw new ModelError(`vCPU ${this.vcpu}: ctx.call yielded with no program running`);
        this.callers.push(this.program);
        this.setProgram(e.sub);
        e.sub = null;
        return LOCAL;
      case E_HC_UVM:
      case E_HC_MMUEXT:
        return this.hypercall(engine, kind === E_HC_UVM);
      case E_STORE:
        return this.storePte(engine);
      case E_SLEEP:
        this.finished();
        if (obs !== null) obs.action(this.vcpu, ACTION_SLEEP, engine.now, e.a, e.a, 0);
        return this.spend(engine, e.a);
      default:
        return this.unknownEffect(kind);
    }
  }

  /** spin_lock (spin_lock_nest_lock with `nest`): taken now, or BLOCKED until the holder hands it over. */
  private acquire(engine: Engine, id: number, nest: boolean): number {
    const locks = this.locks;
    this.preempt.add(1, engine.now);
    this.lockdep.acquire(locks.classOf(id), nest && this.nestLocks);
    this.finished(); // a contended acquisition completes when the holder hands the lock over
    const obs = this.observer;
    if (locks.tryAcquire(id, this.vcpu)) {
      const cost = this.costs.spinAcquireNs;
      if (obs !== null) obs.action(this.vcpu, ACTION_LOCK, engine.now, cost, id, 0);
      return this.spend(engine, cost);
    }
    if (obs !== null) obs.action(this.vcpu, ACTION_LOCK_WAIT, engine.now, 0, id, 0);
    return BLOCKED;
  }

  /** spin_unlock: the lock passes to the first waiter, if any. */
  private unlockNow(engine: Engine, id: number): number {
    this.release(engine, id);
    this.finished();
    const cost = this.costs.spinReleaseNs;
    const obs = this.observer;
    if (obs !== null) obs.action(this.vcpu, ACTION_UNLOCK, engine.now, cost, id, 0);
    return this.spend(engine, cost);
  }

  private unknownEffect(kind: number): never {
    throw new ModelError(`vCPU ${this.vcpu}: unknown effect ${kind}`);
  }

  /** A direct hypercall: one trap, the sub-op under Xen 3.1's big lock. */
  private hypercall(engine: Engine, uvm: boolean): number {
    const e = this.eff;
    const t = engine.now;
    const trap = this.costs.hypercallTrapNs;
    const lock = this.domainLock;
    if (lock !== null) {
      const wait = this.bigLockWait(lock, t, trap);
      if (wait >= 0) return this.spinForBigLock(engine, wait);
    }
    this.finished();
    this.directTraps++;
    if (uvm) this.directUvm++;
    else {
      // A typed array reads undefined at any index but an integer in range: those commands are counted apart.
      const n = this.directMmuext[e.a];
      if (n !== undefined) this.directMmuext[e.a] = n + 1;
      else this.directOther.set(String(e.a), (this.directOther.get(String(e.a)) ?? 0) + 1);
    }
    const hv = this.hv;
    hv.current = this.vcpu;
    hv.opStartNs = t + trap;
    const cost = uvm ? hv.updateVaMappingCost(e.a, e.flag, e.b) : hv.mmuextOpCost(e.a, e.b);
    const refused = hv.directError;
    if (refused !== null) this.noteError(refused);
    if (lock !== null) lock.take(t + trap, cost, this.bigLockWaited(t + trap));
    const obs = this.observer;
    if (obs !== null) obs.action(this.vcpu, ACTION_HYPERCALL, t, trap + cost, uvm ? e.a : e.b, uvm ? -1 : e.a);
    return this.spend(engine, trap + cost);
  }

  /** A PTE store: direct, through a stale TLB entry, emulated by ptwr (under the big lock on Xen 3.1), or a fault. */
  private storePte(engine: Engine): number {
    const e = this.eff;
    const hv = this.hv;
    hv.current = this.vcpu;
    const lock = this.domainLock;
    // Only Xen 3.1's big lock needs to know beforehand whether the store traps.
    const traps = lock !== null && hv.storeTraps(e.a);
    if (lock !== null) {
      if (traps) {
        // ptwr_do_page_fault takes LOCK_BIGLOCK before it looks at the page.
        const wait = this.bigLockWait(lock, engine.now, 0);
        if (wait >= 0) return this.spinForBigLock(engine, wait);
      } else this.stopSpinning();
    }
    this.finished();
    const outcome = hv.store(e.a, e.b, e.c);
    this.host.noteStore(this.vcpu, e.a, outcome);
    const cost = hv.storeCost(outcome);
    if (traps && lock !== null) lock.take(engine.now, cost, this.bigLockWaited(engine.now));
    const obs = this.observer;
    if (obs !== null) obs.action(this.vcpu, ACTION_STORE, engine.now, cost, e.a, outcome);
    return this.spend(engine, cost);
  }

  /**
   * The events of the batch at the head of the taken ones, as many as the engine lets this vCPU run in a row: its
   * trap, each entry, each lock-releasing callback (a callback that runs a function takes no event); LOCAL once the
   * batch is done and recycled.
   */
  private flushAction(engine: Engine): number {
    const t = this.taken[this.takenHead];
    const b = t?.buf;
    if (t === undefined || b == null) return this.noTakenBatch();
    if (this.flushEntry < 0) {
      this.flushEntry = 0;
      const cost = this.costs.hypercallTrapNs + t.debtNs + this.stolenNs;
      this.stolenNs = 0;
      const obs = this.observer;
      if (obs !== null) obs.action(this.vcpu, ACTION_MC_TRAP, engine.now, cost, b.entries, b.callbacks);
      if (!engine.continueAfter(cost)) return cost;
    }
    if (this.flushEntry < b.entries) {
      const r = this.runEntries(engine, b, t.singleton);
      if (r !== LOCAL) return r;
    }
    if (this.flushCb < b.callbacks) {
      const r = this.runCallbacks(engine, b);
      if (r !== LOCAL) return r;
    }
    this.batcher.recycle(b);
    t.buf = null;
    if (++this.takenHead === this.takenCount) {
      this.takenHead = 0;
      this.takenCount = 0;
    } else {
      const nextBuf = this.taken[this.takenHead]?.buf;
      if (nextBuf == null) return this.noTakenBatch();
      this.beginFlush(nextBuf);
    }
    return LOCAL;
  }

  /** Xen executes the batch's entries from `flushEntry` on, one event each, while the engine lets this vCPU go on. */
  private runEntries(engine: Engine, b: McBuffer, singleton: boolean): number {
    const entries = b.entries;
    // A singleton goes to Xen as the hypercall itself: no multicall entry to copy and dispatch.
    const dispatch = !singleton;
    const pre = dispatch ? this.costs.mcEntryDispatchNs : 0;
    const hv = this.hv;
    const lock = this.domainLock;
    const obs = this.observer;
    // No other vCPU runs until this loop returns: Xen's `current` stays this vCPU.
    hv.current = this.vcpu;
    do {
      const now = engine.now;
      if (lock !== null) {
        const wait = this.bigLockWait(lock, now, pre);
        if (wait >= 0) {
          // Spinning is an event of its own; when the engine lets this vCPU go on, it tries again at once.
          const r = this.spinForBigLock(engine, wait);
          if (r !== LOCAL) return r;
          continue;
        }
      }
      const index = this.flushEntry++;
      const cost = hv.executeEntryNow(b, index, dispatch); // at engine.now: the hypervisor's clock is the engine
      if (hv.entryErrors > 0) this.noteError(hv.entryFirstError ?? 'a sub-op failed', hv.entryErrors);
      if (lock !== null) lock.take(now + pre, cost - pre, this.bigLockWaited(now + pre));
      if (obs !== null) obs.action(this.vcpu, ACTION_MC_ENTRY, now, cost, index, entries);
      if (!engine.continueAfter(cost)) return cost;
    } while (this.flushEntry < entries);
    return LOCAL;
  }

  /**
   * The batch's callbacks from `flushCb` on, in order: a lock-releasing one is an event, one that runs a function
   * takes none.
   */
  private runCallbacks(engine: Engine, b: McBuffer): number {
    const cost = this.costs.spinReleaseNs;
    const obs = this.observer;
    // k < b.callbacks <= the batch's callback slots, the length of cbKind, cbData and cbFn.
    while (this.flushCb < b.callbacks) {
      const k = this.flushCb++;
      if (b.cbKind[k] === CB_UNLOCK) {
        const id = b.cbData[k] as number;
        this.release(engine, id);
        if (obs !== null) obs.action(this.vcpu, ACTION_MC_CALLBACK, engine.now, cost, id, k);
        if (!engine.continueAfter(cost)) return cost;
      } else {
        const fn = b.cbFn[k];
        b.cbFn[k] = null;
        fn?.(b.cbData[k] as number);
      }
    }
    return LOCAL;
  }

  private noTakenBatch(): never {
    throw new ModelError(`vCPU ${this.vcpu}: no taken batch (with a buffer) at ${this.takenHead} to run`);
  }

  /** The big lock is busy: spin `wait` ns, then try again (the action stays where it is). */
  private spinForBigLock(engine: Engine, wait: number): number {
    const obs = this.observer;
    if (obs !== null) obs.action(this.vcpu, ACTION_BIG_LOCK_SPIN, engine.now, wait, 0, 0);
    return this.spend(engine, wait);
  }

  /**
   * Whether this vCPU can take the domain big lock `pre` ns from now (after its trap or its entry dispatch): -1 if
   * so, else how long to wait before trying again (it spins meanwhile). A vCPU that was not spinning lets those that
   * were spinning go first: they take the lock in the gap while it is still dispatching.
   */
  private bigLockWait(lock: DomainLock, t: number, pre: number): number {
    const wasSpinning = this.spinningForBigLock;
    if (wasSpinning) {
      lock.spinning--;
      this.spinningForBigLock = false;
    }
    const at = t + pre;
    if (lock.freeAtNs <= at && (wasSpinning || lock.spinning === 0)) return -1;
    if (this.bigLockWaitSince < 0) this.bigLockWaitSince = at;
    lock.spinning++;
    this.spinningForBigLock = true;
    return lock.freeAtNs > at ? lock.freeAtNs - at : Math.max(0, lock.freeAtNs - t);
  }

  /** Time this vCPU spun for the big lock before taking it at `atNs` (0 if it did not wait); resets the wait. */
  private bigLockWaited(atNs: number): number {
    const since = this.bigLockWaitSince;
    this.bigLockWaitSince = -1;
    return since < 0 ? 0 : atNs - since;
  }

  /** Stop spinning for the big lock (the store no longer traps). */
  private stopSpinning(): void {
    if (this.spinningForBigLock) {
      if (this.domainLock === null) throw new ModelError(`vCPU ${this.vcpu} spins for a big lock the domain does not have`);
      this.domainLock.spinning--;
      this.spinningForBigLock = false;
    }
    this.bigLockWaitSince = -1;
  }

  private release(engine: Engine, lockId: number): void {
    const locks = this.locks;
    const next = locks.release(lockId, this.vcpu);
    this.preempt.sub(1);
    this.lockdep.release(locks.classOf(lockId));
    if (next >= 0) this.host.handOver(lockId, next, engine.now + this.costs.cacheLineTransferNs);
  }

  private noteError(reason: string, n = 1): void {
    this.hypercallErrors += n;
    this.firstHypercallError ??= reason;
  }
}
