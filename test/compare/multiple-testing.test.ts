import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareResultSets } from '../../src/compare/compare-result-sets.js';
import { mannWhitneyMinP } from '../../src/compare/mann-whitney.js';
import { comparisonOutcome } from '../../src/compare/outcome.js';
import type { ResultSet, RunResult } from '../../src/results/types.js';
import { clone, resultSet, scenarioRun } from './fixtures.js';

function compare(baseline: ResultSet, current: ResultSet, options = {}) {
  return compareResultSets({ source: 'base.json', resultSet: baseline }, { source: 'current.json', resultSet: current }, options);
}

/** Set a run's raw samples (the normalised figure left out, so only wall.samplesMs is judged). */
function withSamples(run: RunResult, samplesMs: number[]): RunResult {
  if (run.status !== 'ok') return run;
  const copy = clone(run);
  if (copy.status === 'ok') copy.wall = { durationMs: samplesMs[0] ?? 0, samplesMs };
  return copy;
}

/** Ten samples 11.0, 11.1, ..., 11.9 ms. */
const TEN = Array.from({ length: 10 }, (_, i) => 11 + i / 10);

function set(runs: RunResult[]): ResultSet {
  return { ...resultSet(), runs };
}

test('the smallest Mann-Whitney p is 2 / C(m + n, m): 0.1 for three samples a side, 7.9e-3 for five', () => {
  assert.equal(mannWhitneyMinP(3, 3), 2 / 20);
  assert.equal(mannWhitneyMinP(5, 5), 2 / 252);
  assert.equal(mannWhitneyMinP(0, 5), 1);
});

test('three samples a side cannot reach alpha: a 50% slowdown is "insufficient samples", not "within noise"', () => {
  const base = set([withSamples(scenarioRun('unlocked', 64), [10, 10.1, 10.2])]);
  const current = set([withSamples(scenarioRun('unlocked', 64), [15, 15.1, 15.2])]);
  const comparison = compare(base, current);
  const verdict = comparison.runs[0]?.noisy.find((v) => v.metric === 'wall.samplesMs');
  assert.equal(verdict?.state, 'insufficient-samples');
  assert.equal(comparison.summary.insufficientSamples, 1);
  assert.equal(comparisonOutcome(comparison), 'ok');
});

test('a raw p of 0.0019 in one run of twenty is not a regression after Holm (0.038 > 0.01)', () => {
  const sizes = Array.from({ length: 20 }, (_, i) => 64 + i);
  const base = set(sizes.map((n) => withSamples(scenarioRun('unlocked', n), TEN)));
  // Run 0 shifted by 0.6 ms (+5.7% at the median): Mann-Whitney p = 0.0019 on its own.
  const current = set(sizes.map((n, i) => withSamples(scenarioRun('unlocked', n), i === 0 ? TEN.map((x) => x + 0.6) : TEN)));
  const verdict = compare(base, current).runs[0]?.noisy[0];
  assert.ok(verdict !== undefined && verdict.state !== 'no-samples' && verdict.state !== 'not-comparable');
  assert.ok(verdict.p < 0.01, `raw p ${verdict.p}`);
  assert.ok(Math.abs(verdict.pAdjusted - verdict.p * 20) < 1e-12);
  assert.equal(verdict.state, 'within-noise');
});

test('the same run alone, without the family, is a regression', () => {
  const base = set([withSamples(scenarioRun('unlocked', 64), TEN)]);
  const current = set([
    withSamples(
      scenarioRun('unlocked', 64),
      TEN.map((x) => x + 0.6),
    ),
  ]);
  assert.equal(compare(base, current).runs[0]?.noisy[0]?.state, 'regressed');
});

test('--no-wall judges nothing on the wall clock: exact metrics only', () => {
  const base = set([withSamples(scenarioRun('unlocked', 64), TEN)]);
  const current = set([
    withSamples(
      scenarioRun('unlocked', 64),
      TEN.map((x) => x * 2),
    ),
  ]);
  const comparison = compare(base, current, { wall: false });
  assert.deepEqual(comparison.runs[0]?.noisy, []);
  assert.equal(comparisonOutcome(comparison), 'ok');
});
