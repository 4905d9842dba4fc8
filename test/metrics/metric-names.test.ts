import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flattenMetrics, flattenWall, metricKind, metricUnit } from '../../src/metrics/metric-names.js';
import { resolveParams, runScenario } from '../../src/scenarios/index.js';

const metrics = runScenario(resolveParams({ strategy: 'per-pte-deferred', ptePages: 16, vcpus: 2, iterations: 2 })).metrics;

test('flattenMetrics names nested metrics with dots', () => {
  const flat = flattenMetrics(metrics);
  assert.equal(flat['hypercalls.traps'], metrics.hypercalls.traps);
  assert.equal(flat['locks.ptl.holdNs.p99Ns'], metrics.locks.ptl.holdNs.p99Ns);
  assert.equal(flat['locks.page_table_lock.waitNs.count'], metrics.locks.page_table_lock.waitNs.count);
  assert.equal(flat['virtualNs'], metrics.virtualNs);
});

test('flattenMetrics gives one name per array index and per mmuext_op command', () => {
  const flat = flattenMetrics(metrics);
  metrics.hypercalls.batchHistogram.forEach((n, k) => {
    assert.equal(flat[`hypercalls.batchHistogram.${k}`], n);
  });
  for (const [cmd, n] of Object.entries(metrics.hypercalls.subops.mmuext_op)) {
    assert.equal(flat[`hypercalls.subops.mmuext_op.${cmd}`], n);
  }
});

test('flattenMetrics keeps every leaf: lists of records field by field, strings, flags and null', () => {
  const flat = flattenMetrics({
    ...metrics,
    faults: { ...metrics.faults, details: [{ vcpu: 1, frame: 2, atNs: 3, pinner: 'pin #0' }], firstHypercallError: null },
    lockdep: { ...metrics.lockdep, disabled: true },
  });
  assert.equal(flat['faults.details.0.frame'], 2);
  assert.equal(flat['faults.details.0.pinner'], 'pin #0');
  assert.equal(flat['faults.firstHypercallError'], null);
  assert.equal(flat['lockdep.disabled'], true);
  assert.equal(flat['faults.writeProtect'], metrics.faults.writeProtect);
});

test('flattenWall prefixes wall. and leaves the raw samples out', () => {
  assert.deepEqual(flattenWall({ durationMs: 2, samplesMs: [1, 2, 3], p99Ms: 3 }), { 'wall.durationMs': 2, 'wall.p99Ms': 3 });
});

test('metricKind: wall. names are noisy, every other name is exact', () => {
  assert.equal(metricKind('hypercalls.traps'), 'exact');
  assert.equal(metricKind('throughput.pinsPerSec'), 'exact');
  assert.equal(metricKind('wall.durationMs'), 'noisy');
  assert.equal(metricKind('wall.normalisedPerEvent'), 'noisy');
});

test('metricUnit reads the unit from the name', () => {
  assert.equal(metricUnit('locks.ptl.holdNs.p99Ns'), 'ns');
  assert.equal(metricUnit('virtualNs'), 'ns');
  assert.equal(metricUnit('wall.durationMs'), 'ms');
  assert.equal(metricUnit('throughput.pinsPerSec'), '1/s');
  assert.equal(metricUnit('hypercalls.argBytes'), 'bytes');
  assert.equal(metricUnit('hypercalls.traps'), '');
});
