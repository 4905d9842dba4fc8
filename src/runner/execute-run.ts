import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Bench } from 'tinybench';
import type { RunResult, WallStats } from '../results/types.js';
import { InvariantBreach, runScenario, type ScenarioOutput, scenarioSteps } from '../scenarios/index.js';
import { ModelError } from '../shared/errors.js';
import { claimsRaceFree, getStrategy } from '../strategies/registry.js';
import { elementAt } from '../shared/element-at.js';
import { calibrateBesideSample, calibrationNsPerIter } from './calibrate.js';
import { DEFAULT_LIMITS, type InProcessControl, limitWatch } from './limits.js';
import { loadStrategyModules } from './strategy-modules.js';
import type {
  MicroRunSpec,
  MicroSuite,
  RunTask,
  SampleItem,
  SampleOutcome,
  ScenarioRunSpec,
  TimingOptions,
  WallSample,
  WorkerTask,
} from './types.js';
import { recordTrace } from './record-trace.js';
import { invalidReasons, invariantReasons } from './validity.js';

/** Warm-up time of a micro-benchmark task, ms. */
export const MICRO_WARMUP_MS = 50;

/** Fewest wall-clock samples of a scenario run, whatever its length (issue 10: one cold sample means nothing). */
export const MIN_WALL_SAMPLES = 5;
/** Untimed warm-up of a run in a thread that has not run it yet: repeated until this much time has passed, ms. */
export const WARMUP_MS = 20;
/**
 * Untimed warm-up of the first run of a thread, ms: V8 compiles the engine, the strategies and Xen's model in
 * tiers as they get hot, and a fresh thread's first run measured a sixteenth of the speed of its fourth.
 */
export const THREAD_WARMUP_MS = 400;

/** Whether this thread has been warmed up (its first run, and the calibration loop). */
let threadWarm = false;

/** Specs this thread has run (and so warmed up): a later sample of one of them needs no warm-up. */
const warmed = new Set<string>();

/**
 * Execute one task in this thread: a run (its exact metrics and first timed sample) or one more timed sample of
 * each of several scenario runs. The same function is the piscina worker's (worker.ts is only glue) and runs
 * in-process (`--workers 0`, the profiler), where `inProcess` slices a run so that Ctrl-C is heard and stops it.
 */
export async function executeTask(task: WorkerTask, inProcess?: InProcessControl): Promise<RunResult | SampleOutcome[]> {
  if (task.kind === 'samples') {
    await loadStrategyModules(task.strategyModules);
    return task.items.map(sampleOrError);
  }
  return executeRun(task, inProcess);
}

/** One more sample of a run (`executeSample`); a failure (a ModelError: another number of events) is returned. */
export function sampleOrError(item: SampleItem): SampleOutcome {
  try {
    return executeSample(item.spec, item.events);
  } catch (error) {
    return { error: errorMessage(error) };
  }
}

/**
 * Execute one run: import the strategy modules, run the spec, time it. Never throws: a failure of the model
 * or of a strategy, or a run limit reached, becomes `{ status: 'error' }` with its message; a run that completed
 * but is not a result (validity.ts) becomes `{ status: 'invalid' }` with its reasons and metrics. In-process,
 * `inProcess` slices the run so that Ctrl-C is heard and stops it (an AbortError after its grace).
 */
export async function executeRun(task: RunTask, inProcess?: InProcessControl): Promise<RunResult> {
  const { spec } = task;
  try {
    await loadStrategyModules(task.strategyModules);
    return spec.kind === 'scenario' ? await executeScenario(spec, task, inProcess) : await executeMicro(spec, task.timing);
  } catch (error) {
    if (inProcess?.signal?.aborted && error instanceof Error && error.name === 'AbortError') throw error;
    return { id: spec.id, kind: spec.kind, params: { ...spec.params }, status: 'error', error: errorMessage(error) };
  }
}

/**
 * Run the scenario once for its exact metrics under the run limits (untimed: it is the first warm-up), warm it
 * up until WARMUP_MS have passed, and take its first timed sample. Later samples come from later rounds of the
 * pass (`executeSample`), so that a run's samples are spread over the job, not taken back to back.
 *
 * With `maxSamples` 1 (metrics only: `--samples 1`, the second pass of --check-determinism) the scenario runs
 * exactly once, and that run's time is its one sample, cold: no warm-up is spent on a figure that one sample
 * cannot make honest anyway (compare calls it "insufficient samples"). A run that is not a result (`invalid`:
 * a broken invariant, a failed hypercall, a fault of a strategy that claims to be race-free) keeps that one
 * sample too, and gets no more.
 */
async function executeScenario(spec: ScenarioRunSpec, task: RunTask, inProcess?: InProcessControl): Promise<RunResult> {
  const result = await measureScenario(spec, task, inProcess);
  if (task.trace === undefined || result.status === 'error' || result.kind !== 'scenario') return result;
  const limits = task.limits ?? DEFAULT_LIMITS;
  return { ...result, trace: await recordTrace(spec, task.trace, limits, result.metrics.counts.events, inProcess) };
}

async function measureScenario(spec: ScenarioRunSpec, task: RunTask, inProcess?: InProcessControl): Promise<RunResult> {
  const { timing } = task;
  const limits = task.limits ?? DEFAULT_LIMITS;
  const strategy = getStrategy(spec.params.strategy);
  // Recorded with the run, so that no reader has to guess the writers' lock, or whether faults are expected, from
  // the strategy's name.
  const splitPtlocks = strategy.splitPtlocks !== false;
  const raceFree = claimsRaceFree(strategy);
  const calibration = timing.maxSamples <= 1 ? calibrateBesideSample() : 0;
  const start = performance.now();
  const coldSample = (): WallSample => ({
    ms: performance.now() - start,
    calibrationNsPerIter: calibration > 0 ? calibration : calibrateBesideSample(),
  });
  let output: ScenarioOutput;
  try {
    output = await runLimited(spec, limits, inProcess);
  } catch (error) {
    if (!(error instanceof InvariantBreach)) throw error;
    const { metrics, events } = error.output;
    const wall = wallFromSamples([coldSample()], events);
    return {
      ...measured(spec, splitPtlocks, raceFree, metrics),
      status: 'invalid',
      reasons: invariantReasons(error.problems),
      wall,
    };
  }
  const reasons = invalidReasons(output.metrics, { name: strategy.name, raceFree });
  if (reasons.length > 0) {
    // Not a result: one sample is enough, and the metrics show what went wrong.
    const wall = wallFromSamples([coldSample()], output.events);
    return { ...measured(spec, splitPtlocks, raceFree, output.metrics), status: 'invalid', reasons, wall };
  }
  let sample: WallSample;
  if (timing.maxSamples <= 1) sample = coldSample();
  else {
    warmUp(spec, start);
    sample = timeOnce(spec, output.events);
  }
  return {
    ...measured(spec, splitPtlocks, raceFree, output.metrics),
    status: 'ok',
    wall: wallFromSamples([sample], output.events),
  };
}

function measured(spec: ScenarioRunSpec, splitPtlocks: boolean, raceFree: boolean, metrics: ScenarioOutput['metrics']) {
  return { id: spec.id, kind: 'scenario' as const, params: spec.params, splitPtlocks, raceFree, metrics };
}

/**
 * The metrics run under the run limits. In-process, the run is sliced: between slices the event loop runs (Ctrl-C
 * is heard; an abort stops the run after its grace), and the run is the same event for event.
 */
async function runLimited(
  spec: ScenarioRunSpec,
  limits: RunTask['limits'] & object,
  inProcess?: InProcessControl,
): Promise<ScenarioOutput> {
  const watch = limitWatch(limits, inProcess);
  if (inProcess === undefined) return runScenario(spec.params, { watch });
  const steps = scenarioSteps(spec.params, { watch });
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    await yieldToEventLoop();
  }
}

/**
 * One more timed sample of a scenario run, warmed up first when this thread has not run it yet. Throws
 * ModelError when the run simulates another number of events than its first run did (the model must be
 * deterministic within a thread).
 */
export function executeSample(spec: ScenarioRunSpec, expectedEvents?: number): WallSample {
  if (!warmed.has(spec.id)) {
    const start = performance.now();
    runScenario(spec.params);
    warmUp(spec, start);
  }
  return timeOnce(spec, expectedEvents);
}

/**
 * Run `spec` untimed until WARMUP_MS have passed since `start` (THREAD_WARMUP_MS for the first run of a
 * thread, which also warms the calibration loop up).
 */
function warmUp(spec: ScenarioRunSpec, start: number): void {
  const budget = threadWarm ? WARMUP_MS : THREAD_WARMUP_MS;
  if (!threadWarm) calibrationNsPerIter();
  while (performance.now() - start < budget) runScenario(spec.params);
  threadWarm = true;
  warmed.add(spec.id);
}

/** The calibration loop, then one timed run of the scenario. */
function timeOnce(spec: ScenarioRunSpec, expectedEvents?: number): WallSample {
  const calibrationNsPerIter = calibrateBesideSample();
  const start = performance.now();
  const output = runScenario(spec.params);
  const ms = performance.now() - start;
  if (expectedEvents !== undefined && output.events !== expectedEvents) {
    throw new ModelError(`nondeterministic: ${expectedEvents} events on the first run, ${output.events} on a repeat`);
  }
  return { ms, calibrationNsPerIter };
}

/**
 * The wall statistics of a scenario run from its samples in time order: durationMs is their median,
 * eventsPerSec follows from it, and normalisedPerEvent is the median over samples of each sample's ns per
 * event divided by the calibration taken just before it. `samplesMs` keep the time order
 * (`sampleOrder: 'time'`), which is what lets a reader see drift.
 */
export function wallFromSamples(samples: readonly WallSample[], events: number): WallStats {
  const samplesMs = samples.map((s) => s.ms);
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const median = medianSorted(sorted);
  const normalised = samples.map((s) => (s.ms * 1e6) / Math.max(1, events) / s.calibrationNsPerIter).sort((a, b) => a - b);
  const calibrations = samples.map((s) => s.calibrationNsPerIter).sort((a, b) => a - b);
  const mean = samplesMs.reduce((a, b) => a + b, 0) / samplesMs.length;
  return {
    durationMs: median,
    ...(events > 0 && median > 0 ? { eventsPerSec: events / (median / 1000), normalisedPerEvent: medianSorted(normalised) } : {}),
    samplesMs,
    sampleOrder: 'time',
    meanMs: mean,
    p50Ms: median,
    p99Ms: sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)] ?? median,
    samples: samplesMs.length,
    calibrationNsPerIter: medianSorted(calibrations),
  } as WallStats;
}

function medianSorted(sorted: readonly number[]): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const upper = elementAt(sorted, n >> 1, 'middle');
  return n % 2 === 1 ? upper : (elementAt(sorted, (n >> 1) - 1, 'middle') + upper) / 2;
}

/** Time a micro-benchmark task with tinybench: a short warm-up, then `timing.maxSamples` samples. */
async function executeMicro(spec: MicroRunSpec, timing: TimingOptions): Promise<RunResult> {
  const mod = (await import(spec.suiteUrl)) as { default: MicroSuite };
  const task = mod.default.tasks().find((t) => t.name === spec.params.name);
  if (task === undefined) throw new Error(`micro suite ${mod.default.name} has no task "${spec.params.name}"`);
  const fn = task.setup();
  const bench = new Bench({
    iterations: timing.maxSamples,
    time: 0,
    warmup: true,
    warmupTime: MICRO_WARMUP_MS,
    warmupIterations: 8,
    retainSamples: true,
    throws: true,
  });
  bench.add(task.name, fn);
  const [benchTask] = bench.runSync();
  if (benchTask === undefined) throw new Error(`micro task ${task.name}: tinybench ran no task`);
  const wall = wallFromBench(benchTask.result, undefined, calibrationNsPerIter());
  if (wall === undefined) throw new Error(`micro task ${task.name}: tinybench produced no samples`);
  return { id: spec.id, kind: 'micro', params: { name: task.name }, status: 'ok', wall };
}

type BenchResult = ReturnType<Bench['runSync']>[number]['result'];

function wallFromBench(result: BenchResult, events: number | undefined, calibration: number): WallStats | undefined {
  if (result.state === 'errored') throw result.error;
  if (result.state !== 'completed') return undefined;
  const latency = result.latency;
  const samplesMs = latency.samples ? Array.from(latency.samples) : [];
  if (samplesMs.length === 0) return undefined;
  return {
    ...perEvent(latency.p50, events, calibration),
    samplesMs,
    meanMs: latency.mean,
    p50Ms: latency.p50,
    p99Ms: latency.p99,
    rme: Number.isFinite(latency.rme) ? latency.rme : 0,
    samples: latency.samplesCount,
    calibrationNsPerIter: calibration,
  };
}

/** durationMs, and for scenarios events per wall second and the machine-normalised wall cost per event. */
function perEvent(
  durationMs: number,
  events: number | undefined,
  calibration: number,
): Pick<WallStats, 'durationMs' | 'eventsPerSec' | 'normalisedPerEvent'> {
  if (events === undefined || events <= 0 || durationMs <= 0) return { durationMs };
  const nsPerEvent = (durationMs * 1e6) / events;
  return { durationMs, eventsPerSec: events / (durationMs / 1000), normalisedPerEvent: nsPerEvent / calibration };
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
