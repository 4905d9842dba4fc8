import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEventLoop, setTimeout as delay } from 'node:timers/promises';
import { Piscina } from 'piscina';
import type { RunResult } from '../results/types.js';
import { executeRun } from './execute-run.js';
import { DEFAULT_LIMITS, type RunLimits } from './limits.js';
import type { TraceTask } from './trace-files.js';
import type { RunSpec, RunTask, TimingOptions } from './types.js';

/** The piscina worker entry (this file is dist/src/runner/run-specs.js). */
export const WORKER_URL = new URL('./worker.js', import.meta.url);

/** After an abort, how long the runs in progress may take to finish and be kept, ms. */
export const ABORT_GRACE_MS = 2000;

/**
 * A pool task still running this long (at most; twice the limit plus a second when that is less) after its
 * run's wall-time limit is stopped from outside (its worker is
 * terminated): a run that never reaches the engine's limit check (a strategy looping inside one step) cannot hang
 * the pool. The margin covers the timed repetitions and the worker's start.
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
  /** Called as each run finishes, in completion order. */
  onResult?: (result: RunResult, index: number) => void;
  /** Called as each run starts. */
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
 * Run every spec and collect the results in spec order. With workers > 0 the specs go to a piscina pool of
 * exactly that many threads; a worker that dies (or a task that cannot be sent) turns into an `error`
 * result for its spec, and the others continue.
 */
export async function runSpecs(specs: readonly RunSpec[], options: RunSpecsOptions): Promise<RunSpecsOutcome> {
  const order = options.order ?? specs.map((_, i) => i);
  const results = new Array<RunResult | undefined>(specs.length).fill(undefined);
  const limits = options.limits ?? DEFAULT_LIMITS;
  const task = (spec: RunSpec, index: number): RunTask => {
    const trace = options.traceFor?.(index);
    return {
      spec,
      strategyModules: [...options.strategyModules],
      timing: options.timing,
      limits,
      ...(trace === undefined ? {} : { trace }),
    };
  };
  const finish = (index: number, result: RunResult): void => {
    results[index] = result;
    options.onResult?.(result, index);
  };

  if (options.workers === 0) {
    for (const index of order) {
      // Let a pending SIGINT handler run between two synchronous runs.
      await yieldToEventLoop();
      if (options.signal?.aborted) break;
      options.onStart?.(specs[index], index);
      try {
        // Sliced: Ctrl-C is heard during a long run, which then gets ABORT_GRACE_MS to finish and be kept.
        finish(
          index,
          await executeRun(task(specs[index], index), { signal: options.signal, graceMs: options.graceMs ?? ABORT_GRACE_MS }),
        );
      } catch (error) {
        if (options.signal?.aborted) break; // stopped after its grace: the run did not finish
        throw error;
      }
    }
    return { results, aborted: options.signal?.aborted ?? false };
  }

  const pool = new Piscina<RunTask, RunResult>({
    filename: WORKER_URL.href,
    minThreads: options.workers,
    maxThreads: options.workers,
    idleTimeout: 1000,
  });
  // The pool gets at most one run per worker at a time, fed from `order` as runs finish. On abort no new
  // run is fed, and the runs in progress get ABORT_GRACE_MS to finish and be kept before the pool is destroyed.
  let next = 0;
  const inFlight = new Set<Promise<void>>();
  const submit = (index: number): void => {
    const spec = specs[index];
    options.onStart?.(spec, index);
    const started = performance.now();
    const margin = Math.min(WALL_LIMIT_MARGIN_MS, 1000 + 2 * limits.maxWallMs);
    const backstop = AbortSignal.timeout(limits.maxWallMs + options.timing.budgetMs + margin);
    const done = pool.run(task(spec, index), { signal: backstop }).then(
      (result) => finish(index, result),
      (error: unknown) => {
        if (options.signal?.aborted) return; // destroyed after the grace period: the run did not finish
        const message = backstop.aborted
          ? `RunLimitError: ${wallBackstopMessage(limits, performance.now() - started)}`
          : `worker: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
        finish(index, { id: spec.id, kind: spec.kind, params: { ...spec.params }, status: 'error', error: message });
      },
    );
    const tracked = done.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };
  try {
    const aborted = abortPromise(options.signal);
    while (next < order.length || inFlight.size > 0) {
      while (!options.signal?.aborted && inFlight.size < options.workers && next < order.length) submit(order[next++]);
      if (options.signal?.aborted) {
        // unref: a grace timer must not keep the process alive once the runs are in.
        await Promise.race([Promise.all(inFlight), delay(options.graceMs ?? ABORT_GRACE_MS, undefined, { ref: false })]);
        break;
      }
      if (inFlight.size === 0) break;
      await Promise.race([...inFlight, aborted]);
    }
  } finally {
    await pool.destroy();
  }
  return { results, aborted: options.signal?.aborted ?? false };
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
