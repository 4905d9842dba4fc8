import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandMatrices } from '../../src/runner/matrix.js';
import { chunkByCost, estimatedCost, longestFirst } from '../../src/runner/schedule.js';
import type { RunSpec } from '../../src/runner/types.js';

const specs = expandMatrices([{ strategy: ['unlocked'], ptePages: [8, 16, 64, 4096], vcpus: [1, 4], iterations: [10] }], []);

test('chunks keep the submission order and hold every run once', () => {
  const order = longestFirst(specs);
  const chunks = chunkByCost(specs, order, 2000);
  assert.deepEqual(chunks.flat(), order);
});

test('a run that costs the target or more travels alone; smaller ones are grouped up to the target', () => {
  const target = 2000;
  const order = longestFirst(specs);
  for (const chunk of chunkByCost(specs, order, target)) {
    const costs = chunk.map((i) => estimatedCost(specs[i]));
    if (costs.some((c) => c >= target)) assert.equal(chunk.length, 1);
    // Only the last run of a group may take it to the target or past it.
    else assert.ok(costs.slice(0, -1).reduce((a, c) => a + c, 0) < target);
  }
  // 4096 pages x 10 iterations (x 1 or 4 vCPUs) are the two big runs; 8 x 10 x 1 = 80 is the smallest.
  const chunks = chunkByCost(specs, order, target);
  assert.deepEqual(
    chunks.slice(0, 2).map((c) => c.length),
    [1, 1],
  );
  assert.ok(chunks.length < specs.length, 'small runs were grouped');
});

test('a group holds at most maxRuns runs', () => {
  const tiny = expandMatrices([{ strategy: ['unlocked'], ptePages: [1], seed: [1, 2, 3, 4, 5, 6, 7], iterations: [1] }], []);
  const chunks = chunkByCost(
    tiny,
    tiny.map((_, i) => i),
    1_000_000,
    3,
  );
  assert.deepEqual(
    chunks.map((c) => c.length),
    [3, 3, 1],
  );
});

test('micro-benchmark tasks are never grouped', () => {
  const micro: RunSpec[] = ['a', 'b', 'c'].map((name) => ({
    kind: 'micro',
    id: `micro ${name}`,
    params: { name },
    suiteUrl: 'file:///x',
  }));
  assert.deepEqual(chunkByCost(micro, [0, 1, 2]), [[0], [1], [2]]);
});
