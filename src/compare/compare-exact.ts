import { flattenMetrics } from '../metrics/metric-names.js';
import type { RunResult } from '../runner/types.js';
import type { ExactChange } from './types.js';

/** Exact changes of one paired run, and how many exact metrics are equal on both sides. */
export interface ExactComparison {
  changes: ExactChange[];
  unchanged: number;
}

/**
 * Compare the exact side of two runs of the same parameters. Exact metrics are functions of the
 * parameters and the seed, so any difference is a change, however small: no tolerance. A run whose
 * status or error message changed reports a `status` change; a metric present on one side only is
 * a change from or to `null`; the first faults' details (not a number) are compared as JSON, as
 * `run --check-determinism` does.
 */
export function compareExact(baseline: RunResult, current: RunResult): ExactComparison {
  const changes: ExactChange[] = [];
  const baselineStatus = statusOf(baseline);
  const currentStatus = statusOf(current);
  if (baselineStatus !== currentStatus) changes.push({ metric: 'status', baseline: baselineStatus, current: currentStatus });

  const before = exactMetricsOf(baseline);
  const after = exactMetricsOf(current);
  let unchanged = 0;
  for (const [metric, value] of Object.entries(before)) {
    const now = Object.hasOwn(after, metric) ? after[metric] : null;
    // Object.is: NaN equals NaN, and +0 and -0 differ (they print differently).
    if (now !== null && Object.is(now, value)) unchanged++;
    else changes.push({ metric, baseline: value, current: now });
  }
  for (const [metric, value] of Object.entries(after)) {
    if (!Object.hasOwn(before, metric)) changes.push({ metric, baseline: null, current: value });
  }
  const baselineDetails = faultDetailsOf(baseline);
  const currentDetails = faultDetailsOf(current);
  if (baselineDetails !== null && currentDetails !== null) {
    if (baselineDetails === currentDetails) unchanged++;
    else changes.push({ metric: 'faults.details', baseline: baselineDetails, current: currentDetails });
  }
  return { changes, unchanged };
}

function faultDetailsOf(run: RunResult): string | null {
  return run.status === 'ok' && run.kind === 'scenario' ? JSON.stringify(run.metrics.faults.details) : null;
}

function statusOf(run: RunResult): string {
  return run.status === 'ok' ? 'ok' : `error: ${run.error}`;
}

function exactMetricsOf(run: RunResult): Record<string, number> {
  return run.status === 'ok' && run.kind === 'scenario' ? flattenMetrics(run.metrics) : {};
}
