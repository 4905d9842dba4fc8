import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adjustPValues } from '../../src/compare/p-adjust.js';

// Expected values by hand, as R's p.adjust computes them. p = (0.01, 0.04, 0.03, 0.005), m = 4.
// Holm: sorted 0.005, 0.01, 0.03, 0.04 times (4, 3, 2, 1) = 0.02, 0.03, 0.06, 0.04; running maximum
//   0.02, 0.03, 0.06, 0.06; in the original order 0.03, 0.06, 0.06, 0.02.
// BH: sorted times m / rank = 0.02, 0.02, 0.04, 0.04; running minimum from the largest: the same; in the
//   original order 0.02, 0.04, 0.04, 0.02.

const P = [0.01, 0.04, 0.03, 0.005];

function assertAllClose(actual: number[], expected: number[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => {
    assert.ok(Math.abs(a - (expected[i] ?? Number.NaN)) < 1e-12, `${i}: ${a} vs ${expected[i]}`);
  });
}

test('Holm multiplies the k-th smallest p by m - k + 1 and keeps the adjusted values increasing', () => {
  assertAllClose(adjustPValues(P, 'holm'), [0.03, 0.06, 0.06, 0.02]);
});

test('Benjamini-Hochberg multiplies by m / rank and keeps the adjusted values decreasing from the top', () => {
  assertAllClose(adjustPValues(P, 'bh'), [0.02, 0.04, 0.04, 0.02]);
});

test('adjusted p-values are capped at 1', () => {
  assertAllClose(adjustPValues([0.5, 0.6], 'holm'), [1, 1]);
});

test('an empty family adjusts to nothing', () => {
  assert.deepEqual(adjustPValues([], 'bh'), []);
});

test('a p-value outside [0, 1] is refused', () => {
  assert.throws(() => adjustPValues([0.1, 1.5], 'holm'), RangeError);
});
