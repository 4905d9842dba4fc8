import stdlibWilcoxon from '@stdlib/stats-wilcoxon';
import { elementAt } from '../shared/element-at.js';

/**
 * Largest number of non-zero differences for which the exact null distribution of the signed-rank
 * statistic is used (when there are no ties): stdlib's rule, and scipy's (`method='auto'`, n <= 50).
 */
export const WILCOXON_EXACT_MAX_SIZE = 50;

/** How a Wilcoxon p-value was computed. */
export type WilcoxonMethod = 'exact' | 'asymptotic' | 'none';

/** Outcome of a two-sided Wilcoxon signed-rank test of paired differences against 0. */
export interface WilcoxonResult {
  /** Non-zero differences: the sample size of the test (zeros are dropped, scipy's `zero_method='wilcox'`). */
  n: number;
  /** T+, the sum of the ranks of the positive differences (stdlib's statistic; scipy reports min(T+, T-)). */
  statistic: number;
  /** Two-sided p-value; 1 when every difference is 0 (no evidence of a shift). */
  p: number;
  method: WilcoxonMethod;
}

/**
 * Two-sided Wilcoxon signed-rank test of paired differences (e.g. log(B/A) per pair) for a shift away from 0,
 * by stdlib's `@stdlib/stats-wilcoxon` (zeros dropped, exact distribution up to 50 differences without
 * ties, otherwise the tie-corrected normal approximation without continuity correction: scipy.stats.wilcoxon's
 * defaults, checked against scipy's outputs in the tests).
 */
export function wilcoxonSignedRank(differences: readonly number[]): WilcoxonResult {
  const nonZero = differences.filter((d) => d !== 0);
  if (nonZero.some((d) => !Number.isFinite(d))) throw new RangeError('wilcoxonSignedRank needs finite differences');
  const n = nonZero.length;
  if (n === 0) return { n, statistic: 0, p: 1, method: 'none' };
  // stdlib refuses fewer than two values; one non-zero difference can never be significant (p = 1).
  if (n === 1) return { n, statistic: elementAt(nonZero, 0) > 0 ? 1 : 0, p: 1, method: 'exact' };
  const result = stdlibWilcoxon([...nonZero], { correction: false, zeroMethod: 'wilcox' });
  const magnitudes = nonZero.map(Math.abs);
  const ties = new Set(magnitudes).size !== magnitudes.length;
  return {
    n,
    statistic: result.statistic,
    // stdlib doubles the smaller tail without capping it: at the centre of the distribution that exceeds 1.
    p: Math.min(1, result.pValue),
    method: n <= WILCOXON_EXACT_MAX_SIZE && !ties ? 'exact' : 'asymptotic',
  };
}
