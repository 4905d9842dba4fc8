import { __HYPERVISOR_mmu_update, __HYPERVISOR_mmuext_op, MMU_UPDATE_BYTES, MMUEXT_NAMES, MMUEXT_OP_BYTES } from '../hv/abi.js';
import type { Hypervisor } from '../hv/hypervisor.js';
import { executeMulticallEntry, type EntryOutcome } from '../hv/multicall-exec.js';
import { CB_FUNCTION, CB_UNLOCK, type McBuffer, MulticallBatcher } from '../hv/multicall-batcher.js';
import type { FlushReason } from '../hv/types.js';
import { PG_PINNED } from '../mmu/frame-flags.js';
import { Lockdep } from '../mmu/lockdep.js';
import type { Mm } from '../mmu/mm.js';
import { PreemptCount } from '../mmu/preempt-count.js';
import type { SpinLockTable } from '../mmu/spin-lock.js';
import { BLOCKED, DONE, type Engine, type Process } from '../sim/engine.js';
import { ModelError } from '../shared/errors.js';
import type { Effect, LockOptions, PinContext, Program } from '../strategies/types.js';
import type { Machine } from './machine.js';

// Effect kinds.
const E_NONE = 0;
const E_LOCK = 1;
const E_UNLOCK = 2;
const E_MC_UVM = 3;
const E_MC_MMUEXT = 4;
const E_MC_MMU_UPDATE = 5;
const E_MC_CB_UNLOCK = 6;
const E_MC_CB_FN = 7;
const E_MC_FLUSH = 8;
const E_MC_ISSUE = 9;
const E_HC_UVM = 10;
const E_HC_MMUEXT = 11;
const E_STORE = 12;
const E_SLEEP = 13;
const E_CALL = 14;

const EFFECT_NAMES = ['none', 'lock', 'unlock', 'mc update_va_mapping', 'mc mmuext_op', 'mc mmu_update', 'mc callback (unlock)',
  'mc callback', 'xen_mc_flush', 'xen_mc_issue', 'update_va_mapping hypercall', 'mmuext_op hypercall', 'PTE store', 'sleep', 'call'];

/** The one effect record of a vCPU: a context method fills it, the program yields it, `step` consumes it. */
class EffectRecord implements Effect {
  readonly __effect = true as const;
  kind = E_NONE;
  a = 0;
  b = 0;
  c = 0;
  flag = false;
  fn: ((data: number) => void) | null = null;
  sub: Program | null = null;
}

/** Result of executing one effect. */
const LOCAL = -3; // no virtual time, not visible to other vCPUs: go on with the next effect
const RETRY = -4; // flush first (started), then execute the same effect again

/**
 * A guest vCPU: runs one program (pinner or writer) over the model as a sim Process, one globally visible action
 * per step. Implements PinContext. Batch queueing is local to the vCPU and takes no step; a flush executes its
 * multicall entry by entry (other vCPUs run in between), then its callbacks in FIFO order.
 */
export class GuestCpu implements Process, PinContext {
  readonly mm: Mm;
  readonly batcher: MulticallBatcher;
  readonly preempt: PreemptCount;
  readonly lockdep = new Lockdep();
  readonly splitPtlocks: boolean;
  readonly pageTableLock: number;
  /** Direct hypercall traps (multicall traps are counted in the batcher's stats). */
  directTraps = 0;
  /** Sub-ops issued as direct hypercalls, by name (update_va_mapping, or the mmuext command). */
  readonly directSubops: Record<string, number> = {};
  /** Sub-ops that returned an error (Linux WARNs). */
  hypercallErrors = 0;
  firstHypercallError: string | null = null;
  /** Engine process id, set by the machine. */
  pid = -1;
  private program: Program | null = null;
  /** Callers of the running program (ctx.call). */
  private readonly callers: Program[] = [];
  private readonly eff = new EffectRecord();
  private pending = false;
  private retry = false;
  private debtNs = 0;
  private flushBuf: McBuffer | null = null;
  private flushEntry = -1;
  private flushCb = 0;
  private readonly outcome: EntryOutcome = { costNs: 0, errors: 0, firstError: null };
  private readonly hv: Hypervisor;
  private readonly locks: SpinLockTable;

  constructor(
    private readonly machine: Machine,
    readonly vcpu: number,
  ) {
    this.mm = machine.mm;
    this.hv = machine.hv;
    this.locks = machine.locks;
    this.splitPtlocks = machine.splitPtlocks;
    this.pageTableLock = machine.locks.pageTableLock;
    this.batcher = new MulticallBatcher(machine.params.mcBatch, machine.params.mcArgs);
    this.preempt = new PreemptCount(machine.params.preemptBits);
  }

  /** Give this vCPU its program. */
  start(program: Program): void {
    this.program = program;
  }

  /** What the vCPU is doing now, for fault reports. */
  describe(): string {
    if (this.flushBuf) {
      return this.flushEntry < 0
        ? 'trapping into a multicall'
        : this.flushEntry < this.flushBuf.entries
          ? `multicall entry ${this.flushEntry + 1} of ${this.flushBuf.entries}`
          : 'running batch callbacks';
    }
    return `${EFFECT_NAMES[this.eff.kind]} (batch: ${this.batcher.queuedEntries} entries queued)`;
  }

  // ---- PinContext: queries and PG_pinned ----

  ptl(frame: number): number {
    return this.splitPtlocks ? frame : this.pageTableLock;
  }

  testSetPinned(frame: number): boolean {
    this.debtNs += this.machine.costs.walkStepNs;
    const was = (this.mm.flags[frame] & PG_PINNED) !== 0;
    this.mm.flags[frame] |= PG_PINNED;
    return was;
  }

  testClearPinned(frame: number): boolean {
    this.debtNs += this.machine.costs.walkStepNs;
    const was = (this.mm.flags[frame] & PG_PINNED) !== 0;
    this.mm.flags[frame] &= ~PG_PINNED;
    return was;
  }

  // ---- PinContext: effects ----

  lock(lockId: number, options?: LockOptions): Effect {
    return this.effect(E_LOCK, lockId, 0, 0, options?.nest === true);
  }
  unlock(lockId: number): Effect {
    return this.effect(E_UNLOCK, lockId, 0, 0, false);
  }
  mcUpdateVaMapping(frame: number, rw: boolean, flags: number): Effect {
    return this.effect(E_MC_UVM, frame, flags, 0, rw);
  }
  mcMmuextOp(cmd: number, frame: number): Effect {
    return this.effect(E_MC_MMUEXT, cmd, frame, 0, false);
  }
  mcMmuUpdate(frame: number, index: number, value: number): Effect {
    return this.effect(E_MC_MMU_UPDATE, frame, index, value, false);
  }
  mcCallbackUnlock(lockId: number): Effect {
    return this.effect(E_MC_CB_UNLOCK, lockId, 0, 0, false);
  }
  mcCallback(fn: (data: number) => void, data: number): Effect {
    const e = this.effect(E_MC_CB_FN, data, 0, 0, false);
    this.eff.fn = fn;
    return e;
  }
  mcFlush(): Effect {
    return this.effect(E_MC_FLUSH, 0, 0, 0, false);
  }
  mcIssue(): Effect {
    return this.effect(E_MC_ISSUE, 0, 0, 0, false);
  }
  hypercallUpdateVaMapping(frame: number, rw: boolean, flags: number): Effect {
    return this.effect(E_HC_UVM, frame, flags, 0, rw);
  }
  hypercallMmuextOp(cmd: number, frame: number): Effect {
    return this.effect(E_HC_MMUEXT, cmd, frame, 0, false);
  }
  store(frame: number, index: number, value: number): Effect {
    return this.effect(E_STORE, frame, index, value, false);
  }
  sleep(ns: number): Effect {
    if (!(ns >= 0)) throw new ModelError(`sleep of ${ns} ns`);
    return this.effect(E_SLEEP, ns, 0, 0, false);
  }

  call(program: Program): Effect {
    const e = this.effect(E_CALL, 0, 0, 0, false);
    this.eff.sub = program;
    return e;
  }

  private effect(kind: number, a: number, b: number, c: number, flag: boolean): Effect {
    if (this.pending) {
      throw new ModelError(`vCPU ${this.vcpu}: ${EFFECT_NAMES[kind]} requested before the previous ${EFFECT_NAMES[this.eff.kind]} was yielded`);
    }
    const e = this.eff;
    e.kind = kind;
    e.a = a;
    e.b = b;
    e.c = c;
    e.flag = flag;
    this.pending = true;
    return e;
  }

  // ---- Process ----

  step(engine: Engine): number {
    for (;;) {
      if (this.flushBuf) {
        const r = this.flushStep(engine);
        if (r !== LOCAL) return r;
        continue;
      }
      if (!this.retry) {
        const program = this.program;
        if (!program) return DONE;
        const n = program.next();
        if (n.done) {
          if (this.pending) throw new ModelError(`vCPU ${this.vcpu}: ${EFFECT_NAMES[this.eff.kind]} was requested but never yielded`);
          if (this.callers.length > 0) {
            this.program = this.callers.pop()!;
            continue;
          }
          this.program = null;
          if (this.debtNs > 0) return this.payDebt();
          return DONE;
        }
        if (n.value !== this.eff || !this.pending) throw new ModelError(`vCPU ${this.vcpu}: a program yielded something that is not this vCPU's effect`);
      }
      this.retry = false;
      const r = this.execute(engine);
      if (r === RETRY) {
        this.retry = true;
        continue;
      }
      if (this.retry) return r; // guest work paid first; the same effect runs next step
      if (r === LOCAL) {
        this.pending = false;
        continue;
      }
      if (r !== BLOCKED) this.pending = false;
      return r;
    }
  }

  /** Guest work accumulated by local actions is spent before the next visible one. */
  private payDebt(): number {
    const d = this.debtNs;
    this.debtNs = 0;
    return d;
  }

  private execute(engine: Engine): number {
    const e = this.eff;
    const costs = this.machine.costs;
    const visible = e.kind === E_LOCK || e.kind === E_UNLOCK || e.kind === E_HC_UVM || e.kind === E_HC_MMUEXT || e.kind === E_STORE || e.kind === E_SLEEP;
    if (visible && this.debtNs > 0) {
      this.retry = true;
      return this.payDebt();
    }
    switch (e.kind) {
      case E_LOCK: {
        const cls = this.locks.classOf(e.a);
        this.preempt.add(1, engine.now);
        this.lockdep.acquire(cls, e.flag);
        if (this.locks.tryAcquire(e.a, this.vcpu)) return costs.spinAcquireNs;
        this.pending = false; // the acquisition completes when the holder hands the lock over
        return BLOCKED;
      }
      case E_UNLOCK:
        this.release(engine, e.a);
        return costs.spinReleaseNs;
      case E_MC_UVM: {
        const reason = this.batcher.entryFlushReason(0);
        if (reason) return this.startFlush(reason);
        this.batcher.queueUpdateVaMapping(e.a, e.flag, e.b);
        return LOCAL;
      }
      case E_MC_MMUEXT:
      case E_MC_MMU_UPDATE: {
        const op = e.kind === E_MC_MMUEXT ? __HYPERVISOR_mmuext_op : __HYPERVISOR_mmu_update;
        const bytes = e.kind === E_MC_MMUEXT ? MMUEXT_OP_BYTES : MMU_UPDATE_BYTES;
        if (!this.batcher.tryExtend(op, bytes)) {
          const reason = this.batcher.entryFlushReason(bytes);
          if (reason) return this.startFlush(reason);
          this.batcher.queueNewSubopEntry(op, bytes);
        }
        if (e.kind === E_MC_MMUEXT) this.batcher.setLastSubop(e.a, e.b);
        else this.batcher.setLastSubop(0, e.a, e.b, e.c);
        return LOCAL;
      }
      case E_MC_CB_UNLOCK:
      case E_MC_CB_FN:
        if (this.batcher.callbackNeedsFlush()) return this.startFlush('callbacks');
        if (e.kind === E_MC_CB_UNLOCK) this.batcher.queueCallback(CB_UNLOCK, e.a);
        else this.batcher.queueCallback(CB_FUNCTION, e.a, e.fn);
        e.fn = null;
        return LOCAL;
      case E_MC_FLUSH:
      case E_MC_ISSUE:
        this.startFlush(null);
        this.pending = false;
        return LOCAL;
      case E_HC_UVM:
      case E_HC_MMUEXT: {
        this.directTraps++;
        const name = e.kind === E_HC_UVM ? 'update_va_mapping' : (MMUEXT_NAMES[e.a] ?? String(e.a));
        this.directSubops[name] = (this.directSubops[name] ?? 0) + 1;
        const r = e.kind === E_HC_UVM ? this.hv.updateVaMapping(e.a, e.flag, e.b) : this.hv.mmuextOp(e.a, e.b);
        if (r.state === 'error') this.noteError(r.reason);
        return costs.hypercallTrapNs + r.costNs;
      }
      case E_STORE: {
        const outcome = this.hv.guestStore(e.a, e.b, e.c);
        this.machine.noteStore(this, e.a, outcome);
        return this.hv.storeCostNs(outcome);
      }
      case E_SLEEP:
        return e.a;
      case E_CALL:
        this.callers.push(this.program!);
        this.program = e.sub;
        e.sub = null;
        return LOCAL;
      default:
        throw new ModelError(`vCPU ${this.vcpu}: unknown effect ${e.kind}`);
    }
  }

  /** xen_mc_flush: take the batch; its trap, entries and callbacks run in the following steps. */
  private startFlush(reason: FlushReason | null): number {
    const b = this.batcher.take(reason);
    this.flushBuf = b;
    this.flushEntry = b.entries > 0 ? -1 : 0;
    this.flushCb = 0;
    return reason === null ? LOCAL : RETRY;
  }

  private flushStep(engine: Engine): number {
    const b = this.flushBuf!;
    const costs = this.machine.costs;
    if (this.flushEntry < 0) {
      this.flushEntry = 0;
      return costs.hypercallTrapNs + this.payDebt();
    }
    if (this.flushEntry < b.entries) {
      const o = executeMulticallEntry(this.hv, costs, b, this.flushEntry++, this.outcome);
      if (o.errors > 0) this.noteError(o.firstError!, o.errors);
      return o.costNs;
    }
    if (this.flushCb < b.callbacks) {
      const k = this.flushCb++;
      if (b.cbKind[k] === CB_UNLOCK) {
        this.release(engine, b.cbData[k]);
        return costs.spinReleaseNs;
      }
      const fn = b.cbFn[k];
      b.cbFn[k] = null;
      fn?.(b.cbData[k]);
      return LOCAL;
    }
    this.flushBuf = null;
    return LOCAL;
  }

  private release(engine: Engine, lockId: number): void {
    const next = this.locks.release(lockId, this.vcpu);
    this.preempt.sub(1);
    this.lockdep.release(this.locks.classOf(lockId));
    if (next >= 0) this.machine.handOver(lockId, next, engine.now + this.machine.costs.cacheLineTransferNs);
  }

  private noteError(reason: string, n = 1): void {
    this.hypercallErrors += n;
    this.firstHypercallError ??= reason;
  }
}
