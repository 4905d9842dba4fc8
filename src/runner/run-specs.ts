import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEventLoop, setTimeout as delay } from 'node:timers/promises';
import { Piscina } from 'piscina';
import type { RunResult } from '../results/types.js';
import { elementAt } from '../shared/element-at.js';
import { executeRun, executeSample, MIN_WALL_SAMPLES, wallFromSamples } from './execute-run.js';
import { DEFAULT_LIMITS, type RunLimits } from './limits.js';
import type { RunSpec, SampleTask, ScenarioRunSpec, TimingOptions, TraceTask, WallSample, WorkerTask } from './types.js';

/** The piscina worker entry (this file is dist/src/runner/run-specs.js). */
export const WORKER_URL = new URL('./worker.js', import.meta.url);

/** After an abort, how long the runs in progress may take to finish and be kept, ms. */
export const ABORT_GRACE_MS = 2000;

/**
 * A pool task still running this long (at most; twice the limit plus a second when that is less) after its
 * run's wall-time limit is stopped from outside (its worker is terminated): a run that never reaches the engine's
 * limit check (a strategy looping inside one step) cannot hang the pool. The margin covers the warm-up, the timed
 * sample and the worker's start.
 */
export const WALL_LIMIT_MARGIN_MS = 30_000;

/** Options of one pass over a list of specs. */
export interface RunSpecsOptions {
  /** Worker threads; 0 runs in this thread, one spec after another. */
  workers: number;
  /** Absolute paths of strategy modules every thread imports first. */
  strategyModules: readonly string[];
  timing: TimingOptions;
  /** Per-run limits; DEFAULT_LIMITS when absent. */
  limits?: RunLimits;
  /** Submission order as indexes into `specs` (default: spec order). Results are stored by index regardless. */
  order?: readonly number[];
  /** Abort (Ctrl-C): no new run starts; runs in progress get `graceMs` to finish, the others are left out. */
  signal?: AbortSignal;
  /** How long runs in progress may take to finish after an abort, ms. Default ABORT_GRACE_MS. */
  graceMs?: number;
  /** Called as each run finishes (its first round: metrics and first sample), in completion order. */
  onResult?: (result: RunResult, index: number) => void;
  /** Called as each run starts (its first round). */
  onStart?: (spec: RunSpec, index: number) => void;
  /** The trace to write for the run at `index` (`run --trace`), or undefined for none. */
  traceFor?: (index: number) => TraceTask | undefined;
}

/** The outcome of a pass: `results[i]` belongs to `specs[i]`, undefined when it did not finish. */
export interface RunSpecsOutcome {
  results: Array<RunResult | undefined>;
  aborted: boolean;
}

/**
 * Samples a scenario run gets: at least `min(MIN_WALL_SAMPLES, maxSamples)` whatever its length, and more,
 * up to `maxSamples`, while `samples x firstSampleMs` stays within the budget.
 */
export function targetSamples(firstSampleMs: number, timing: TimingOptions): number {
  const floor = Math.min(MIN_WALL_SAMPLES, timing.maxSamples);
  const affordable = Math.floor(timing.budgetMs / Math.max(firstSampleMs, 1e-3));
  return Math.max(floor, Math.min(timing.maxSamples, affordable));
}

/**
 * Run every spec and collect the results in spec order. With workers > 0 the specs go to a piscina pool of
 * exactly that many threads; a worker that dies (or a task that cannot be sent) turns into an `error`
 * result for its spec, and the others continue.
 *
 * The first round runs each spec for its exact metrics and first wall-clock sample; each later round takes one
 * more sample of every scenario run that wants one (`targetSamples`), in the same order. A run's samples are so
 * spread over the whole pass, each after other runs, and recorded in time order: a comparison sees the drift
 * of the machine, not only the jitter of back-to-back repeats. On abort, no new task starts.
 */
export async function runSpecs(specs: readonly RunSpec[], options: RunSpecsOptions): Promise<RunSpecsOutcome> {
  const order = options.order ?? specs.map((_, i) => i);
  const results = new Array<RunResult | undefined>(specs.length).fill(undefined);
  const samples: WallSample[][] = specs.map(() => []);
  const limits = options.limits ?? DEFAULT_LIMITS;
  const toTask = (index: number): WorkerTask => {
    const trace = options.traceFor?.(index);
    return {
      spec: elementAt(specs, index, 'run'),
      strategyModules: [...options.strategyModules],
      timing: options.timing,
      limits,
      ...(trace === undefined ? {} : { trace }),
    };
  };
  const pool =
    options.workers === 0
      ? undefined
      : new Piscina<WorkerTask, RunResult | WallSample>({
          filename: WORKER_URL.href,
          minThreads: options.workers,
          maxThreads: options.workers,
          idleTimeout: 1000,
        });
  try {
    await runRound(order, toTask, pool, limits, options, (index, outcome) => {
      const result = outcome as RunResult;
      results[index] = result;
      if (result.status === 'ok' && result.kind === 'scenario') {
        samples[index] = [{ ms: result.wall.durationMs, calibrationNsPerIter: result.wall.calibrationNsPerIter ?? 1 }];
      }
      options.onResult?.(result, index);
    });
    // Later rounds: one more sample of each scenario run that wants one, until every run has its count.
    const target = results.map((r) =>
      r?.status === 'ok' && r.kind === 'scenario' ? targetSamples(r.wall.durationMs, options.timing) : 0,
    );
    const sampleTask = (index: number): SampleTask => {
      const run = results[index] as Extract<RunResult, { kind: 'scenario'; status: 'ok' }>;
      return {
        kind: 'sample',
        spec: specs[index] as ScenarioRunSpec,
        strategyModules: [...options.strategyModules],
        events: run.metrics.counts.events,
      };
    };
    for (;;) {
      const wanting = order.filter((i) => {
        const taken = samples[i]?.length ?? 0;
        return taken > 0 && taken < (target[i] ?? 0);
      });
      if (wanting.length === 0 || options.signal?.aborted) break;
      await runRound(wanting, sampleTask, pool, limits, options, (index, outcome) => {
        if ('ms' in outcome) samples[index]?.push(outcome);
        else {
          results[index] = outcome; // the sample failed (a ModelError, a dead worker): the run becomes an error
          samples[index] = [];
          target[index] = 0;
        }
      });
    }
  } finally {
    await pool?.destroy();
  }
  results.forEach((result, i) => {
    const runSamples = samples[i] ?? [];
    if (result?.status === 'ok' && result.kind === 'scenario' && runSamples.length > 1) {
      result.wall = wallFromSamples(runSamples, result.metrics.counts.events);
    }
  });
  return { results, aborted: options.signal?.aborted ?? false };
}

/**
 * One round: `toTask(i)` for each index of `order`, in this thread or on the pool (at most one task per worker
 * in flight, fed in order). `done` gets each outcome in completion order; a failed task becomes an `error`
 * result for its spec. A pool task that outlives its run's wall-time limit by WALL_LIMIT_MARGIN_MS is stopped
 * with its worker (a strategy looping without yielding). On abort, no new task starts; tasks in progress get
 * `graceMs`.
 */
async function runRound(
  order: readonly number[],
  toTask: (index: number) => WorkerTask,
  pool: Piscina<WorkerTask, RunResult | WallSample> | undefined,
  limits: RunLimits,
  options: RunSpecsOptions,
  done: (index: number, outcome: RunResult | WallSample) => void,
): Promise<void> {
  const graceMs = options.graceMs ?? ABORT_GRACE_MS;
  const failed = (index: number, message: string): RunResult => {
    const spec = toTask(index).spec;
    return { id: spec.id, kind: spec.kind, params: { ...spec.params }, status: 'error', error: message };
  };
  if (pool === undefined) {
    for (const index of order) {
      // Let a pending SIGINT handler run between two synchronous runs.
      await yieldToEventLoop();
      if (options.signal?.aborted) break;
      const task = toTask(index);
      if (task.kind === 'sample') {
        try {
          done(index, executeSample(task.spec, task.events));
        } catch (error) {
          done(index, failed(index, error instanceof Error ? `${error.name}: ${error.message}` : String(error)));
        }
        continue;
      }
      options.onStart?.(task.spec, index);
      try {
        // Sliced: Ctrl-C is heard during a long run, which then gets `graceMs` to finish and be kept.
        done(index, await executeRun(task, { signal: options.signal, graceMs }));
      } catch (error) {
        if (options.signal?.aborted) break; // stopped after its grace: the run did not finish
        throw error;
      }
    }
    return;
  }
  // The pool gets at most one task per worker at a time, fed from `order` as tasks finish. On abort no new
  // task is fed, and the tasks in progress get `graceMs` to finish and be kept before the pool is destroyed.
  let next = 0;
  const inFlight = new Set<Promise<void>>();
  const submit = (index: number): void => {
    const task = toTask(index);
    if (task.kind !== 'sample') options.onStart?.(task.spec, index);
    const started = performance.now();
    const margin = Math.min(WALL_LIMIT_MARGIN_MS, 1000 + 2 * limits.maxWallMs);
    const backstop = AbortSignal.timeout(limits.maxWallMs + options.timing.budgetMs + margin);
    const running = pool.run(task, { signal: backstop }).then(
      (outcome) => done(index, outcome),
      (error: unknown) => {
        if (options.signal?.aborted) return; // destroyed after the grace period: the task did not finish
        const message = backstop.aborted
          ? `RunLimitError: ${wallBackstopMessage(limits, performance.now() - started)}`
          : `worker: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
        done(index, failed(index, message));
      },
    );
    const tracked = running.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };
  const aborted = abortPromise(options.signal);
  while (next < order.length || inFlight.size > 0) {
    while (!options.signal?.aborted && inFlight.size < options.workers && next < order.length)
      submit(elementAt(order, next++, 'run'));
    if (options.signal?.aborted) {
      // unref: a grace timer must not keep the process alive once the runs are in.
      await Promise.race([Promise.all(inFlight), delay(graceMs, undefined, { ref: false })]);
      break;
    }
    if (inFlight.size === 0) break;
    await Promise.race([...inFlight, aborted]);
  }
}

/** Resolves when `signal` aborts (never, without a signal). */
function abortPromise(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal === undefined) return;
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** The error of a pool task stopped from outside: its run never reached the engine's limit check. */
function wallBackstopMessage(limits: RunLimits, elapsedMs: number): string {
  return (
    `run limit --max-wall-ms reached (${limits.maxWallMs.toLocaleString('en-US')} ms of wall time): the run never ` +
    `reached the engine's limit check (a strategy looping without yielding an effect?), so its worker was stopped ` +
    `after ${(elapsedMs / 1000).toFixed(1)} s`
  );
}
