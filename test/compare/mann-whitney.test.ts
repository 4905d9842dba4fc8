import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mannWhitneyU } from '../../src/compare/mann-whitney.js';

// Expected values from scipy 1.17.1, scipy.stats.mannwhitneyu(x, y, alternative='two-sided', method=...).

function assertClose(actual: number, expected: number, relative = 1e-6): void {
  assert.ok(Math.abs(actual - expected) <= relative * Math.abs(expected), `${actual} is not within ${relative} of ${expected}`);
}

test('completely separated samples of five give the exact p of 2 / C(10, 5)', () => {
  const result = mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
  assert.equal(result.u, 0);
  assert.equal(result.method, 'exact');
  assertClose(result.p, 0.007936507936507936, 1e-12);
});

test('the exact p of interleaved samples of five and four matches scipy', () => {
  const result = mannWhitneyU([19, 22, 16, 29, 24], [20, 11, 17, 12]);
  assert.equal(result.u, 17);
  assert.equal(result.method, 'exact');
  assertClose(result.p, 0.1111111111111111, 1e-12);
});

test('the test is symmetric: swapping the samples keeps p and mirrors U', () => {
  const a = mannWhitneyU([19, 22, 16, 29, 24], [20, 11, 17, 12]);
  const b = mannWhitneyU([20, 11, 17, 12], [19, 22, 16, 29, 24]);
  assert.equal(b.u, 20 - a.u);
  assert.equal(b.p, a.p);
});

test('ties use midranks and the tie-corrected normal approximation', () => {
  const result = mannWhitneyU([1, 2, 2, 3, 3, 3, 4], [2, 3, 4, 4, 5, 5, 6]);
  assert.equal(result.u, 8.5);
  assert.equal(result.method, 'asymptotic');
  assertClose(result.p, 0.043051432728945134);
});

test('a second tied case matches scipy', () => {
  const result = mannWhitneyU([7, 7, 8, 9, 9, 10], [7, 8, 8, 8, 11, 12]);
  assert.equal(result.u, 15.5);
  assertClose(result.p, 0.7421555933677129);
});

test('samples above twenty values use the normal approximation', () => {
  const x = Array.from({ length: 25 }, (_, i) => 2 * i);
  const y = Array.from({ length: 25 }, (_, i) => 2 * i + 1);
  const result = mannWhitneyU(x, y);
  assert.equal(result.u, 300);
  assert.equal(result.method, 'asymptotic');
  assertClose(result.p, 0.8158901548607471);
});

test('samples that are all equal give p = 1', () => {
  assert.equal(mannWhitneyU([5, 5, 5], [5, 5, 5, 5]).p, 1);
});

test('an empty sample is refused', () => {
  assert.throws(() => mannWhitneyU([], [1]), RangeError);
});
