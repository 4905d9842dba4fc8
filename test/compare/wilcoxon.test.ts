import assert from 'node:assert/strict';
import { test } from 'node:test';
import { wilcoxonSignedRank } from '../../src/compare/wilcoxon.js';

// Expected values: scipy.stats.wilcoxon(d) (zero_method='wilcox', correction=False, method='auto'). The
// first is the example of scipy's own documentation (Cureton's plant heights, statistic 24 = min(T+, T-),
// pvalue 0.041259765625); the others were computed independently from scipy's formulas: the exact
// distribution by enumerating the 2^n sign assignments, and z = (T+ - n(n+1)/4) / sqrt(n(n+1)(2n+1)/24 -
// sum(t^3 - t)/48) with p = erfc(|z| / sqrt 2) when there are ties.

function assertClose(actual: number, expected: number, relative = 1e-9): void {
  assert.ok(Math.abs(actual - expected) <= relative * Math.abs(expected), `${actual} is not within ${relative} of ${expected}`);
}

test("scipy's documented example gives its exact p of 0.041259765625", () => {
  const d = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75];
  const result = wilcoxonSignedRank(d);
  assert.equal(result.method, 'exact');
  assert.equal(result.n, 15);
  assert.equal(result.statistic, 96); // T+; scipy reports T- = 120 - 96 = 24
  assertClose(result.p, 0.041259765625);
});

test('one negative difference among five gives the exact p of 6 / 32', () => {
  // T- = 2: the subsets of ranks {1..5} summing to at most 2 are {}, {1}, {2}: 3 of 32, doubled.
  const result = wilcoxonSignedRank([1, -2, 3, 4, 5]);
  assert.equal(result.statistic, 13);
  assertClose(result.p, 6 / 32);
});

test('five differences of one sign reach only p = 2 / 2^5, the smallest possible with five', () => {
  assertClose(wilcoxonSignedRank([0.1, 0.2, 0.3, 0.4, 0.5]).p, 0.0625);
});

test('ties use midranks and the tie-corrected normal approximation without continuity correction', () => {
  const result = wilcoxonSignedRank([1, 1, 2, 3, -1, 4, 5, 2, -3, 6]);
  assert.equal(result.method, 'asymptotic');
  assert.equal(result.statistic, 46.5);
  assertClose(result.p, 0.05186541479146729, 1e-6);
  assertClose(wilcoxonSignedRank([0.5, -0.25, 1, 1, -2, 3, 0.5, 4]).p, 0.12256476432546984, 1e-6);
});

test('zero differences are dropped before ranking', () => {
  const result = wilcoxonSignedRank([0, 0, 1, 2, 3]);
  assert.equal(result.n, 3);
  assertClose(result.p, 0.25);
});

test('all-zero differences give p = 1: no evidence of a shift', () => {
  const result = wilcoxonSignedRank([0, 0, 0]);
  assert.equal(result.p, 1);
  assert.equal(result.method, 'none');
});

test('a balanced sample gives p = 1, not the doubled tail above 1', () => {
  assert.equal(wilcoxonSignedRank([1, -2, -3, 4]).p, 1);
});
