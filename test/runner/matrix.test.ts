import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandMatrices, runId } from '../../src/runner/matrix.js';
import { DEFAULT_PARAMS, resolveParams } from '../../src/scenarios/index.js';
import { ConfigError } from '../../src/shared/errors.js';
import { defined } from '../../src/shared/defined.js';

test('a matrix expands to the cartesian product, seed innermost', () => {
  const specs = expandMatrices([{ strategy: ['unlocked', 'mm-lock'], ptePages: [16, 32], seed: [1, 2] }], []);
  assert.equal(specs.length, 8);
  assert.deepEqual(
    specs.map((s) => `${s.params.strategy}/${s.params.ptePages}/${s.params.seed}`),
    [
      'unlocked/16/1',
      'unlocked/16/2',
      'unlocked/32/1',
      'unlocked/32/2',
      'mm-lock/16/1',
      'mm-lock/16/2',
      'mm-lock/32/1',
      'mm-lock/32/2',
    ],
  );
});

test('a missing strategy axis takes every strategy given, other axes the defaults', () => {
  const specs = expandMatrices([{ ptePages: [16] }], ['unlocked', 'unbatched']);
  assert.deepEqual(
    specs.map((s) => s.params.strategy),
    ['unlocked', 'unbatched'],
  );
  assert.equal(defined(specs[0]).params.vcpus, DEFAULT_PARAMS.vcpus);
  assert.equal(defined(specs[0]).params.mode, DEFAULT_PARAMS.mode);
});

test('points repeated across matrices are run once', () => {
  const specs = expandMatrices(
    [
      { strategy: ['unlocked'], ptePages: [16, 32] },
      { strategy: ['unlocked'], ptePages: [32, 64] },
    ],
    [],
  );
  assert.deepEqual(
    specs.map((s) => s.params.ptePages),
    [16, 32, 64],
  );
});

test('an invalid point throws ConfigError naming the field', () => {
  assert.throws(
    () => expandMatrices([{ strategy: ['unlocked'], mode: ['2level'], ptePages: [769] }], []),
    (error: unknown) => error instanceof ConfigError && error.field === 'ptePages',
  );
});

test('a run id names strategy, mode, size, vCPUs, seed and every non-default parameter', () => {
  assert.equal(
    runId(resolveParams({ strategy: 'whole-lock', ptePages: 300, vcpus: 4, seed: 2 })),
    'whole-lock 4level ptePages=300 vcpus=4 seed=2',
  );
  assert.equal(
    runId(resolveParams({ strategy: 'unlocked', mode: 'pae', profile: 'xeon-2007', mcBatch: 16 })),
    'unlocked pae ptePages=64 vcpus=1 profile=xeon-2007 mcBatch=16 seed=1',
  );
});
