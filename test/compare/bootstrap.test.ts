import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allColumns, bootstrap, medianOf, quantileSorted, twoWayBootstrap } from '../../src/compare/bootstrap.js';

const OPTIONS = { confidence: 0.95, resamples: 2000, seed: 7 };

/** A rows x cols matrix: row r has its own level, column c a shift common to every row, plus a small wobble. */
function matrix(rows: number, cols: number, columnShift: number): number[][] {
  return Array.from({ length: rows }, (_, r) =>
    Array.from(
      { length: cols },
      (_, c) => 0.01 * ((r * 7) % 5) + columnShift * (c % 2 === 0 ? 1 : -1) + 0.001 * ((r * 3 + c * 5) % 7),
    ),
  );
}

function rowMedianStatistic(m: number[][]) {
  return (row: number, picks: Int32Array) => medianOf(Array.from(picks, (c) => m[row]?.[c] ?? Number.NaN));
}

test('quantiles interpolate between order statistics as numpy does', () => {
  assert.equal(quantileSorted([1, 2, 3, 4], 0.5), 2.5);
  assert.equal(quantileSorted([1, 2, 3, 4], 0.25), 1.75);
  assert.equal(quantileSorted([10], 0.9), 10);
});

test('a constant sample has a degenerate interval at its value', () => {
  const ci = bootstrap(5, () => 3, OPTIONS);
  assert.deepEqual(ci, { low: 3, high: 3 });
});

test('the same seed gives the same interval, another seed another one', () => {
  const m = matrix(12, 8, 0.02);
  const a = twoWayBootstrap(12, 8, rowMedianStatistic(m), OPTIONS);
  const b = twoWayBootstrap(12, 8, rowMedianStatistic(m), OPTIONS);
  const c = twoWayBootstrap(12, 8, rowMedianStatistic(m), { ...OPTIONS, seed: 8 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test('the interval contains the statistic of the data', () => {
  const m = matrix(12, 8, 0.02);
  const stat = rowMedianStatistic(m);
  const value = medianOf(m.map((_, r) => stat(r, allColumns(8))));
  const ci = twoWayBootstrap(12, 8, stat, OPTIONS);
  assert.ok(ci.low <= value && value <= ci.high, `${value} outside [${ci.low}, ${ci.high}]`);
});

test('resampling the rounds widens the interval when a round shifts every run alike', () => {
  // With a large common shift per column, the rows agree with each other within a resample of columns, so a
  // bootstrap over rows alone would be narrow; resampling the columns carries the shift into the interval.
  const m = matrix(12, 6, 0.05);
  const stat = rowMedianStatistic(m);
  const rowsOnly = bootstrap(12, (picks) => medianOf(Array.from(picks, (r) => stat(r, allColumns(6)))), OPTIONS);
  const twoWay = twoWayBootstrap(12, 6, stat, OPTIONS);
  assert.ok(
    twoWay.high - twoWay.low > 2 * (rowsOnly.high - rowsOnly.low),
    `${JSON.stringify(twoWay)} vs ${JSON.stringify(rowsOnly)}`,
  );
});

test('an empty matrix is refused', () => {
  assert.throws(() => twoWayBootstrap(0, 3, () => 0, OPTIONS), RangeError);
});
