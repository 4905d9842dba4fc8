import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { elementAt } from '../shared/element-at.js';

/** Default number of bootstrap resamples (criterion's `nresamples` default is 100,000 for one sample; two
 * dimensions and a median of medians cost more per resample, and 4,000 give the 2.5 % quantile to about ±0.3 %). */
export const DEFAULT_RESAMPLES = 4000;
/** Default seed of the resampling: the analysis of the same samples is the same every time. */
export const DEFAULT_BOOTSTRAP_SEED = 1;

/** A confidence interval. */
export interface Interval {
  low: number;
  high: number;
}

/** Options of a bootstrap. */
export interface BootstrapOptions {
  /** Two-sided confidence level, 0.95 for a 95 % interval. */
  confidence: number;
  resamples?: number;
  seed?: number;
}

/** Median of a non-empty sample (mean of the two middle values for an even count). */
export function medianOf(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) throw new RangeError('median of an empty sample');
  return middleOfSorted(sorted);
}

/** The median of sorted values, n > 0: the middle one, or the mean of the two middle ones. */
function middleOfSorted(sorted: Float64Array): number {
  const mid = sorted.length >> 1;
  const upper = elementAt(sorted, mid, 'middle');
  return sorted.length % 2 === 1 ? upper : (elementAt(sorted, mid - 1, 'middle') + upper) / 2;
}

/**
 * The q-quantile of sorted values by linear interpolation between order statistics (numpy's default
 * `linear` method, R's type 7).
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('quantile of an empty sample');
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  const low = elementAt(sorted, lo, 'rank');
  return low + (h - lo) * (elementAt(sorted, hi, 'rank') - low);
}

/**
 * A statistic of one row of a rows x columns matrix, computed from the columns picked for this resample
 * (`columns[k]` is a column index, repeats allowed; the identity pick gives the statistic of the data).
 */
export type RowStatistic = (row: number, columns: Int32Array) => number;

/** The columns 0..n-1 in order: the pick that gives a statistic of the data itself. */
export function allColumns(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/**
 * Percentile bootstrap interval of the median over rows of a per-row statistic of a rows x columns matrix,
 * resampling the rows AND the columns with replacement (a two-way bootstrap; one column pick per resample,
 * shared by every row). Rows are the runs of a suite, columns the rounds of an interleaved A/B job:
 * resampling the rounds carries the drift of the machine from one round to the next (it touches every run of
 * a round alike), resampling the runs carries their spread. A one-way bootstrap over runs would take 84 runs
 * of one job for 84 independent witnesses and give too narrow an interval. Deterministic for a given seed.
 */
export function twoWayBootstrap(rows: number, cols: number, statistic: RowStatistic, options: BootstrapOptions): Interval {
  if (rows === 0 || cols === 0) throw new RangeError('bootstrap of an empty matrix');
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const rng = xoroshiro128plus(options.seed ?? DEFAULT_BOOTSTRAP_SEED);
  const perRow = new Float64Array(rows);
  const colPick = new Int32Array(cols);
  const stats = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    for (let c = 0; c < cols; c++) colPick[c] = uniformInt(rng, 0, cols - 1);
    for (let r = 0; r < rows; r++) perRow[r] = statistic(uniformInt(rng, 0, rows - 1), colPick);
    stats[b] = medianInPlace(perRow);
  }
  return percentileInterval(stats, options.confidence);
}

/** Percentile bootstrap interval of a statistic of one sample of `n` values, resampled with replacement. */
export function bootstrap(n: number, statistic: (picks: Int32Array) => number, options: BootstrapOptions): Interval {
  if (n === 0) throw new RangeError('bootstrap of an empty sample');
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const rng = xoroshiro128plus(options.seed ?? DEFAULT_BOOTSTRAP_SEED);
  const pick = new Int32Array(n);
  const stats = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) pick[i] = uniformInt(rng, 0, n - 1);
    stats[b] = statistic(pick);
  }
  return percentileInterval(stats, options.confidence);
}

/** Median of a buffer, sorting the buffer itself (no allocation: for bootstrap loops). */
export function medianInPlace(values: Float64Array): number {
  values.sort();
  if (values.length === 0) throw new RangeError('median of an empty sample');
  return middleOfSorted(values);
}

/** The central `confidence` interval of bootstrap statistics. */
function percentileInterval(stats: Float64Array, confidence: number): Interval {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  stats.sort();
  const tail = (1 - confidence) / 2;
  return { low: quantileSorted(stats, tail), high: quantileSorted(stats, 1 - tail) };
}
