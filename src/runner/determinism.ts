import { flattenMetrics } from '../metrics/metric-names.js';
import type { RunResult } from './types.js';

/** An exact metric (or the status) that differed between two runs of the same spec. */
export interface DeterminismDifference {
  id: string;
  /** Flattened metric name, `status` or `error`. */
  metric: string;
  first: number | string | null;
  second: number | string | null;
}

/**
 * Compare two results of the same spec on everything that must be exact: the status, the error message,
 * and every flattened metric (faults.details included, compared as JSON). Returns the first difference.
 */
export function firstDifference(first: RunResult, second: RunResult): DeterminismDifference | null {
  const diff = (metric: string, a: number | string | null, b: number | string | null): DeterminismDifference => ({
    id: first.id,
    metric,
    first: a,
    second: b,
  });
  if (first.status !== second.status) return diff('status', first.status, second.status);
  if (first.status === 'error' && second.status === 'error') {
    return first.error === second.error ? null : diff('error', first.error, second.error);
  }
  if (first.kind !== 'scenario' || second.kind !== 'scenario' || first.status !== 'ok' || second.status !== 'ok') return null;
  const a = flattenMetrics(first.metrics);
  const b = flattenMetrics(second.metrics);
  for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[name] ?? null;
    const y = b[name] ?? null;
    // Object.is: NaN equals NaN, and +0 and -0 differ (they would print differently).
    if (!Object.is(x, y)) return diff(name, x, y);
  }
  const detailsA = JSON.stringify(first.metrics.faults.details);
  const detailsB = JSON.stringify(second.metrics.faults.details);
  return detailsA === detailsB ? null : diff('faults.details', detailsA, detailsB);
}
