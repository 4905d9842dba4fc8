import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandMatrices } from '../../src/runner/matrix.js';
import { runSpecs } from '../../src/runner/run-specs.js';

const specs = expandMatrices(
  [{ strategy: ['unlocked', 'per-pte-deferred'], ptePages: [16, 64], vcpus: [1, 2], iterations: [2] }],
  [],
);
const timing = { maxSamples: 1, budgetMs: 0 };

test('results come back in spec order whatever the submission order', async () => {
  const reversed = specs.map((_, i) => specs.length - 1 - i);
  const { results, aborted } = await runSpecs(specs, { workers: 2, strategyModules: [], timing, order: reversed });
  assert.equal(aborted, false);
  assert.deepEqual(
    results.map((r) => r?.id),
    specs.map((s) => s.id),
  );
});

test('in-process and pooled runs give the same metrics', async () => {
  const inProcess = await runSpecs(specs, { workers: 0, strategyModules: [], timing });
  const pooled = await runSpecs(specs, { workers: 2, strategyModules: [], timing });
  const metrics = (rs: typeof inProcess.results) => rs.map((r) => (r?.status === 'ok' && r.kind === 'scenario' ? r.metrics : r));
  assert.deepEqual(metrics(pooled.results), metrics(inProcess.results));
});

test('an aborted signal starts no run', async () => {
  const controller = new AbortController();
  controller.abort();
  for (const workers of [0, 2]) {
    const { results, aborted } = await runSpecs(specs, { workers, strategyModules: [], timing, signal: controller.signal });
    assert.equal(aborted, true);
    assert.ok(results.every((r) => r === undefined));
  }
});

test('with a pool, every run gets its samples: the rounds of each thread reach every run it owns', async () => {
  const sampled = { maxSamples: 6, budgetMs: 60_000 }; // these runs take well under 10 s each: 6 samples apiece
  const { results } = await runSpecs(specs, { workers: 2, strategyModules: [], timing: sampled });
  assert.deepEqual(
    results.map((r) => (r?.status === 'ok' ? r.wall.samplesMs?.length : r?.status)),
    specs.map(() => 6),
  );
});
