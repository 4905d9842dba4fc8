import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MIN_WALL_SAMPLES, wallFromSamples } from '../../src/runner/execute-run.js';
import { expandMatrices } from '../../src/runner/matrix.js';
import { runSpecs, targetSamples } from '../../src/runner/run-specs.js';

test('a run gets at least five samples whatever its length, more while they fit in the budget, at most --samples', () => {
  assert.equal(MIN_WALL_SAMPLES, 5);
  assert.equal(targetSamples(1, { maxSamples: 10, budgetMs: 250 }), 10);
  assert.equal(targetSamples(40, { maxSamples: 10, budgetMs: 250 }), 6);
  assert.equal(targetSamples(400, { maxSamples: 10, budgetMs: 250 }), 5);
  assert.equal(targetSamples(400, { maxSamples: 3, budgetMs: 250 }), 3);
  assert.equal(targetSamples(1, { maxSamples: 1, budgetMs: 250 }), 1);
});

test('wall figures keep the samples in time order and take medians, each sample over its own calibration', () => {
  const wall = wallFromSamples(
    [
      { ms: 3, calibrationNsPerIter: 1 },
      { ms: 1, calibrationNsPerIter: 2 },
      { ms: 2, calibrationNsPerIter: 1 },
    ],
    1000,
  );
  assert.deepEqual(wall.samplesMs, [3, 1, 2]);
  assert.equal((wall as Record<string, unknown>).sampleOrder, 'time');
  assert.equal(wall.durationMs, 2);
  assert.equal(wall.eventsPerSec, 1000 / 0.002);
  // Per sample: 3 ms / 1000 events / 1 ns = 3000; 1 ms / 1000 / 2 ns = 500; 2 ms / 1000 / 1 ns = 2000.
  assert.equal(wall.normalisedPerEvent, 2000);
  assert.equal(wall.calibrationNsPerIter, 1);
});

const SPECS = expandMatrices(
  [{ strategy: ['unlocked'], mode: ['4level'], ptePages: [16], vcpus: [1], iterations: [1] }],
  ['unlocked'],
);

test('a pass takes one sample per round until each run has its count: five within a zero budget', async () => {
  const { results } = await runSpecs(SPECS, { workers: 0, strategyModules: [], timing: { maxSamples: 10, budgetMs: 0 } });
  const run = results[0];
  assert.equal(run?.status, 'ok');
  if (run?.status === 'ok') assert.equal(run.wall.samplesMs?.length, 5);
});

test('--samples 1 gives one sample: the first round only', async () => {
  const { results } = await runSpecs(SPECS, { workers: 0, strategyModules: [], timing: { maxSamples: 1, budgetMs: 1000 } });
  const run = results[0];
  if (run?.status === 'ok') assert.equal(run.wall.samplesMs?.length, 1);
  else assert.fail('the run failed');
});
