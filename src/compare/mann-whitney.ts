import type { MannWhitneyResult } from './types.js';
import { elementAt } from '../shared/element-at.js';

/**
 * Largest sample size for which the exact null distribution of U is used when there are no ties
 * (asv's rule in `asv/_stats.py`: exact up to 20 per side, the normal approximation above).
 */
export const MWU_EXACT_MAX_SIZE = 20;

/**
 * Two-sided Mann-Whitney U test (Wilcoxon rank-sum) of samples `x` and `y`.
 *
 * U is the statistic of `x`: the number of pairs (xi, yj) with xi > yj, ties counting one half.
 * Without ties and with both samples of at most MWU_EXACT_MAX_SIZE values, p comes from the exact
 * null distribution of U; otherwise from the normal approximation with the tie correction of the
 * variance and a continuity correction of 0.5 (as scipy.stats.mannwhitneyu, method 'asymptotic').
 * Both samples must be non-empty.
 */
export function mannWhitneyU(x: readonly number[], y: readonly number[]): MannWhitneyResult {
  const m = x.length;
  const n = y.length;
  if (m === 0 || n === 0) throw new RangeError('mannWhitneyU needs two non-empty samples');
  const { rankSumX, tieTerm } = rankSum(x, y);
  const u = rankSumX - (m * (m + 1)) / 2;
  const mn = m * n;
  // The null distribution of U is symmetric about mn/2: the two-sided p doubles the smaller tail.
  const uLow = Math.min(u, mn - u);

  if (tieTerm === 0 && Math.max(m, n) <= MWU_EXACT_MAX_SIZE) {
    return { u, p: Math.min(1, 2 * exactCdf(m, n, uLow)), method: 'exact' };
  }
  const total = m + n;
  const variance = (mn / 12) * (total + 1 - tieTerm / (total * (total - 1)));
  if (variance <= 0) return { u, p: 1, method: 'asymptotic' }; // every value tied: no evidence either way
  const z = (mn / 2 - uLow - 0.5) / Math.sqrt(variance);
  return { u, p: Math.min(1, Math.max(0, 2 * normalSf(z))), method: 'asymptotic' };
}

/**
 * The smallest two-sided p-value the test can give for samples of sizes m and n: the samples completely
 * separated (U = 0). Exact, 2 / C(m + n, m), within MWU_EXACT_MAX_SIZE (asv's `p_min`, doubled for two sides);
 * the normal approximation's above. With 5 samples a side it is 0.0079; with 3, 0.1.
 */
export function mannWhitneyMinP(m: number, n: number): number {
  if (m === 0 || n === 0) return 1;
  if (Math.max(m, n) <= MWU_EXACT_MAX_SIZE) {
    let combinations = 1;
    for (let k = 1; k <= Math.min(m, n); k++) combinations = (combinations * (m + n - Math.min(m, n) + k)) / k;
    return Math.min(1, 2 / combinations);
  }
  const mn = m * n;
  const z = (mn / 2 - 0.5) / Math.sqrt((mn * (m + n + 1)) / 12);
  return Math.min(1, 2 * normalSf(z));
}

/** Sum of the midranks of `x` in the pooled sample, and the tie term sum(t^3 - t) over groups of t equal values. */
function rankSum(x: readonly number[], y: readonly number[]): { rankSumX: number; tieTerm: number } {
  const pooled = [...x.map((value) => ({ value, fromX: true })), ...y.map((value) => ({ value, fromX: false }))];
  pooled.sort((a, b) => a.value - b.value);
  let rankSumX = 0;
  let tieTerm = 0;
  for (let start = 0; start < pooled.length; ) {
    const value = elementAt(pooled, start, 'rank').value;
    let end = start + 1;
    while (end < pooled.length && pooled[end]?.value === value) end++;
    const t = end - start;
    // Ranks are 1-based: positions start..end-1 share the midrank (start + 1 + end) / 2.
    const midrank = (start + 1 + end) / 2;
    for (const entry of pooled.slice(start, end)) if (entry.fromX) rankSumX += midrank;
    tieTerm += t * t * t - t;
    start = end;
  }
  return { rankSumX, tieTerm };
}

/**
 * P(U <= u) under the null hypothesis for sample sizes m and n, with no ties: the number of
 * arrangements of m x's and n y's with U = k follows f(i, j, k) = f(i-1, j, k-j) + f(i, j-1, k)
 * (the largest value is an x, beating all j y's, or a y, beating none), divided by C(m+n, m).
 */
function exactCdf(m: number, n: number, u: number): number {
  // counts[j] holds the distribution f(i, j, .) for the current i; row i = 0 is a single arrangement with U = 0.
  let counts: Float64Array[] = [];
  for (let j = 0; j <= n; j++) counts.push(Float64Array.of(1));
  for (let i = 1; i <= m; i++) {
    const next: Float64Array[] = [Float64Array.of(1)]; // f(i, 0, .): no y to beat
    for (let j = 1; j <= n; j++) {
      // f(i-1, j, .) has (i-1)j + 1 entries and f(i, j-1, .) has i(j-1) + 1: both fit in this row's ij + 1
      // (k + j <= ij, k <= i(j-1)), so the row reads below are in range.
      const row = new Float64Array(i * j + 1);
      const xLargest = elementAt(counts, j, 'row'); // f(i-1, j, k - j)
      xLargest.forEach((c, k) => {
        row[k + j] = (row[k + j] as number) + c;
      });
      const yLargest = elementAt(next, j - 1, 'row'); // f(i, j-1, k)
      yLargest.forEach((c, k) => {
        row[k] = (row[k] as number) + c;
      });
      next.push(row);
    }
    counts = next;
  }
  const distribution = elementAt(counts, n, 'row');
  let below = 0;
  let all = 0;
  distribution.forEach((c, k) => {
    all += c;
    if (k <= u) below += c;
  });
  return below / all;
}

/** Upper tail of the standard normal distribution, P(Z > z). */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/**
 * Complementary error function, fractional error below 1.2e-7 everywhere
 * (Chebyshev fit of Numerical Recipes in C, 2nd ed., section 6.2, `erfcc`).
 */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
