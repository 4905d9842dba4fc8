import type { MetricKind } from './types.js';

/** Prefix of every wall-clock (noisy) metric name, as produced by `flattenWall`. */
export const WALL_PREFIX = 'wall.';

/** Parts of a run's metrics (`RunMetrics`) that are not numbers to compare (diagnostic detail), skipped by `flattenMetrics`. */
export const SKIPPED_METRIC_PATHS: readonly string[] = ['faults.details'];

/**
 * Flatten a run's exact metrics into dotted names, e.g. `hypercalls.traps`, `locks.ptl.holdNs.p99Ns`,
 * `hypercalls.subops.mmuext_op.PIN_L1_TABLE`. Arrays become one name per index
 * (`hypercalls.batchHistogram.3`). `faults.details` is skipped. Every name returned is `exact`.
 */
export function flattenMetrics(metrics: object): Record<string, number> {
  const out: Record<string, number> = {};
  flattenInto(metrics as unknown, '', out);
  return out;
}

/**
 * Flatten a run's wall-clock statistics into `wall.`-prefixed names (`wall.durationMs`, `wall.p99Ms`, ...).
 * Raw samples (`samplesMs`) are not flattened: they are the data behind the statistics. Every name is `noisy`.
 */
export function flattenWall(wall: object): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(wall)) {
    if (key === 'samplesMs') continue;
    if (typeof value === 'number' && Number.isFinite(value)) out[WALL_PREFIX + key] = value;
  }
  return out;
}

/** Whether a flattened metric name is `exact` (model output) or `noisy` (wall clock, `wall.` prefix). */
export function metricKind(name: string): MetricKind {
  return name.startsWith(WALL_PREFIX) ? 'noisy' : 'exact';
}

/** The unit of a flattened metric name, read from its suffix (STYLE habit 5); `''` for plain counts. */
export function metricUnit(name: string): string {
  const last = name.slice(name.lastIndexOf('.') + 1);
  if (/^virtualNs$|Ns$/.test(last)) return 'ns';
  if (/Ms$/.test(last)) return 'ms';
  if (/PerSec$/.test(last)) return '1/s';
  if (/Bytes$/.test(last)) return 'bytes';
  if (name.endsWith('.rme')) return '%';
  // DistSummary fields under a *Ns parent (holdNs.count is a count, holdNs.p99Ns is ns).
  return '';
}

function flattenInto(value: unknown, path: string, out: Record<string, number>): void {
  if (SKIPPED_METRIC_PATHS.includes(path)) return;
  if (typeof value === 'number') {
    out[path] = value;
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => flattenInto(item, join(path, String(index)), out));
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) flattenInto(item, join(path, key), out);
  }
  // Strings, booleans and null are not metrics.
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}
