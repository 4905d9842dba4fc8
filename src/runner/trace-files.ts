import { join, relative, sep } from 'node:path';
import { ConfigError } from '../shared/errors.js';
import type { CostEstimator } from './cost-estimate.js';
import type { RunSpec, TraceTask } from './types.js';

export type { TraceTask } from './types.js';

// `run --trace DIR`: one Chrome trace-event file per run (scenarios/trace), written by the thread that ran it. The
// traces of a matrix are estimated before anything runs, and a matrix whose traces would not fit is refused (exit 2):
// docs/traces.md gives the figures behind the limits.

/**
 * Most bytes of one trace file: a viewer holds the file as one string (chrome://tracing and speedscope parse it
 * with JSON.parse), and V8 caps a string at 2^29 - 24 characters (512 MiB); half of that leaves room for the parse.
 * A run whose estimate is larger is refused; a run that outgrows it anyway stops its trace there (truncated).
 */
export const MAX_TRACE_BYTES = 256 * 2 ** 20;

/** Default of `--trace-max-mb`: most bytes of every trace of the matrix together, MiB. */
export const DEFAULT_TRACE_MAX_MB = 1024;

/**
 * Trace bytes per simulated event assumed by the estimate: measured 150-305 (2-3 trace events of about 105 bytes
 * per simulated event) over every built-in strategy, racing or not, in both eras; the largest, rounded up.
 */
export const TRACE_BYTES_PER_EVENT = 320;

/** The longest one trace event gets (a fault with its pinner description), bytes: sets a trace's event limit. */
export const TRACE_EVENT_MAX_BYTES = 256;

/**
 * The trace file's name of the run at `position` of the plan: the position (so that names sort in plan order and
 * never collide) and the run id with anything but letters, digits and `.=+-` replaced, e.g.
 * `0007-unlocked-4level-ptePages=64-vcpus=4-seed=1.json`.
 */
export function traceFileName(position: number, id: string): string {
  const safe = id.replace(/[^A-Za-z0-9.=+-]+/g, '-').replace(/^-+|-+$/g, '');
  return `${String(position).padStart(4, '0')}-${safe.slice(0, 120)}.json`;
}

/** A trace's path as a run records it: relative to its results.json's directory, with forward slashes. */
export function traceLink(resultsDir: string, path: string): string {
  return relative(resultsDir, path).split(sep).join('/');
}

/** The estimated trace bytes of each spec. */
export function estimatedTraceBytes(specs: readonly RunSpec[], estimator: CostEstimator): number[] {
  return specs.map((spec) => (spec.kind === 'scenario' ? estimator.estimate(spec).events * TRACE_BYTES_PER_EVENT : 0));
}

/**
 * Refuse (ConfigError naming `--trace`) a matrix whose traces would not fit: a run whose trace alone would exceed
 * MAX_TRACE_BYTES, or traces that together would exceed `maxTotalBytes` (`--trace-max-mb`). The message names the
 * largest runs and what to do. Returns the estimated bytes of each spec.
 */
export function checkTraceBudget(specs: readonly RunSpec[], estimator: CostEstimator, maxTotalBytes: number): number[] {
  if (specs.some((s) => s.kind === 'micro')) {
    throw new ConfigError(
      '--trace: a micro-benchmark suite has no scenario runs to trace; expected a scenario suite or matrix',
      '--trace',
    );
  }
  const bytes = estimatedTraceBytes(specs, estimator);
  const mb = (n: number) => `${(n / 2 ** 20).toLocaleString('en-US', { maximumFractionDigits: 1 })} MiB`;
  const largest = bytes
    .map((b, i) => ({ b, id: specs[i]?.id ?? '' }))
    .sort((x, y) => y.b - x.b)
    .slice(0, 3);
  const top = largest[0];
  if (top !== undefined && top.b > MAX_TRACE_BYTES) {
    throw new ConfigError(
      `--trace: the trace of run "${top.id}" would be about ${mb(top.b)}, more than the ${mb(MAX_TRACE_BYTES)} a viewer can open; ` +
        'expected smaller runs to trace (fewer PTE pages, iterations or vCPUs, a longer --writer-think-ns)',
      '--trace',
    );
  }
  const total = bytes.reduce((a, b) => a + b, 0);
  if (total > maxTotalBytes) {
    throw new ConfigError(
      `--trace: the ${specs.length.toLocaleString('en-US')} traces would take about ${mb(total)}, more than --trace-max-mb ${mb(maxTotalBytes)} ` +
        `(largest: ${largest.map((l) => `${l.id} ${mb(l.b)}`).join('; ')}); expected fewer runs to trace, or a larger --trace-max-mb`,
      '--trace',
    );
  }
  return bytes;
}

/** The trace task of the run at `position` of the plan. */
export function traceTask(
  dir: string,
  resultsDir: string,
  position: number,
  spec: RunSpec,
  meta: Record<string, unknown>,
): TraceTask {
  return {
    path: join(dir, traceFileName(position, spec.id)),
    resultsDir,
    maxEvents: Math.floor(MAX_TRACE_BYTES / TRACE_EVENT_MAX_BYTES),
    meta: { run: spec.id, params: spec.params, ...meta },
  };
}
