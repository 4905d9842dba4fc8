import { flattenMetrics } from '../metrics/metric-names.js';
import type { ExactValue, RunResult } from './types.js';

/** One exact metric (or the status) whose value differs between two runs; `undefined`: absent on that side. */
export interface ExactChange {
  /** Flattened metric name (`hypercalls.traps`, `faults.details.0.atNs`), or `status`. */
  metric: string;
  baseline: ExactValue | undefined;
  current: ExactValue | undefined;
}

/** The exact comparison of two runs of the same parameters. */
export interface ExactDiff {
  changes: ExactChange[];
  /** Exact values present on both sides and equal. */
  unchanged: number;
}

/**
 * Whether two exact values are the same, decided once for every comparison in pinbench (compare, the HTML
 * report, `run --check-determinism`): SameValueZero, i.e. `===` except that NaN equals NaN (a model that
 * computes NaN the same way twice is deterministic) and +0 equals -0 (JSON cannot tell them apart, so a value
 * must compare the same before and after a round trip through a results file).
 */
export function sameExactValue(a: ExactValue | undefined, b: ExactValue | undefined): boolean {
  return a === b || Object.is(a, b);
}

/**
 * Every exact value of a run by flattened name: each leaf under `metrics` (numbers, strings, flags; lists of
 * records such as `faults.details` field by field), for ok and invalid scenario runs. Empty for micro-benchmarks
 * and failed runs.
 */
export function exactValues(run: RunResult): Record<string, ExactValue> {
  return run.status !== 'error' && run.kind === 'scenario' ? flattenMetrics(run.metrics) : {};
}

/** A run's status as one comparable string: `ok`, `invalid: REASONS`, or `error: MESSAGE`. */
export function statusOf(run: RunResult): string {
  if (run.status === 'ok') return 'ok';
  return run.status === 'invalid' ? `invalid: ${run.reasons.join('; ')}` : `error: ${run.error}`;
}

/**
 * The one exact diff. Compares the status (with the error message) and every exact value (`exactValues`) of
 * two runs: any difference is a change, however small, since exact metrics are functions of the parameters
 * and the seed. A value present on one side only is a change from or to `undefined`. Changes are listed in
 * the baseline's metric order, then the metrics new in current.
 */
export function diffExact(baseline: RunResult, current: RunResult): ExactDiff {
  const changes: ExactChange[] = [];
  const statusBefore = statusOf(baseline);
  const statusAfter = statusOf(current);
  if (statusBefore !== statusAfter) changes.push({ metric: 'status', baseline: statusBefore, current: statusAfter });
  const before = exactValues(baseline);
  const after = exactValues(current);
  let unchanged = 0;
  for (const [metric, value] of Object.entries(before)) {
    const now = Object.hasOwn(after, metric) ? after[metric] : undefined;
    if (now !== undefined && sameExactValue(value, now)) unchanged++;
    else changes.push({ metric, baseline: value, current: now });
  }
  for (const [metric, value] of Object.entries(after)) {
    if (!Object.hasOwn(before, metric)) changes.push({ metric, baseline: undefined, current: value });
  }
  return { changes, unchanged };
}
