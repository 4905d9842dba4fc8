import { COST_PROFILES } from '../hv/cost-profiles.js';
import { FRAME_RW } from '../mmu/frame-flags.js';
import { forkExitPinner, invariantProblems, Machine } from '../scenarios/index.js';
import { ACTION_STORE, type ActionObserver, STORE_OUTCOMES } from '../scenarios/vcpu/index.js';
import type { ForkExitParams } from '../scenarios/types.js';
import { BLOCKED, DONE } from '../sim/engine.js';
import { ModelError } from '../shared/errors.js';
import { claimsRaceFree, getStrategy } from '../strategies/registry.js';
import type { Strategy } from '../strategies/types.js';
import { elementAt } from '../shared/element-at.js';
import { ExploreEngine } from './explore-engine.js';
import { exploreWriter } from './explore-writer.js';
import { IntervalTime, MAX_STEPS_PER_SCHEDULE } from './interval-time.js';
import { foldAction, hashNumbers } from './state-hash.js';
import type { Violation, Workload } from './types.js';

/** What a vCPU can do at a scheduling point. */
export const RUNNABLE = 0;
/** Spinning for a spinlock another vCPU holds: schedulable again when the lock is handed over. */
export const SPINNING = 1;
/** Waiting for Xen 3.1's big lock, held by another vCPU's running action: schedulable again at that vCPU's next step. */
export const BIG_LOCK_WAIT = 2;
/** Its program has ended. */
export const FINISHED = 3;

/** The `kind` a program's choice is folded into its vCPU's history with (no ACTION_* has it). */
const CHOICE_IN_HISTORY = -1;

/** Names of the statuses, for traces. */
export const STATUS_NAMES = ['runnable', 'spinning', 'waiting for the big lock', 'finished'] as const;

/** The name of a vCPU's status (STATUS_NAMES), `status N` for one that is not. */
function statusName(status: number | undefined): string {
  return (status === undefined ? undefined : STATUS_NAMES[status]) ?? `status ${status}`;
}

/** One action a vCPU performed, as the engine's ActionObserver reported it. */
export interface ObservedAction {
  vcpu: number;
  kind: number;
  atNs: number;
  durationNs: number;
  a: number;
  b: number;
}

/** Sees each step of an execution once it is done (traces and replay). */
export interface StepListener {
  step(x: Execution, vcpu: number, action: ObservedAction, preemption: boolean): void;
  /** vCPU `vcpu`'s program chose `value` among `alternatives` during the step in progress. */
  choice?(x: Execution, vcpu: number, value: number, alternatives: number): void;
}

/**
 * fork-exit under exploration: vCPU 0 runs the scenario's pinner (the strategy's pin and unpin under
 * page_table_lock, `iterations` times), every other vCPU an exploreWriter making `writerUpdates` PTE updates.
 */
export function forkExitWorkload(writerUpdates: number): Workload {
  return (ctx, choose, m) =>
    ctx.vcpu === 0
      ? forkExitPinner(ctx, m, getStrategy(m.params.strategy), { pins: 0, unpins: 0, endNs: 0 })
      : exploreWriter(ctx, choose, writerUpdates, m.mm.mode.storesPerPteUpdate);
}

/** Options of an execution. */
export interface ExecutionOptions {
  /** PTE updates of each racing writer (fork-exit's workload). */
  writerUpdates: number;
  /** The vCPUs' programs (default: forkExitWorkload(writerUpdates)). */
  workload?: Workload;
  /** Answers each choice a program makes (a writer's PTE page) with a value in [0, alternatives). */
  choose: (x: Execution, vcpu: number, alternatives: number) => number;
  listener?: StepListener;
}

/**
 * One execution of the fork-exit scenario under a schedule the caller decides step by step: a fresh machine whose
 * vCPUs are driven one action at a time (ExploreEngine), vCPU 0 running the scenario's pinner program and the others
 * exploreWriter. The caller asks which vCPUs can run (`enabled`), runs one (`advance`), and at the end calls
 * `finish`. Everything a schedule is checked for is checked here: a write-protect fault, a failed hypercall sub-op,
 * a preempt-count overflow after each step; a deadlock and the end-of-run invariants at the end.
 */
export class Execution implements ActionObserver {
  readonly machine: Machine;
  readonly strategy: Strategy;
  readonly raceFree: boolean;
  /** Each vCPU's status (RUNNABLE, SPINNING, BIG_LOCK_WAIT, FINISHED). */
  readonly status: Uint8Array;
  /** The vCPU that took the last step, or -1 before the first. */
  last = -1;
  /** Steps taken. */
  steps = 0;
  /** Preemptions so far: steps that switched away from a vCPU that could have gone on. */
  preemptions = 0;
  readonly time: IntervalTime;
  /** Each vCPU's history: a hash of every action it performed, two 32-bit lanes per vCPU. */
  private readonly history: Uint32Array;
  private readonly engine: ExploreEngine;
  private readonly options: ExecutionOptions;
  private observed = 0;
  private readonly lastAction: ObservedAction = { vcpu: -1, kind: -1, atNs: 0, durationNs: 0, a: 0, b: 0 };
  private readonly stateScratch: number[] = [];

  constructor(
    readonly params: ForkExitParams,
    options: ExecutionOptions,
  ) {
    this.options = options;
    this.strategy = getStrategy(params.strategy);
    this.raceFree = claimsRaceFree(this.strategy);
    const costs = COST_PROFILES[params.profile];
    if (!costs) throw new ModelError(`unknown profile ${params.profile}`);
    const vcpus = params.vcpus;
    this.status = new Uint8Array(vcpus);
    this.history = new Uint32Array(2 * vcpus);
    this.engine = new ExploreEngine((id) => {
      this.status[id] = RUNNABLE;
    });
    const m = new Machine(params, costs, this.strategy.splitPtlocks !== false, this.engine);
    this.machine = m;
    this.time = new IntervalTime(this.engine, m.hv, m.domainLock);
    for (const c of m.cpus) {
      c.observer = this;
      c.pid = c.vcpu;
    }
    const workload = options.workload ?? forkExitWorkload(options.writerUpdates);
    for (let v = 0; v < vcpus; v++) {
      const choose = (alternatives: number): number => {
        const value = options.choose(this, v, alternatives);
        if (!(Number.isInteger(value) && value >= 0 && value < alternatives)) {
          throw new ModelError(`choice ${value} of vCPU ${v} is not one of its ${alternatives} alternatives`);
        }
        // What the program chose is part of its state from now on, before any action shows it.
        foldAction(this.history, v, CHOICE_IN_HISTORY, value, alternatives, 0);
        options.listener?.choice?.(this, v, value, alternatives);
        return value;
      };
      const cpu = elementAt(m.cpus, v, 'vCPU');
      cpu.start(workload(cpu, choose, m));
    }
  }

  /** ActionObserver: one call per action, so one per step. */
  action(vcpu: number, kind: number, atNs: number, durationNs: number, a: number, b: number): void {
    this.observed++;
    const x = this.lastAction;
    x.vcpu = vcpu;
    x.kind = kind;
    x.atNs = atNs;
    x.durationNs = durationNs;
    x.a = a;
    x.b = b;
    foldAction(this.history, vcpu, kind, a, b, durationNs);
  }

  /** The vCPUs that can take the next step, lowest first. */
  enabled(): number[] {
    const out: number[] = [];
    for (let v = 0; v < this.status.length; v++) if (this.status[v] === RUNNABLE) out.push(v);
    return out;
  }

  /** Whether the vCPU that took the last step could go on (so running another now is a preemption). */
  lastCanGoOn(): boolean {
    return this.last >= 0 && this.status[this.last] === RUNNABLE;
  }

  /** Whether every vCPU has finished. */
  allFinished(): boolean {
    for (let v = 0; v < this.status.length; v++) if (this.status[v] !== FINISHED) return false;
    return true;
  }

  /**
   * vCPU `v` (which must be runnable) takes one step: one action. Returns the violation it showed (a write-protect
   * fault, a failed sub-op, a preempt-count overflow), or null.
   */
  advance(v: number): Violation | null {
    if (this.status[v] !== RUNNABLE) throw new ModelError(`vCPU ${v} cannot take a step: it is ${statusName(this.status[v])}`);
    if (this.steps >= MAX_STEPS_PER_SCHEDULE) {
      throw new ModelError(`a schedule longer than ${MAX_STEPS_PER_SCHEDULE} steps: a program that never ends?`);
    }
    const preemption = this.lastCanGoOn() && v !== this.last;
    if (preemption) this.preemptions++;
    const m = this.machine;
    const cpu = elementAt(m.cpus, v, 'vCPU');
    const faults = m.writes.faults;
    const errors = cpu.hypercallErrors;
    const overflows = cpu.preempt.overflows;
    if (this.time.begin(v, this.steps)) {
      for (let w = 0; w < this.status.length; w++) if (this.status[w] === BIG_LOCK_WAIT) this.status[w] = RUNNABLE;
    }
    this.observed = 0;
    this.engine.events++;
    const r = cpu.step(this.engine);
    if (this.observed !== 1) throw new ModelError(`vCPU ${v} performed ${this.observed} actions in one step, not 1`);
    this.time.end(v, this.steps);
    this.status[v] = r === DONE ? FINISHED : r === BLOCKED ? SPINNING : r === Number.POSITIVE_INFINITY ? BIG_LOCK_WAIT : RUNNABLE;
    this.steps++;
    this.last = v;
    const action = this.lastAction;
    this.options.listener?.step(this, v, action, preemption);
    const step = this.steps;
    if (m.writes.faults > faults) {
      const frame = action.kind === ACTION_STORE && STORE_OUTCOMES[action.b] === 'fault' ? action.a : -1;
      return {
        kind: 'write-protect-fault',
        message: `vCPU ${v}'s PTE store into frame ${frame} took a write-protect fault (the page was read-only and not a validated L1) while vCPU 0 was in ${m.phase}`,
        step,
        expected: !this.raceFree,
      };
    }
    if (cpu.hypercallErrors > errors) {
      return {
        kind: 'hypercall-error',
        message: `Xen refused a hypercall sub-op of vCPU ${v}: ${cpu.firstHypercallError ?? 'no reason recorded'}`,
        step,
        expected: false,
      };
    }
    if (cpu.preempt.overflows > overflows) {
      return {
        kind: 'preempt-overflow',
        message: `vCPU ${v}'s preempt count reached ${cpu.preempt.value}, carrying out of its ${cpu.preempt.bits}-bit PREEMPT field`,
        step,
        expected: false,
      };
    }
    return null;
  }

  /**
   * The end of a schedule: no vCPU can run. A deadlock if some have not finished, else the end-of-run invariants.
   * Returns the violation, or null.
   */
  finish(): Violation | null {
    if (!this.allFinished()) {
      const stuck = [...this.status]
        .map((s, v) => (s === FINISHED ? '' : `vCPU ${v} ${statusName(s)}`))
        .filter(Boolean)
        .join(', ');
      return { kind: 'deadlock', message: `deadlock: ${stuck}, and no vCPU can run`, step: this.steps, expected: false };
    }
    const problems = invariantProblems(this.machine);
    if (problems.length === 0) return null;
    return {
      kind: 'invariant',
      message: `end-of-run invariant broken: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? `; and ${problems.length - 3} more` : ''}`,
      step: this.steps,
      expected: false,
    };
  }

  /**
   * The state at this scheduling point, as a 64-bit hash: everything that decides what any schedule from here can do.
   * Each vCPU's private state (its program's suspended generator, its batches, its lockdep stack) cannot be read, but
   * it is a function of the actions it has performed: its programs see only the mm's layout and PG_pinned bits that
   * only vCPU 0 writes, and a writer's choices show in its actions. So each vCPU counts by the hash of its action
   * history, plus the guest work it owes (flush IPIs other vCPUs sent it) and its preempt count; the shared state by
   * its contents: frame flags, Xen's types, pins, validations and TLB bookkeeping, the locks with their queues,
   * debug_locks, and the actions still running (interval-time.ts). `lastKey` is the vCPU whose continuing would not
   * be a preemption (-1 if none).
   */
  fingerprint(lastKey: number): string {
    const out = this.stateScratch;
    out.length = 0;
    const m = this.machine;
    out.push(lastKey);
    const history = this.history;
    this.status.forEach((status, v) => {
      const c = elementAt(m.cpus, v, 'vCPU');
      out.push(status, history[2 * v] ?? 0, history[2 * v + 1] ?? 0, c.owedWorkNs, c.preempt.value);
    });
    for (const flag of m.mm.flags) out.push(flag);
    m.hv.writeState(out);
    m.locks.writeState(out);
    out.push(m.debugLocks.on ? 1 : 0);
    this.time.writeState(out);
    return hashNumbers(out);
  }

  /**
   * The observable end state, in words (tests: the reduced search must reach every final state the full one
   * reaches): each frame's mapping, Xen type, count and pin, every PTE written, the writes and faults, held locks.
   */
  finalState(): string {
    const m = this.machine;
    const { mm, hv } = m;
    const parts: string[] = [];
    for (let f = 0; f < mm.frameCount; f++) {
      const flags = elementAt(mm.flags, f, 'frame');
      parts.push(`${f}:${flags & FRAME_RW ? 'RW' : 'RO'},${flags},${hv.typeLevel[f]}/${hv.typeCount[f]}/${hv.pinned[f]}`);
    }
    for (const frame of mm.pteFrames) {
      for (let i = 0; i < mm.mode.entriesPerTable; i++) {
        const value = mm.readPte(frame, i);
        if (value !== 0) parts.push(`pte${frame}[${i}]=${value}`);
      }
    }
    const w = m.writes;
    parts.push(`writes ${w.direct}/${w.staleTlb}/${w.emulated}/${w.faults}`, `held ${m.locks.stillHeld().join(',')}`);
    return parts.join(' ');
  }
}
