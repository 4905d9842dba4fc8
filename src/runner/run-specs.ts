import { setImmediate as yieldToEventLoop, setTimeout as delay } from 'node:timers/promises';
import { Piscina } from 'piscina';
import { executeRun } from './execute-run.js';
import type { RunResult } from '../results/types.js';
import { chunkByCost } from './schedule.js';
import type { RunSpec, RunTask, TimingOptions } from './types.js';

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
 * Run every spec and collect the results in spec order. With workers > 0 the specs go to a piscina pool of
 * exactly that many threads; a worker that dies (or a task that cannot be sent) turns into an `error`
 * result for its spec, and the others continue.
 */
export async function runSpecs(specs: readonly RunSpec[], options: RunSpecsOptions): Promise<RunSpecsOutcome> {
  const order = options.order ?? specs.map((_, i) => i);
  const results = new Array<RunResult | undefined>(specs.length).fill(undefined);
  const task = (spec: RunSpec): RunTask => ({
    spec,
    strategyModules: [...options.strategyModules],
    timing: options.timing,
  });
  const finish = (index: number, result: RunResult): void => {
    results[index] = result;
    options.onResult?.(result, index);
  };

  if (options.workers === 0) {
    for (const index of order) {
      // Let a pending SIGINT handler run between two synchronous runs.
      await yieldToEventLoop();
      if (options.signal?.aborted) break;
      finish(index, await executeRun(task(specs[index])));
    }
    return { results, aborted: options.signal?.aborted ?? false };
  }

  const pool = new Piscina<RunTask[], RunResult[]>({
    filename: WORKER_URL.href,
    minThreads: options.workers,
    maxThreads: options.workers,
    idleTimeout: 1000,
  });
  // Small runs travel in groups (chunkByCost), so a worker is not left idle for a round trip after each tiny run.
  // The pool gets at most one group per worker at a time, fed in submission order as groups finish. On abort no
  // new group is fed, and the groups in progress get ABORT_GRACE_MS to finish and be kept before the pool is destroyed.
  const chunks = chunkByCost(specs, order);
  let next = 0;
  const inFlight = new Set<Promise<void>>();
  const submit = (chunk: number[]): void => {
    const done = pool.run(chunk.map((index) => task(specs[index]))).then(
      (chunkResults) => {
        for (const [k, index] of chunk.entries()) finish(index, chunkResults[k]);
      },
      (error: unknown) => {
        if (options.signal?.aborted) return; // destroyed after the grace period: the runs did not finish
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        for (const index of chunk) {
          const spec = specs[index];
          finish(index, {
            id: spec.id,
            kind: spec.kind,
            params: { ...spec.params },
            status: 'error',
            error: `worker: ${message}`,
          });
        }
      },
    );
    const tracked = done.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };
  try {
    const aborted = abortPromise(options.signal);
    while (next < chunks.length || inFlight.size > 0) {
      while (!options.signal?.aborted && inFlight.size < options.workers && next < chunks.length) submit(chunks[next++]);
      if (options.signal?.aborted) {
        // unref: a grace timer must not keep the process alive once the runs are in.
        await Promise.race([Promise.all(inFlight), delay(ABORT_GRACE_MS, undefined, { ref: false })]);
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
