import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Bench } from 'tinybench';
import type { RunResult, WallStats } from '../results/types.js';
import { InvariantBreach, runScenario, type ScenarioOutput, scenarioSteps } from '../scenarios/index.js';
import { ModelError } from '../shared/errors.js';
import { claimsRaceFree, getStrategy } from '../strategies/registry.js';
import { calibrationNsPerIter } from './calibrate.js';
import { DEFAULT_LIMITS, type InProcessControl, limitWatch } from './limits.js';
import { loadStrategyModules } from './strategy-modules.js';
import type { MicroRunSpec, MicroSuite, RunTask, ScenarioRunSpec, TimingOptions } from './types.js';
import { recordTrace } from './record-trace.js';
import { invalidReasons, invariantReasons } from './validity.js';

/** Warm-up time of a micro-benchmark task, ms. */
export const MICRO_WARMUP_MS = 50;

/**
 * Execute one run: import the strategy modules, run the spec, time it. Never throws: a failure of the model
 * or of a strategy, or a run limit reached, becomes `{ status: 'error' }` with its message; a run that completed
 * but is not a result (validity.ts) becomes `{ status: 'invalid' }` with its reasons and metrics. The same function
 * runs in a piscina worker (worker.ts is only glue around it) and in-process (`--workers 0`, the profiler), where
 * `inProcess` slices the run so that Ctrl-C is heard and stops it.
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
 * Run the scenario once for its metrics (timed, cold), then, when the budget allows, repeat it under
 * tinybench for warm samples. Every repetition must simulate the same number of events: a cheap check
 * that the model is deterministic within a thread.
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
  const calibration = calibrationNsPerIter();
  const strategy = getStrategy(spec.params.strategy);
  // Recorded with the run, so that no reader has to guess the writers' lock, or whether faults are expected, from
  // the strategy's name.
  const splitPtlocks = strategy.splitPtlocks !== false;
  const raceFree = claimsRaceFree(strategy);
  const start = performance.now();
  let output: ScenarioOutput;
  try {
    output = await runLimited(spec, limits, inProcess);
  } catch (error) {
    if (!(error instanceof InvariantBreach)) throw error;
    const ms = performance.now() - start;
    const { metrics, events } = error.output;
    const reasons = invariantReasons(error.problems);
    return {
      ...measured(spec, splitPtlocks, raceFree, metrics),
      status: 'invalid',
      reasons,
      wall: singleSample(ms, events, calibration),
    };
  }
  const firstMs = performance.now() - start;
  const reasons = invalidReasons(output.metrics, { name: strategy.name, raceFree });
  if (reasons.length > 0) {
    // Not a result: one sample is enough, and the metrics show what went wrong.
    const wall = singleSample(firstMs, output.events, calibration);
    return { ...measured(spec, splitPtlocks, raceFree, output.metrics), status: 'invalid', reasons, wall };
  }

  const repeats = Math.min(timing.maxSamples - 1, Math.floor((timing.budgetMs - firstMs) / Math.max(firstMs, 1e-3)));
  let wall: WallStats;
  if (repeats >= 1) {
    const bench = new Bench({ iterations: repeats, time: 0, warmup: false, retainSamples: true, throws: true });
    bench.add(spec.id, () => {
      const again = runScenario(spec.params);
      if (again.events !== output.events) {
        throw new ModelError(`nondeterministic: ${output.events} events on the first run, ${again.events} on a repeat`);
      }
    });
    const [benchTask] = bench.runSync();
    wall = wallFromBench(benchTask.result, output.events, calibration) ?? singleSample(firstMs, output.events, calibration);
  } else {
    wall = singleSample(firstMs, output.events, calibration);
  }
  return { ...measured(spec, splitPtlocks, raceFree, output.metrics), status: 'ok', wall };
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

function singleSample(durationMs: number, events: number, calibration: number): WallStats {
  return {
    ...perEvent(durationMs, events, calibration),
    samplesMs: [durationMs],
    meanMs: durationMs,
    p50Ms: durationMs,
    p99Ms: durationMs,
    rme: 0,
    samples: 1,
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
