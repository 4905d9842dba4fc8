import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstDifference } from '../../src/runner/determinism.js';
import type { RunResult } from '../../src/runner/types.js';
import { resolveParams, runScenario } from '../../src/scenarios/index.js';

const params = resolveParams({ strategy: 'unlocked', ptePages: 16, vcpus: 2, iterations: 2 });

function okRun(): Extract<RunResult, { status: 'ok'; kind: 'scenario' }> {
  return { id: 'r', kind: 'scenario', params, status: 'ok', metrics: runScenario(params).metrics, wall: { durationMs: Math.random() } };
}

test('two runs of the same spec have no difference, whatever their wall clock', () => {
  assert.equal(firstDifference(okRun(), okRun()), null);
});

test('a changed exact metric is named with both values', () => {
  const a = okRun();
  const b = okRun();
  b.metrics.locks.ptl.holdNs.p99Ns += 1;
  assert.deepEqual(firstDifference(a, b), {
    id: 'r',
    metric: 'locks.ptl.holdNs.p99Ns',
    first: a.metrics.locks.ptl.holdNs.p99Ns,
    second: a.metrics.locks.ptl.holdNs.p99Ns + 1,
  });
});

test('a changed fault detail is a difference too', () => {
  const a = okRun();
  const b = okRun();
  b.metrics.faults.details = [...b.metrics.faults.details, { vcpu: 1, frame: 9, atNs: 5, pinner: 'dwell' }];
  assert.equal(firstDifference(a, b)?.metric, 'faults.details');
});

test('ok on one pass and error on the other is a difference of status', () => {
  const failed: RunResult = { id: 'r', kind: 'scenario', params: { ...params }, status: 'error', error: 'ModelError: x' };
  assert.deepEqual(firstDifference(okRun(), failed), { id: 'r', metric: 'status', first: 'ok', second: 'error' });
});
