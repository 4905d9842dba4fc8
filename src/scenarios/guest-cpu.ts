import { __HYPERVISOR_mmu_update, __HYPERVISOR_mmuext_op, MMU_UPDATE_BYTES, MMUEXT_NAMES } from '../hv/abi.js';
import type { DomainLock } from '../hv/domain-lock.js';
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
 * multicall entry by entry (other vCPUs run in between), then its callbacks in FIFO order. The kernel era of the
 * machine decides the batcher's rules, the PTE-lock annotation and lockdep's limits; the profile's Xen decides
 * whether sub-ops and trapped stores take the domain's big lock.
 */
export class GuestCpu implements Process, PinContext {
  readonly mm: Mm;
  readonly batcher: MulticallBatcher;
  readonly preempt: PreemptCount;
  readonly lockdep: Lockdep;
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
  /** The batch being flushed goes out as a direct hypercall (one entry, singleton bypass). */
  private flushSingleton = false;
  private readonly outcome: EntryOutcome = { costNs: 0, errors: 0, firstError: null };
  private readonly hv: Hypervisor;
  private readonly locks: SpinLockTable;
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
    private readonly machine: Machine,
    readonly vcpu: number,
  ) {
    this.mm = machine.mm;
    this.hv = machine.hv;
    this.locks = machine.locks;
    this.splitPtlocks = machine.splitPtlocks;
    this.pageTableLock = machine.locks.pageTableLock;
    const era = machine.era;
    this.batcher = new MulticallBatcher({
      mcBatch: machine.params.mcBatch,
      mcArgs: machine.params.mcArgs,
      argAccounting: era.argAccounting,
      coalesce: era.coalesce,
      singletonBypass: era.singletonBypass,
    });
    this.preempt = new PreemptCount(machine.params.preemptBits, machine.debugLocks);
    this.lockdep = new Lockdep(machine.debugLocks, { maxLockDepth: era.maxLockDepth, referencesBits: era.lockdepReferencesBits });
    this.mmuextBytes = machine.mm.mode.mmuextOpBytes;
    this.nestLocks = era.nestLock;
    this.domainLock = machine.domainLock;
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
    const stolen = this.hv.stolenNs[this.vcpu];
    if (stolen !== 0) {
      // Flush IPIs from another vCPU's type changes: this vCPU pays its flushes before its next visible action.
      this.debtNs += stolen;
      this.hv.stolenNs[this.vcpu] = 0;
    }
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
        this.lockdep.acquire(cls, e.flag && this.nestLocks);
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
        const bytes = e.kind === E_MC_MMUEXT ? this.mmuextBytes : MMU_UPDATE_BYTES;
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
        const t = engine.now;
        const trap = costs.hypercallTrapNs;
        const lock = this.domainLock;
        if (lock !== null) {
          const wait = this.bigLockWait(t, trap);
          if (wait >= 0) {
            this.retry = true;
            return wait;
          }
        }
        this.directTraps++;
        const name = e.kind === E_HC_UVM ? 'update_va_mapping' : (MMUEXT_NAMES[e.a] ?? String(e.a));
        this.directSubops[name] = (this.directSubops[name] ?? 0) + 1;
        const hv = this.hv;
        hv.current = this.vcpu;
        hv.opStartNs = t + trap;
        const r = e.kind === E_HC_UVM ? hv.updateVaMapping(e.a, e.flag, e.b) : hv.mmuextOp(e.a, e.b);
        const cost = r.costNs;
        if (r.state === 'error') this.noteError(r.reason);
        if (lock !== null) lock.take(t + trap, cost, this.bigLockWaited(t + trap));
        return trap + cost;
      }
      case E_STORE: {
        const hv = this.hv;
        hv.current = this.vcpu;
        const lock = this.domainLock;
        const traps = hv.storeTraps(e.a);
        if (lock !== null) {
          if (traps) {
            // ptwr_do_page_fault takes LOCK_BIGLOCK before it looks at the page.
            const wait = this.bigLockWait(engine.now, 0);
            if (wait >= 0) {
              this.retry = true;
              return wait;
            }
          } else this.stopSpinning();
        }
        const outcome = hv.guestStore(e.a, e.b, e.c);
        this.machine.noteStore(this, e.a, outcome);
        const cost = hv.storeCostNs(outcome);
        if (lock !== null && traps) lock.take(engine.now, cost, this.bigLockWaited(engine.now));
        return cost;
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
    this.flushSingleton = this.batcher.flushIsSingleton;
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
      // A singleton goes to Xen as the hypercall itself: no multicall entry to copy and dispatch.
      const t = engine.now;
      const pre = this.flushSingleton ? 0 : costs.mcEntryDispatchNs;
      const lock = this.domainLock;
      if (lock !== null) {
        const wait = this.bigLockWait(t, pre);
        if (wait >= 0) return wait;
      }
      this.hv.current = this.vcpu;
      const o = executeMulticallEntry(this.hv, costs, b, this.flushEntry++, this.outcome, t, !this.flushSingleton);
      if (o.errors > 0) this.noteError(o.firstError!, o.errors);
      if (lock !== null) lock.take(t + pre, o.costNs - pre, this.bigLockWaited(t + pre));
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

  /**
   * Whether this vCPU can take the domain big lock `pre` ns from now (after its trap or its entry dispatch): -1 if
   * so, else how long to wait before trying again (it spins meanwhile). A vCPU that was not spinning lets those that
   * were spinning go first: they take the lock in the gap while it is still dispatching.
   */
  private bigLockWait(t: number, pre: number): number {
    const lock = this.domainLock!;
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
      this.domainLock!.spinning--;
      this.spinningForBigLock = false;
    }
    this.bigLockWaitSince = -1;
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
