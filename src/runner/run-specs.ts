import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEventLoop, setTimeout as delay } from 'node:timers/promises';
import { Piscina } from 'piscina';
import type { RunResult } from '../results/types.js';
import { elementAt } from '../shared/element-at.js';
import { executeRun, MIN_WALL_SAMPLES, sampleOrError, WARMUP_MS, wallFromSamples } from './execute-run.js';
import { DEFAULT_LIMITS, type RunLimits } from './limits.js';
import { type Dispatch, PassSchedule } from './pass-schedule.js';
import type {
  RunSpec,
  RunTask,
  SampleOutcome,
  SampleTask,
  ScenarioRunSpec,
  TimingOptions,
  TraceTask,
  WorkerTask,
} from './types.js';

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
 * Run every spec and collect the results in spec order. With workers > 0 the specs go to that many worker
 * threads (a piscina pool of one thread each, so that a run's samples are taken on the thread that warmed it up);
 * a worker that dies (or a task that cannot be sent) turns into an `error` result for the run of its task, or for
 * every run of a sample batch (their samples were taken again once already: a batch fails only with its thread),
 * and the others continue.
 *
 * Each spec's first task runs it for its exact metrics and first wall-clock sample. Then each thread takes rounds
 * over the runs it owns: one more sample of every scenario run that wants one (`targetSamples`), in `order`,
 * several samples to a task, without waiting for the other threads between rounds; a thread left with nothing
 * takes over runs of the busiest one when that shortens the pass (pass-schedule.ts). A run's samples are so
 * spread over the pass, each after other runs, and recorded in time order: a comparison sees the drift of the
 * machine, not only the jitter of back-to-back repeats. On abort, no new task starts.
 */
export async function runSpecs(specs: readonly RunSpec[], options: RunSpecsOptions): Promise<RunSpecsOutcome> {
  const order = options.order ?? specs.map((_, i) => i);
  const results = new Array<RunResult | undefined>(specs.length).fill(undefined);
  const limits = options.limits ?? DEFAULT_LIMITS;
  const graceMs = options.graceMs ?? ABORT_GRACE_MS;
  const strategyModules = [...options.strategyModules];
  const laneCount = Math.max(1, options.workers);
  const schedule = new PassSchedule(order, laneCount, specs.length, (ms) => targetSamples(ms, options.timing), WARMUP_MS);
  const failed = (index: number, message: string): RunResult => {
    const spec = elementAt(specs, index, 'run');
    return { id: spec.id, kind: spec.kind, params: { ...spec.params }, status: 'error', error: message };
  };
  const runTask = (index: number): RunTask => {
    const trace = options.traceFor?.(index);
    return {
      spec: elementAt(specs, index, 'run'),
      strategyModules,
      timing: options.timing,
      limits,
      ...(trace === undefined ? {} : { trace }),
    };
  };
  const sampleTask = (indexes: readonly number[]): SampleTask => ({
    kind: 'samples',
    strategyModules,
    items: indexes.map((index) => {
      const run = results[index] as Extract<RunResult, { kind: 'scenario'; status: 'ok' }>;
      return { spec: specs[index] as ScenarioRunSpec, events: run.metrics.counts.events };
    }),
  });
  const finishedRun = (index: number, result: RunResult): void => {
    results[index] = result;
    const timed = result.status === 'ok' && result.kind === 'scenario';
    schedule.ran(
      index,
      timed ? { ms: result.wall.durationMs, calibrationNsPerIter: result.wall.calibrationNsPerIter ?? 1 } : undefined,
    );
    options.onResult?.(result, index);
  };
  const finishedSamples = (indexes: readonly number[], outcomes: readonly SampleOutcome[]): void => {
    indexes.forEach((index, k) => {
      const outcome = outcomes[k];
      if (outcome === undefined)
        schedule.stop(index); // not taken (aborted): the run keeps the samples it has
      else if ('error' in outcome) {
        results[index] = failed(index, outcome.error); // the run is not deterministic: an error, not a result
        schedule.stop(index);
      } else schedule.sampled(index, outcome);
    });
  };

  const lanes = options.workers === 0 ? [inProcessLane(options, graceMs)] : poolLanes(options.workers);
  try {
    const laneBusy = lanes.map(() => false);
    const inFlight = new Set<Promise<void>>();
    const start = (lane: number, dispatch: Dispatch): void => {
      laneBusy[lane] = true;
      let task: WorkerTask;
      if (dispatch.kind === 'run') {
        task = runTask(dispatch.index);
        options.onStart?.(task.spec, dispatch.index);
      } else task = sampleTask(dispatch.indexes);
      const started = performance.now();
      const margin = Math.min(WALL_LIMIT_MARGIN_MS, 1000 + 2 * limits.maxWallMs);
      const backstop = AbortSignal.timeout(limits.maxWallMs + options.timing.budgetMs + margin);
      const running = elementAt(lanes, lane, 'lane')
        .run(task, backstop)
        .then(
          (outcome) => {
            if (dispatch.kind === 'run') finishedRun(dispatch.index, outcome as RunResult);
            else finishedSamples(dispatch.indexes, outcome as SampleOutcome[]);
          },
          (error: unknown) => {
            if (options.signal?.aborted) {
              // Destroyed after the grace period, or an in-process run stopped: the task did not finish.
              if (dispatch.kind === 'samples') finishedSamples(dispatch.indexes, []);
              return;
            }
            if (options.workers === 0 && dispatch.kind === 'run') throw error; // a bug of this thread, not a run's error
            const message = backstop.aborted
              ? `RunLimitError: ${wallBackstopMessage(limits, performance.now() - started)}`
              : `worker: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
            if (dispatch.kind === 'run') finishedRun(dispatch.index, failed(dispatch.index, message));
            else
              finishedSamples(
                dispatch.indexes,
                dispatch.indexes.map(() => ({ error: message })),
              );
          },
        )
        .finally(() => {
          laneBusy[lane] = false;
        });
      const tracked = running.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    };
    const aborted = abortPromise(options.signal);
    for (;;) {
      if (options.workers === 0) await yieldToEventLoop(); // let a pending SIGINT handler run between two runs
      if (!options.signal?.aborted) {
        for (let lane = 0; lane < lanes.length; lane++) {
          if (laneBusy[lane]) continue;
          const dispatch = schedule.take(lane);
          if (dispatch !== undefined) start(lane, dispatch);
        }
      }
      if (inFlight.size === 0) break;
      if (options.signal?.aborted) {
        // In this thread, a run stops itself after its grace (AbortError). A pool's tasks get `graceMs`, then the
        // pools are destroyed; unref: a grace timer must not keep the process alive once the runs are in.
        if (options.workers === 0) await Promise.allSettled(inFlight);
        else await Promise.race([Promise.all(inFlight), delay(graceMs, undefined, { ref: false })]);
        break;
      }
      await Promise.race([...inFlight, aborted]);
    }
  } finally {
    await Promise.all(lanes.map((lane) => lane.destroy()));
  }
  results.forEach((result, i) => {
    const runSamples = schedule.samples[i] ?? [];
    if (result?.status === 'ok' && result.kind === 'scenario' && runSamples.length > 1) {
      result.wall = wallFromSamples(runSamples, result.metrics.counts.events);
    }
  });
  return { results, aborted: options.signal?.aborted ?? false };
}

/** A thread that runs tasks one at a time: a worker thread of its own, or this thread (`--workers 0`). */
interface Lane {
  run(task: WorkerTask, backstop: AbortSignal): Promise<RunResult | SampleOutcome[]>;
  destroy(): Promise<void>;
}

/**
 * `workers` pools of one thread each: piscina picks any free thread of a pool, and the samples of a run must go
 * to the thread that warmed it up. A pool replaces a thread that dies; the backstop stops a task from outside.
 */
function poolLanes(workers: number): Lane[] {
  return Array.from({ length: workers }, () => {
    const pool = new Piscina<WorkerTask, RunResult | SampleOutcome[]>({
      filename: WORKER_URL.href,
      minThreads: 1,
      maxThreads: 1,
      idleTimeout: 1000,
    });
    return {
      run: (task, backstop) => pool.run(task, { signal: backstop }),
      destroy: () => pool.destroy(),
    };
  });
}

/**
 * This thread as the only lane. A run is sliced (Ctrl-C is heard during a long run, which then gets `graceMs` to
 * finish and be kept; after that it rejects with AbortError); samples yield to the event loop between each other
 * and stop at an abort (the samples not taken are left out of the outcome).
 */
function inProcessLane(options: RunSpecsOptions, graceMs: number): Lane {
  return {
    async run(task) {
      if (task.kind !== 'samples') return executeRun(task, { signal: options.signal, graceMs });
      const outcomes: SampleOutcome[] = [];
      for (const item of task.items) {
        await yieldToEventLoop();
        if (options.signal?.aborted) break;
        outcomes.push(sampleOrError(item));
      }
      return outcomes;
    },
    destroy: async () => undefined,
  };
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
