import type { Comparison, ComparisonOutcome, ExactValue, NoisyMetricName, NoisyVerdict, SideInfo } from './types.js';

/** Most rows of one table in a rendered comparison; the rest are counted in a closing line. */
export const MAX_TABLE_ROWS = 60;

/** Label of a noisy verdict's state, as shown in tables. */
export const VERDICT_LABELS: Readonly<Record<NoisyVerdict['state'], string>> = {
  regressed: 'REGRESSED',
  improved: 'improved',
  'within-noise': 'within noise',
  'insufficient-samples': 'insufficient samples',
  'not-comparable': 'not comparable',
  'no-samples': 'no samples',
};

/** Rank of a verdict's state when rows are sorted for display: what needs attention first. */
export const VERDICT_ORDER: Readonly<Record<NoisyVerdict['state'], number>> = {
  regressed: 0,
  improved: 1,
  'within-noise': 2,
  'insufficient-samples': 3,
  'not-comparable': 4,
  'no-samples': 5,
};

/** Said under every wall-clock table of `compare`: what two result sets cannot tell, and what can. */
export const SEPARATE_JOBS_NOTE =
  "Two result sets are two jobs: the drift of the machine between them is not measured, only each run's spread within its own job. For a verdict on a code change, run both versions interleaved in one job: pinbench ab BASE HEAD.";

/** Longest text value (a status, a fault’s pinner phase) shown in a table cell before it is cut. */
export const MAX_TEXT_CELL = 60;

/** An exact value in full precision (a change in the last digit is still a change); `—` when absent. */
export function formatExact(value: ExactValue | undefined): string {
  if (value === undefined) return '—';
  if (typeof value !== 'string') return String(value);
  return value.length > MAX_TEXT_CELL ? `${value.slice(0, MAX_TEXT_CELL - 1)}…` : value;
}

/** The difference of two exact values: `+3 (+2.5%)`, or `` when either is not a number. */
export function formatExactDelta(baseline: ExactValue | undefined, current: ExactValue | undefined): string {
  if (typeof baseline !== 'number' || typeof current !== 'number') return '';
  const delta = current - baseline;
  const sign = delta > 0 ? '+' : '';
  const relative = baseline === 0 ? '' : ` (${sign}${((delta / baseline) * 100).toPrecision(3)}%)`;
  return `${sign}${Number(delta.toPrecision(12))}${relative}`;
}

/** A noisy median with its unit: `12.35 ms` for raw samples, `3.412` for the normalised figure. */
export function formatMedian(metric: NoisyMetricName, value: number): string {
  const shown = Number.isFinite(value) ? value.toPrecision(4) : String(value);
  return metric === 'wall.samplesMs' ? `${shown} ms` : shown;
}

/** A median ratio as a signed percentage: `+20.3%`, `-1.9%`. */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return String(ratio);
  const percent = (ratio - 1) * 100;
  return `${percent >= 0 ? '+' : ''}${percent.toFixed(1)}%`;
}

/** A p-value, two significant digits: `0.0079`, `1.1e-5`. */
export function formatP(p: number): string {
  return p >= 1e-4 ? String(Number(p.toPrecision(2))) : p.toExponential(1);
}

/** One line naming a result set: `suite ci, pinbench 0.1.0 (abc1234), 2025-01-01T00:00:00Z, partial`. */
export function describeSide(side: SideInfo): string {
  const commit = side.commit === null ? '' : ` (${side.commit.slice(0, 12)})`;
  return `suite ${side.suite}, pinbench ${side.version}${commit}, ${side.createdAt}${side.partial ? ', PARTIAL' : ''}`;
}

/** One line on the machines: same (raw times judged) or different (only the normalised figure judged). */
export function describeMachines(comparison: Comparison): string {
  const { environment, options, current } = comparison;
  if (environment.comparable) {
    return `same machine (${current.environment.cpuModel}, node ${current.environment.node}): raw wall times judged at ±${percent(options.threshold)}`;
  }
  const what = environment.differences
    .map((d) => `${d.field} ${JSON.stringify(d.baseline)} vs ${JSON.stringify(d.current)}`)
    .join('; ');
  return `different machines (${what}): raw wall times not comparable; wall.normalisedPerEvent judged at ±${percent(options.normalisedThreshold)}`;
}

/** One sentence on what the comparison calls for. */
export function describeOutcome(comparison: Comparison, outcome: ComparisonOutcome): string {
  const s = comparison.summary;
  const params = s.paramChanged > 0 ? `, ${s.paramChanged} run(s) with changed parameters` : '';
  const exact = `${s.exactChanges} exact metric change(s) in ${s.runsWithExactChanges} run(s), ${s.missing} missing and ${s.added} new run(s)${params}`;
  const insufficient = s.insufficientSamples > 0 ? `, ${s.insufficientSamples} insufficient samples` : '';
  const noisy = `${s.regressed} regressed, ${s.improved} improved, ${s.withinNoise} within noise${insufficient}, ${s.notComparable} not comparable`;
  switch (outcome) {
    case 'exact-change':
      return `EXACT CHANGE: ${exact}; wall clock: ${noisy}`;
    case 'regressed':
      return `REGRESSION: wall clock: ${noisy}; ${exact}`;
    case 'ok':
      return `OK: ${exact}; wall clock: ${noisy}`;
  }
}

/** A fraction as a percentage: 0.05 -> `5%`. */
export function percent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(3))}%`;
}
