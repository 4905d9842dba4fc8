import { setImmediate as yieldToEventLoop, setTimeout as delay } from 'node:timers/promises';
import { Piscina } from 'piscina';
import { executeRun, executeSample, MIN_WALL_SAMPLES, wallFromSamples } from './execute-run.js';
import type { RunResult } from '../results/types.js';
import type { RunSpec, SampleTask, ScenarioRunSpec, TimingOptions, WallSample, WorkerTask } from './types.js';

/** The piscina worker entry (this file is dist/src/runner/run-specs.js). */
export const WORKER_URL = new URL('./worker.js', import.meta.url);

/** After an abort, how long the runs in progress may take to finish and be kept, ms. */
export const ABORT_GRACE_MS = 2000;

/** Options of one pass over a list of specs. */
export interface RunSpecsOptions {
  /** Worker threads; 0 runs in this thread, one spec after another. */
  workers: number;
  /** Absolute paths of strategy modules every thread imports first. */
  strategyModules: readonly string[];
  timing: TimingOptions;
  /** Submission order as indexes into `specs` (default: spec order). Results are stored by index regardless. */
  order?: readonly number[];
  /** Abort (Ctrl-C): no new run starts; runs in progress get ABORT_GRACE_MS to finish, the others are left out. */
  signal?: AbortSignal;
  /** Called as each run finishes, in completion order. */
  onResult?: (result: RunResult, index: number) => void;
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
  const toTask = (index: number): WorkerTask => ({
    spec: specs[index],
    strategyModules: [...options.strategyModules],
    timing: options.timing,
  });
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
    await runRound(order, toTask, pool, options, (index, outcome) => {
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
      const wanting = order.filter((i) => samples[i].length > 0 && samples[i].length < target[i]);
      if (wanting.length === 0 || options.signal?.aborted) break;
      await runRound(wanting, sampleTask, pool, options, (index, outcome) => {
        if ('ms' in outcome) samples[index].push(outcome);
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
    if (result?.status === 'ok' && result.kind === 'scenario' && samples[i].length > 1) {
      result.wall = wallFromSamples(samples[i], result.metrics.counts.events);
    }
  });
  return { results, aborted: options.signal?.aborted ?? false };
}

/**
 * One round: `toTask(i)` for each index of `order`, in this thread or on the pool (at most one task per worker
 * in flight, fed in order). `done` gets each outcome in completion order; a failed task becomes an `error`
 * result for its spec. On abort, no new task starts; tasks in progress get ABORT_GRACE_MS.
 */
async function runRound(
  order: readonly number[],
  toTask: (index: number) => WorkerTask,
  pool: Piscina<WorkerTask, RunResult | WallSample> | undefined,
  options: RunSpecsOptions,
  done: (index: number, outcome: RunResult | WallSample) => void,
): Promise<void> {
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
      } else done(index, await executeRun(task));
    }
    return;
  }
  const specs = order;
  // The pool gets at most one task per worker at a time, fed from `order` as tasks finish. On abort no new
  // task is fed, and the tasks in progress get ABORT_GRACE_MS to finish and be kept before the pool is destroyed.
  let next = 0;
  const inFlight = new Set<Promise<void>>();
  const submit = (index: number): void => {
    const running = pool.run(toTask(index)).then(
      (outcome) => done(index, outcome),
      (error: unknown) => {
        if (options.signal?.aborted) return; // destroyed after the grace period: the task did not finish
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        done(index, failed(index, `worker: ${message}`));
      },
    );
    const tracked = running.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };
  const aborted = abortPromise(options.signal);
  while (next < specs.length || inFlight.size > 0) {
    while (!options.signal?.aborted && inFlight.size < options.workers && next < specs.length) submit(specs[next++]);
    if (options.signal?.aborted) {
      // unref: a grace timer must not keep the process alive once the runs are in.
      await Promise.race([Promise.all(inFlight), delay(ABORT_GRACE_MS, undefined, { ref: false })]);
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
