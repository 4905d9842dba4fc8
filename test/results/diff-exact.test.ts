import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffExact, sameExactValue } from '../../src/results/diff-exact.js';
import type { RunResult, ScenarioRun } from '../../src/results/types.js';
import { determinismDifferences } from '../../src/runner/determinism.js';
import { resolveParams, runScenario } from '../../src/scenarios/index.js';

const params = resolveParams({ strategy: 'unlocked', ptePages: 16, vcpus: 2, iterations: 2 });

function okRun(): ScenarioRun {
  return {
    id: 'r',
    kind: 'scenario',
    params,
    status: 'ok',
    metrics: runScenario(params).metrics,
    wall: { durationMs: Math.random() },
  };
}

test('two runs of the same spec have no difference, whatever their wall clock', () => {
  const { changes, unchanged } = diffExact(okRun(), okRun());
  assert.deepEqual(changes, []);
  assert.ok(unchanged > 50);
});

test('a changed exact metric is named with both values', () => {
  const a = okRun();
  const b = okRun();
  b.metrics.locks.ptl.holdNs.p99Ns += 1;
  assert.deepEqual(diffExact(a, b).changes, [
    {
      metric: 'locks.ptl.holdNs.p99Ns',
      baseline: a.metrics.locks.ptl.holdNs.p99Ns,
      current: a.metrics.locks.ptl.holdNs.p99Ns + 1,
    },
  ]);
});

test('fault details are compared field by field', () => {
  const a = okRun();
  const b = okRun();
  a.metrics.faults.details = [{ vcpu: 1, frame: 9, atNs: 5, pinner: 'dwell #0' }];
  b.metrics.faults.details = [{ vcpu: 1, frame: 9, atNs: 6, pinner: 'dwell #0' }];
  assert.deepEqual(diffExact(a, b).changes, [{ metric: 'faults.details.0.atNs', baseline: 5, current: 6 }]);
});

test('a metric present on one side only is a change from or to undefined', () => {
  const a = okRun();
  const b = okRun();
  (b.metrics.lockdep as Record<string, unknown>).futureCounter = 0;
  delete (a.metrics.faults as Record<string, unknown>).firstHypercallError;
  assert.deepEqual(diffExact(a, b).changes, [
    { metric: 'lockdep.futureCounter', baseline: undefined, current: 0 },
    { metric: 'faults.firstHypercallError', baseline: undefined, current: null },
  ]);
});

test('a metric that is not a number (a flag, a reason) is an exact value too', () => {
  const a = okRun();
  const b = okRun();
  (a.metrics.lockdep as Record<string, unknown>).disabled = false;
  (b.metrics.lockdep as Record<string, unknown>).disabled = true;
  assert.deepEqual(diffExact(a, b).changes, [{ metric: 'lockdep.disabled', baseline: false, current: true }]);
});

test('NaN equals NaN and +0 equals -0: the same value before and after a round trip through JSON', () => {
  assert.equal(sameExactValue(Number.NaN, Number.NaN), true);
  assert.equal(sameExactValue(0, -0), true);
  assert.equal(sameExactValue(1, 1.0000000000000002), false);
  assert.equal(sameExactValue(null, undefined), false);
  assert.equal(sameExactValue('1', 1), false);
});

test('ok on one pass and error on the other is a change of status, with the message', () => {
  const failed: RunResult = { id: 'r', kind: 'scenario', params: { ...params }, status: 'error', error: 'ModelError: x' };
  const { changes } = diffExact(okRun(), failed);
  assert.deepEqual(changes[0], { metric: 'status', baseline: 'ok', current: 'error: ModelError: x' });
});

test('the determinism check lists every difference of every run, skipping runs missing from a pass', () => {
  const a = okRun();
  const b = okRun();
  b.metrics.hypercalls.traps += 1;
  b.metrics.preempt.maxDepth += 2;
  const differences = determinismDifferences([a, okRun(), a], [b, undefined, okRun()]);
  assert.deepEqual(
    differences.map((d) => [d.id, d.metric]),
    [
      ['r', 'hypercalls.traps'],
      ['r', 'preempt.maxDepth'],
    ],
  );
});
