import type { CostProfile } from '../hv/cost-profile.js';
import { COST_PROFILES } from '../hv/cost-profiles.js';
import { LogLinearHistogram } from '../metrics/log-linear-histogram.js';
import { FRAME_RW, PG_PINNED } from '../mmu/frame-flags.js';
import { LOCK_CLASS_PAGE_TABLE_LOCK, LOCK_CLASS_PTL, type LockClassStats as ClassStats } from '../mmu/spin-lock.js';
import type { EngineWatch } from '../sim/engine.js';
import { RngStream } from '../sim/rng.js';
import { ModelError } from '../shared/errors.js';
import { getStrategy } from '../strategies/registry.js';
import type { PinContext, Program, Strategy } from '../strategies/types.js';
import type { ActionObserver, GuestCpu } from './vcpu/index.js';
import { Machine } from './machine.js';
import { TraceRecorder, type TraceOptions } from './trace/recorder.js';
import { RacingWriter } from './racing-writer.js';
import type { ForkExitParams, LockClassStats, RunMetrics } from './types.js';

export { DEFAULT_PARAMS, SCENARIOS } from './defaults.js';

/** What one run of a scenario returns. */
export interface ScenarioOutput {
  metrics: RunMetrics;
  /** Simulated events (engine steps), for events-per-second figures. */
  events: number;
  /** The run's trace, when `ScenarioOptions.trace` asked for one. */
  trace?: TraceRecorder;
}

/** Options of a run of the scenario. */
export interface ScenarioOptions {
  /** Replaces the named profile's numbers (sensitivity sweeps, tests); `params.profile` still names the run. */
  costs?: CostProfile;
  /** Sees every action of every vCPU (timelines, schedule tools); the metrics are the same with or without it. */
  observer?: ActionObserver;
  /** The engine's watch: run limits and interrupts (runner/limits.ts). It observes only. */
  watch?: EngineWatch;
  /** Record the run as Chrome trace events (scenarios/trace); the recorder comes back in the output. Observes only. */
  trace?: TraceOptions;
}

/**
 * The end-of-run invariants broke: the run completed, and its metrics (`output`) show what the strategy did, but
 * they are not a result. `problems` lists each breach.
 */
export class InvariantBreach extends ModelError {
  override name = 'ModelError';
  constructor(
    message: string,
    readonly problems: readonly string[],
    readonly output: ScenarioOutput,
  ) {
    super(message);
  }
}

/**
 * fork-exit: vCPU 0 pins the mm (dup_mmap), keeps it pinned for dwellNs, unpins it (exit_mmap), `iterations`
 * times, holding mm->page_table_lock around each pin and unpin as Linux's callers do. vCPUs 1..vcpus-1 race it
 * as rmap walkers: think (exponential, mean writerThinkNs), pick a present PTE at random, take its PTE lock
 * (pte_lockptr), store (two 32-bit stores on pae), unlock, until the pinner is done. Deterministic for given
 * parameters and seed. Throws InvariantBreach (a ModelError, with the metrics) when an end-of-run invariant is
 * broken.
 */
export function runScenario(params: ForkExitParams, options: ScenarioOptions = {}): ScenarioOutput {
  const steps = scenarioSteps(params, options);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * runScenario as a generator that yields whenever the watch pauses the engine, so an in-process caller can let
 * its event loop run (Ctrl-C) between slices of one long run. The run is the same, event for event.
 */
export function* scenarioSteps(params: ForkExitParams, options: ScenarioOptions = {}): Generator<void, ScenarioOutput, void> {
  const strategy = getStrategy(params.strategy);
  const costs = options.costs ?? COST_PROFILES[params.profile];
  if (!costs) throw new ModelError(`unknown profile ${params.profile}`);
  const m = new Machine(params, costs, strategy.splitPtlocks !== false);
  const tally: PinnerTally = { pins: 0, unpins: 0, endNs: 0 };

  const storesPerUpdate = m.mm.mode.storesPerPteUpdate;
  const writer = (ctx: PinContext, rng: RngStream): Program =>
    new RacingWriter(ctx, rng, m, params.writerThinkNs, storesPerUpdate);

  const recorder = options.trace === undefined ? undefined : new TraceRecorder(m, options.trace);
  const observer = bothObservers(options.observer, recorder);
  if (observer !== undefined) for (const c of m.cpus) c.observer = observer;
  // vCPU 0 pins; every other vCPU (the machine has params.vcpus of them) is a racing writer.
  const [pinnerCpu, ...writerCpus] = m.cpus;
  if (pinnerCpu === undefined) throw new ModelError('fork-exit: the machine has no vCPU');
  pinnerCpu.start(forkExitPinner(pinnerCpu, m, strategy, tally));
  for (const cpu of writerCpus) cpu.start(writer(cpu, new RngStream(params.seed, `writer-${cpu.vcpu}`)));
  if (options.watch !== undefined) m.engine.watch = options.watch;
  while (!m.run()) yield;
  const output: ScenarioOutput = { metrics: collectMetrics(m, tally, tally.endNs), events: m.engine.events };
  if (recorder !== undefined) output.trace = recorder;
  const problems = invariantProblems(m);
  // Nothing reads the PTEs' contents after this: their memory goes to this thread's next run.
  m.mm.release();
  if (problems.length > 0) {
    throw new InvariantBreach(
      `strategy ${strategy.name}: invariants broken at the end of the run: ${problems.join('; ')}`,
      problems,
      output,
    );
  }
  return output;
}

/** One observer that calls both (or the one given, or none). */
function bothObservers(a: ActionObserver | undefined, b: ActionObserver | undefined): ActionObserver | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  return {
    action(vcpu, kind, atNs, durationNs, x, y) {
      a.action(vcpu, kind, atNs, durationNs, x, y);
      b.action(vcpu, kind, atNs, durationNs, x, y);
    },
  };
}

/** What vCPU 0's fork-exit program has done: pins and unpins completed, and when it finished (virtual ns). */
export interface PinnerTally {
  pins: number;
  unpins: number;
  endNs: number;
}

/**
 * vCPU 0's program in fork-exit: `iterations` times pin the mm (dup_mmap), keep it pinned for dwellNs, unpin it
 * (exit_mmap), holding mm->page_table_lock around each pin and unpin as Linux's callers do; then it sets
 * `m.pinnerDone`. runScenario runs it, and so does any tool that drives the machine itself (schedule exploration).
 */
export function* forkExitPinner(ctx: PinContext, m: Machine, strategy: Strategy, tally: PinnerTally): Program {
  const { iterations, dwellNs } = m.params;
  for (let i = 0; i < iterations; i++) {
    m.phase = `pin #${i}`;
    yield* ctx.lock(ctx.pageTableLock);
    yield ctx.call(strategy.pin(ctx));
    yield* ctx.unlock(ctx.pageTableLock);
    tally.pins++;
    m.phase = `dwell #${i}`;
    if (dwellNs > 0) yield* ctx.sleep(dwellNs);
    m.phase = `unpin #${i}`;
    yield* ctx.lock(ctx.pageTableLock);
    yield ctx.call(strategy.unpin(ctx));
    yield* ctx.unlock(ctx.pageTableLock);
    tally.unpins++;
  }
  m.phase = 'done';
  m.pinnerDone = true;
  tally.endNs = m.engine.now;
}

/**
 * The end-of-run invariants of fork-exit, which ends with an unpin (docs/model.md, "Invariants"): every breach, in
 * words (the first few frames of each kind); empty when none broke.
 */
export function invariantProblems(m: Machine): string[] {
  const problems: string[] = [];
  const held = m.locks.stillHeld();
  if (held.length > 0) problems.push(`locks still held: ${held.slice(0, 5).join(', ')}${held.length > 5 ? ', ...' : ''}`);
  for (const c of m.cpus) {
    if (c.preempt.value !== 0) problems.push(`vCPU ${c.vcpu} preempt count is ${c.preempt.value}, not 0`);
    if (c.batcher.queuedEntries !== 0 || c.batcher.queuedCallbacks !== 0)
      problems.push(`vCPU ${c.vcpu} left entries or callbacks unflushed`);
  }
  const { mm, hv } = m;
  const frames = mm.frameCount;
  // Every per-frame array of the mm and of Xen's view has `frames` entries, and a child is a frame: the reads
  // below are in range (`as number` only drops the undefined of a read that cannot be out of range).
  const { pinned: xenPinned, typeCount: typeCounts, typeLevel: typeLevels } = hv;
  const { flags: frameFlags, childStart, childCount, children, xenLevel } = mm;
  if (xenPinned.length !== frames || typeCounts.length !== frames || frameFlags.length !== frames)
    throw new ModelError(`the mm has ${frames} frames, Xen's view ${xenPinned.length}`);
  // The type references each frame should hold: its pin, and one from each validated parent table.
  const expected = new Uint32Array(frames);
  for (let f = 0; f < frames; f++) {
    if (xenPinned[f]) expected[f] = (expected[f] as number) + 1;
    if ((typeCounts[f] as number) > 0 && (typeLevels[f] as number) > 1) {
      const start = childStart[f] as number;
      const end = start + (childCount[f] as number);
      for (let i = start; i < end; i++) {
        const child = children[i] as number;
        expected[child] = (expected[child] as number) + 1;
      }
    }
  }
  // fork-exit ends with an unpin: the whole mm must be back to unpinned, writable and untyped.
  let reported = 0;
  const report = (msg: string) => reported++ < 8 && problems.push(msg);
  for (let f = 0; f < frames; f++) {
    const flags = frameFlags[f] as number;
    const rw = (flags & FRAME_RW) !== 0;
    const pgPinned = (flags & PG_PINNED) !== 0;
    const pinned = xenPinned[f] as number;
    const typeCount = typeCounts[f] as number;
    const typeLevel = typeLevels[f] as number;
    if (rw && (pinned || pgPinned)) report(`frame ${f} is both writable and pinned`);
    if (typeCount !== expected[f])
      report(`frame ${f} type count ${typeCount}, expected ${expected[f]} (pins + validated parents)`);
    if (typeCount > 0 && typeLevel !== xenLevel[f]) report(`frame ${f} typed L${typeLevel}, is an L${xenLevel[f]}`);
    if (pgPinned || pinned) report(`frame ${f} still pinned after the last unpin (PG_pinned ${pgPinned ? 1 : 0}, Xen ${pinned})`);
    else if (!rw) report(`frame ${f} left read-only after the last unpin`);
  }
  return problems;
}

function lockStats(c: ClassStats): LockClassStats {
  return {
    acquisitions: c.acquisitions,
    contentions: c.contentions,
    maxHeld: c.maxHeld,
    holdNs: c.hold.summary(),
    waitNs: c.wait.summary(),
  };
}

function collectMetrics(m: Machine, counts: { pins: number; unpins: number }, pinnerEndNs: number): RunMetrics {
  const cpus: GuestCpu[] = m.cpus;
  const mcBatch = m.params.mcBatch;
  const histogram = new Array<number>(mcBatch + 1).fill(0);
  const flushReasons = { slots: 0, args: 0, callbacks: 0 };
  const mmuext: Record<string, number> = {};
  let uvm = 0;
  let mmuUpdate = 0;
  let multicalls = 0;
  let singletons = 0;
  let entries = 0;
  let argBytes = 0;
  let batches = 0;
  let direct = 0;
  let errors = 0;
  let firstError: string | null = null;
  for (const c of cpus) {
    const s = c.batcher.stats;
    s.batchHistogram.forEach((n, i) => {
      histogram[i] = (histogram[i] ?? 0) + n;
    });
    flushReasons.slots += s.flushReasons.slots;
    flushReasons.args += s.flushReasons.args;
    flushReasons.callbacks += s.flushReasons.callbacks;
    uvm += s.subops.update_va_mapping;
    mmuUpdate += s.subops.mmu_update;
    for (const [k, n] of Object.entries(s.subops.mmuext_op)) mmuext[k] = (mmuext[k] ?? 0) + n;
    for (const [k, n] of Object.entries(c.directSubops)) {
      if (k === 'update_va_mapping') uvm += n;
      else mmuext[k] = (mmuext[k] ?? 0) + n;
    }
    multicalls += s.multicalls;
    singletons += s.singletons;
    entries += s.entries;
    argBytes += s.argBytes;
    batches += s.batches;
    direct += c.directTraps;
    errors += c.hypercallErrors;
    firstError ??= c.firstHypercallError;
  }
  const seconds = pinnerEndNs / 1e9;
  const writes = m.writes.direct + m.writes.emulated + m.writes.staleTlb + m.writes.faults;
  const hv = m.hv.stats;
  const big = m.domainLock;
  const perSec = (n: number) => (seconds > 0 ? n / seconds : 0);
  return {
    hypercalls: {
      traps: multicalls + singletons + direct,
      multicalls,
      singletons,
      entries,
      argBytes,
      batches,
      subops: { update_va_mapping: uvm, mmu_update: mmuUpdate, mmuext_op: sortKeys(mmuext) },
      batchHistogram: histogram,
      flushReasons,
    },
    locks: {
      ptl: lockStats(m.locks.classes[LOCK_CLASS_PTL]),
      page_table_lock: lockStats(m.locks.classes[LOCK_CLASS_PAGE_TABLE_LOCK]),
    },
    xen: {
      tlbFlushes: hv.typeChangeFlushes,
      flushIpis: hv.flushIpis,
      guestFlushes: hv.guestFlushes,
      bigLock: {
        acquisitions: big?.acquisitions ?? 0,
        contentions: big?.contentions ?? 0,
        maxHeld: big !== null && big.acquisitions > 0 ? 1 : 0,
        holdNs: big === null ? EMPTY.summary() : big.hold.summary(),
        waitNs: big === null ? EMPTY.summary() : big.wait.summary(),
      },
    },
    preempt: {
      maxDepth: Math.max(...cpus.map((c) => c.preempt.maxDepth)),
      overflows: cpus.reduce((a, c) => a + c.preempt.overflows, 0),
      debugWarnings: cpus.reduce((a, c) => a + c.preempt.debugWarnings, 0),
    },
    lockdep: {
      maxDepth: Math.max(...cpus.map((c) => c.lockdep.maxDepth)),
      overflows: cpus.reduce((a, c) => a + c.lockdep.overflows, 0),
      recursionWarnings: cpus.reduce((a, c) => a + c.lockdep.recursionWarnings, 0),
      referenceOverflows: cpus.reduce((a, c) => a + c.lockdep.referenceOverflows, 0),
      disabled: m.debugLocks.on ? 0 : 1,
    },
    writes: { direct: m.writes.direct, emulated: m.writes.emulated, staleTlb: m.writes.staleTlb },
    faults: { writeProtect: m.writes.faults, hypercallErrors: errors, firstHypercallError: firstError, details: m.faultDetails },
    counts: { pins: counts.pins, unpins: counts.unpins, writes, events: m.engine.events },
    throughput: { pinsPerSec: perSec(counts.pins), unpinsPerSec: perSec(counts.unpins), writesPerSec: perSec(writes) },
    virtualNs: pinnerEndNs,
  };
}

/** The summary of a histogram of nothing (a domain without a big lock). */
const EMPTY = new LogLinearHistogram();

function sortKeys(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
