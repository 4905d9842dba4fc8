import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pairRuns, runKey } from '../../src/compare/pair-runs.js';
import { scenarioRun } from './fixtures.js';
import { defined } from '../../src/shared/defined.js';

test('runs pair by parameters whatever their order and id', () => {
  const a = [scenarioRun('unlocked', 64), scenarioRun('whole-lock', 64)];
  const b = [{ ...scenarioRun('whole-lock', 64), id: 'renamed' }, scenarioRun('unlocked', 64)];
  const pairing = pairRuns(a, b);
  assert.deepEqual(
    pairing.pairs.map((p) => [p.baseline.id, p.current.id]),
    [
      ['whole-lock 4level ptePages=64 vcpus=2 seed=1', 'renamed'],
      ['unlocked 4level ptePages=64 vcpus=2 seed=1', 'unlocked 4level ptePages=64 vcpus=2 seed=1'],
    ],
  );
  assert.deepEqual([pairing.missing, pairing.added], [[], []]);
});

test('runs on one side only are listed as missing or new', () => {
  const pairing = pairRuns(
    [scenarioRun('unlocked', 64), scenarioRun('unlocked', 256)],
    [scenarioRun('unlocked', 64), scenarioRun('unlocked', 1024)],
  );
  assert.deepEqual(
    pairing.missing.map((r) => r.id),
    ['unlocked 4level ptePages=256 vcpus=2 seed=1'],
  );
  assert.deepEqual(
    pairing.added.map((r) => r.id),
    ['unlocked 4level ptePages=1024 vcpus=2 seed=1'],
  );
});

test('repeated runs with equal parameters pair in order and the surplus is missing', () => {
  const first = { ...scenarioRun('unlocked', 64), id: 'first' };
  const second = { ...scenarioRun('unlocked', 64), id: 'second' };
  const pairing = pairRuns([first, second], [scenarioRun('unlocked', 64)]);
  assert.equal(defined(pairing.pairs[0]).baseline.id, 'first');
  assert.deepEqual(
    pairing.missing.map((r) => r.id),
    ['second'],
  );
});

test('the key does not depend on the order of keys in params', () => {
  const run = scenarioRun('unlocked', 64);
  const reordered = { ...run, params: Object.fromEntries(Object.entries(run.params).reverse()) } as typeof run;
  assert.equal(runKey(reordered), runKey(run));
});
