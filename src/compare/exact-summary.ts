import type { ExactChange } from '../results/diff-exact.js';

/** The changes of one metric over all runs, summarised. */
export interface MetricChangeSummary {
  metric: string;
  /** Runs in which it changed. */
  runs: number;
  /** Smallest and largest current - baseline over those runs (numbers on both sides only; null otherwise). */
  minDelta: number | null;
  maxDelta: number | null;
  /** Smallest and largest relative change (current / baseline - 1) where the baseline is a non-zero number. */
  minRelative: number | null;
  maxRelative: number | null;
  /** Runs where the metric exists on one side only, or is not a number on both. */
  nonNumeric: number;
}

/**
 * Per metric: how many runs changed and the range of the change, most widespread first (then by name). This is
 * what a reader wants before 300 cells of "baseline -> current": one line says "hypercalls.traps: 84 runs,
 * +2 to +9 (+0.4% to +1.1%)".
 */
export function summariseExactChanges(runs: ReadonlyArray<{ changes: readonly ExactChange[] }>): MetricChangeSummary[] {
  const byMetric = new Map<string, MetricChangeSummary>();
  for (const run of runs) {
    for (const change of run.changes) {
      let s = byMetric.get(change.metric);
      if (s === undefined) {
        s = {
          metric: change.metric,
          runs: 0,
          minDelta: null,
          maxDelta: null,
          minRelative: null,
          maxRelative: null,
          nonNumeric: 0,
        };
        byMetric.set(change.metric, s);
      }
      s.runs++;
      const { baseline, current } = change;
      if (typeof baseline !== 'number' || typeof current !== 'number') {
        s.nonNumeric++;
        continue;
      }
      const delta = current - baseline;
      s.minDelta = s.minDelta === null ? delta : Math.min(s.minDelta, delta);
      s.maxDelta = s.maxDelta === null ? delta : Math.max(s.maxDelta, delta);
      if (baseline !== 0) {
        const relative = current / baseline - 1;
        s.minRelative = s.minRelative === null ? relative : Math.min(s.minRelative, relative);
        s.maxRelative = s.maxRelative === null ? relative : Math.max(s.maxRelative, relative);
      }
    }
  }
  return [...byMetric.values()].sort((a, b) => b.runs - a.runs || a.metric.localeCompare(b.metric));
}

/** `+2 to +9 (+0.4% to +1.1%)`, `-3 (-1.2%)`, `changed (not a number)`, for one summary line. */
export function describeChangeRange(s: MetricChangeSummary): string {
  const parts: string[] = [];
  if (s.minDelta !== null && s.maxDelta !== null) {
    const range = s.minDelta === s.maxDelta ? signed(s.minDelta) : `${signed(s.minDelta)} to ${signed(s.maxDelta)}`;
    let relative = '';
    if (s.minRelative !== null && s.maxRelative !== null) {
      relative =
        s.minRelative === s.maxRelative
          ? ` (${signedPercent(s.minRelative)})`
          : ` (${signedPercent(s.minRelative)} to ${signedPercent(s.maxRelative)})`;
    }
    parts.push(range + relative);
  }
  if (s.nonNumeric > 0) parts.push(`${s.nonNumeric} not numeric or on one side only`);
  return parts.join('; ');
}

function signed(value: number): string {
  const shown = Number(value.toPrecision(6));
  return `${shown > 0 ? '+' : ''}${shown}`;
}

function signedPercent(fraction: number): string {
  const percent = Number((fraction * 100).toPrecision(3));
  return `${percent > 0 ? '+' : ''}${percent}%`;
}
