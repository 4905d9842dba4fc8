import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calibrationNsPerIter, measureCalibration } from '../../src/runner/calibrate.js';

test('the calibration loop takes a plausible time per iteration and is measured once per thread', () => {
  const first = calibrationNsPerIter();
  assert.ok(first > 0.05 && first < 1000, `${first} ns per iteration`);
  assert.equal(calibrationNsPerIter(), first);
  assert.ok(measureCalibration() > 0);
});
