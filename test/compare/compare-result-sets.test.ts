import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareResultSets } from '../../src/compare/compare-result-sets.js';
import { comparisonOutcome } from '../../src/compare/outcome.js';
import type { NoisyVerdict } from '../../src/compare/types.js';
import type { ResultSet } from '../../src/results/types.js';
import { clone, MACHINE_B, resultSet, slower } from './fixtures.js';
import { defined } from '../../src/shared/defined.js';

function compare(baseline: ResultSet, current: ResultSet, options = {}) {
  return compareResultSets({ source: 'base.json', resultSet: baseline }, { source: 'current.json', resultSet: current }, options);
}

function states(verdicts: NoisyVerdict[][]): string[] {
  return verdicts.flat().map((v) => `${v.metric}:${v.state}`);
}

test('identical result sets have no change and no regression', () => {
  const comparison = compare(resultSet(), resultSet());
  assert.equal(comparison.summary.exactChanges, 0);
  assert.equal(comparison.summary.paired, 3);
  assert.ok(comparison.runs.every((run) => run.exactUnchanged > 50));
  assert.deepEqual(
    new Set(states(comparison.runs.map((r) => r.noisy))),
    new Set(['wall.samplesMs:within-noise', 'wall.normalisedPerEvent:within-noise']),
  );
  assert.equal(comparisonOutcome(comparison), 'ok');
});

test('one changed exact metric is a change shown old -> new, and the outcome is exact-change', () => {
  const current = clone(resultSet());
  const run = defined(current.runs[1]);
  if (run.status !== 'ok' || run.kind !== 'scenario') throw new Error('fixture');
  run.metrics.hypercalls.traps += 1;
  const comparison = compare(resultSet(), current);
  assert.deepEqual(defined(comparison.runs[1]).exactChanges, [{ metric: 'hypercalls.traps', baseline: 9, current: 10 }]);
  assert.equal(comparison.summary.exactChanges, 1);
  assert.equal(comparisonOutcome(comparison), 'exact-change');
  assert.equal(comparisonOutcome(comparison, { acceptExactChanges: true }), 'ok');
});

test('a change in the last digit of a float is still a change', () => {
  const current = clone(resultSet());
  const run = defined(current.runs[0]);
  if (run.status !== 'ok' || run.kind !== 'scenario') throw new Error('fixture');
  run.metrics.throughput.pinsPerSec = 12345.678 * (1 + Number.EPSILON);
  assert.notEqual(run.metrics.throughput.pinsPerSec, 12345.678, 'one unit in the last place');
  assert.equal(compare(resultSet(), current).summary.exactChanges, 1);
});

test('a run that now fails is an exact change of its status', () => {
  const current = clone(resultSet());
  current.runs[0] = {
    id: defined(current.runs[0]).id,
    kind: 'scenario',
    params: defined(current.runs[0]).params as Record<string, unknown>,
    status: 'error',
    error: 'ModelError: boom',
  };
  const changes = defined(compare(resultSet(), current).runs[0]).exactChanges;
  assert.deepEqual(changes[0], { metric: 'status', baseline: 'ok', current: 'error: ModelError: boom' });
});

test('a 20% slowdown with 1% noise is a regression', () => {
  const comparison = compare(resultSet(), slower(resultSet(), 1.2));
  const raw = defined(comparison.runs[0]).noisy.find((v) => v.metric === 'wall.samplesMs');
  assert.equal(raw?.state, 'regressed');
  if (raw?.state !== 'regressed') return;
  assert.ok(Math.abs(raw.ratio - 1.2) < 1e-12);
  assert.ok(raw.p < 0.01);
  assert.equal(comparison.summary.regressed, 3);
  assert.equal(comparisonOutcome(comparison), 'regressed');
});

test('a 20% speed-up with 1% noise is an improvement', () => {
  const comparison = compare(resultSet(), slower(resultSet(), 1 / 1.2));
  assert.equal(comparison.summary.improved, 3);
  assert.equal(comparison.summary.regressed, 0);
  assert.equal(comparisonOutcome(comparison), 'ok');
});

test('a 2% slowdown is within noise even when the test finds it significant', () => {
  const comparison = compare(resultSet(), slower(resultSet(), 1.02));
  const raw = defined(comparison.runs[0]).noisy.find((v) => v.metric === 'wall.samplesMs');
  assert.equal(raw?.state, 'within-noise');
  assert.equal(comparisonOutcome(comparison), 'ok');
});

test('a 20% slowdown hidden in 40% noise is within noise: the test does not reject', () => {
  const noisy = clone(resultSet());
  const current = slower(noisy, 1.2);
  for (const set of [noisy, current]) {
    for (const run of set.runs) {
      if (run.status !== 'ok') continue;
      // Interleave the two sides: medians 20% apart, but ranks mixed.
      run.wall.samplesMs = run.wall.samplesMs?.map((v, i) => v * (i % 2 === 0 ? 0.6 : 1.4));
    }
  }
  const comparison = compare(noisy, current);
  assert.equal(comparison.summary.regressed, 0);
});

test('a 20% slowdown on another machine is not comparable, and the normalised figure is judged', () => {
  const current = slower(resultSet({ environment: MACHINE_B }), 1.2, { scaleNormalised: false });
  const comparison = compare(resultSet(), current);
  assert.equal(comparison.environment.comparable, false);
  assert.deepEqual(
    comparison.environment.differences.map((d) => d.field),
    ['cpuModel'],
  );
  assert.deepEqual(
    states(comparison.runs.map((r) => r.noisy)),
    Array(3).fill(['wall.samplesMs:not-comparable', 'wall.normalisedPerEvent:within-noise']).flat(),
  );
  assert.equal(comparisonOutcome(comparison), 'ok');
});

test('another Node version also makes raw times not comparable', () => {
  const comparison = compare(resultSet(), resultSet({ environment: { ...resultSet().environment, node: 'v22.11.0' } }));
  assert.deepEqual(comparison.environment.differences, [{ field: 'node', baseline: 'v20.19.0', current: 'v22.11.0' }]);
  assert.equal(comparison.summary.notComparable, 3);
});

test('on another machine a 50% slower normalised figure is a regression, a 20% one is not', () => {
  const fifty = compare(resultSet(), slower(resultSet({ environment: MACHINE_B }), 1.5));
  assert.equal(fifty.summary.regressed, 3);
  const twenty = compare(resultSet(), slower(resultSet({ environment: MACHINE_B }), 1.2));
  assert.equal(twenty.summary.regressed, 0);
  const tight = compare(resultSet(), slower(resultSet({ environment: MACHINE_B }), 1.2), { normalisedThreshold: 0.1 });
  assert.equal(tight.summary.regressed, 3);
});

test('runs without raw samples are not judged and say why', () => {
  const current = clone(resultSet());
  for (const run of current.runs) if (run.status === 'ok') delete run.wall.samplesMs;
  const comparison = compare(resultSet(), current);
  const [verdict] = defined(comparison.runs[0]).noisy;
  assert.ok(verdict, 'one noisy verdict');
  assert.equal(verdict.state, 'no-samples');
  if (verdict.state === 'no-samples') assert.match(verdict.reason, /current/);
});

test('missing and new runs are exact changes unless accepted', () => {
  const current = clone(resultSet());
  current.runs.pop();
  const comparison = compare(resultSet(), current);
  assert.equal(comparison.summary.missing, 1);
  assert.equal(comparisonOutcome(comparison), 'exact-change');
  assert.equal(comparisonOutcome(comparison, { acceptExactChanges: true }), 'ok');
});

test('an exact change wins over a regression', () => {
  const current = slower(resultSet(), 1.2);
  const run = defined(current.runs[0]);
  if (run.status !== 'ok' || run.kind !== 'scenario') throw new Error('fixture');
  run.metrics.virtualNs += 1;
  const comparison = compare(resultSet(), current);
  assert.equal(comparison.summary.regressed, 3);
  assert.equal(comparisonOutcome(comparison), 'exact-change');
  assert.equal(comparisonOutcome(comparison, { acceptExactChanges: true }), 'regressed');
});

test('options out of range are refused with the option named', () => {
  assert.throws(
    () => compare(resultSet(), resultSet(), { alpha: 1.5 }),
    /--alpha must be a number between 0 and 1 exclusive, got 1.5/,
  );
  assert.throws(() => compare(resultSet(), resultSet(), { threshold: -1 }), /--threshold/);
});

test('changed details of the first faults are exact changes, field by field', () => {
  const current = clone(resultSet());
  const run = defined(current.runs[0]);
  if (run.status !== 'ok' || run.kind !== 'scenario') throw new Error('fixture');
  run.metrics.faults.details.push({ vcpu: 1, frame: 4242, atNs: 1500, pinner: 'pin #0' });
  const changes = defined(compare(resultSet(), current).runs[0]).exactChanges;
  assert.deepEqual(changes, [
    { metric: 'faults.details.0.vcpu', baseline: undefined, current: 1 },
    { metric: 'faults.details.0.frame', baseline: undefined, current: 4242 },
    { metric: 'faults.details.0.atNs', baseline: undefined, current: 1500 },
    { metric: 'faults.details.0.pinner', baseline: undefined, current: 'pin #0' },
  ]);
});
