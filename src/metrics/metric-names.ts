import type { MetricKind } from './types.js';

/** Prefix of every wall-clock (noisy) metric name, as produced by `flattenWall`. */
export const WALL_PREFIX = 'wall.';

/** A leaf of a metrics document: a count or time, a name, a flag, or null. */
export type MetricLeaf = number | string | boolean | null;

/**
 * Flatten a metrics document into dotted names, one per leaf, e.g. `hypercalls.traps`, `locks.ptl.holdNs.p99Ns`,
 * `hypercalls.subops.mmuext_op.PIN_L1_TABLE`. Arrays give one name per index (`hypercalls.batchHistogram.3`,
 * `faults.details.0.atNs`), so a list of records is compared field by field like any other metric. Every leaf
 * is kept (numbers, strings, booleans, null): a new metric of any type flows through without a rule for it.
 */
export function flattenMetrics(metrics: object): Record<string, MetricLeaf> {
  const out: Record<string, MetricLeaf> = {};
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

function flattenInto(value: unknown, path: string, out: Record<string, MetricLeaf>): void {
  if (value === null || typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') {
    out[path] = value;
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      flattenInto(item, join(path, String(index)), out);
    });
    return;
  }
  if (typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) flattenInto(item, join(path, key), out);
  }
  // undefined, functions and symbols are not JSON: not metrics.
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}
