import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildResultSet } from '../../src/runner/result-set.js';
import { InvalidResultSetError, validateResultSet, writeResultSet } from '../../src/results/write.js';
import type { ResultSet } from '../../src/results/types.js';
import type { RunSpec } from '../../src/runner/types.js';
import { resolveParams, runScenario } from '../../src/scenarios/index.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A result set as plain JSON, to break on purpose. */
// biome-ignore lint/suspicious/noExplicitAny: a document broken field by field in the tests below
type Mutable = Record<string, any>;

function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pinbench-results-'));
  dirs.push(dir);
  return dir;
}

function sampleSet(): ResultSet {
  const params = resolveParams({ strategy: 'mm-lock', ptePages: 16 });
  const specs: RunSpec[] = [
    { kind: 'scenario', id: 'a', params },
    { kind: 'scenario', id: 'b', params: { ...params, seed: 2 } },
    { kind: 'scenario', id: 'c', params: { ...params, seed: 3 } },
  ];
  return buildResultSet(
    specs,
    [
      {
        id: 'a',
        kind: 'scenario',
        params,
        status: 'ok',
        splitPtlocks: false,
        metrics: runScenario(params).metrics,
        wall: { durationMs: 1.5, samplesMs: [1.5] },
      },
      undefined,
      { id: 'c', kind: 'scenario', params: { ...params, seed: 3 }, status: 'error', error: 'ModelError: broken invariant' },
    ],
    { suite: 'test', createdAt: new Date('2025-01-02T03:04:05Z'), partial: true, workers: 0 },
  );
}

test('a result set keeps finished runs in spec order, embeds the profiles used, and validates', () => {
  const set = sampleSet();
  assert.deepEqual(
    set.runs.map((r) => r.id),
    ['a', 'c'],
  );
  assert.deepEqual(Object.keys(set.profiles), ['modern']);
  assert.equal(set.createdAt, '2025-01-02T03:04:05.000Z');
  assert.deepEqual(validateResultSet(set), []);
});

test('validation rejects a missing exact metric and a wrong schema name, and accepts an unknown field', () => {
  const set = JSON.parse(JSON.stringify(sampleSet())) as Mutable;
  delete set.runs[0].metrics.hypercalls.traps;
  set.schema = 'pinbench.results/v0';
  set.extra = 1;
  const problems = validateResultSet(set);
  assert.ok(
    problems.some((p) => p.startsWith('schema:')),
    problems.join('\n'),
  );
  assert.ok(
    problems.some((p) => p.startsWith('runs[0].metrics.hypercalls.traps:')),
    problems.join('\n'),
  );
  assert.equal(problems.length, 2, problems.join('\n'));
});

test('the schema rejects an ok run without wall-clock figures and an error run without its message', () => {
  const set = JSON.parse(JSON.stringify(sampleSet())) as Mutable;
  delete set.runs[0].wall;
  delete set.runs[1].error;
  assert.ok(validateResultSet(set).length > 0);
});

test('writeResultSet replaces the file atomically and leaves no temporary file', async () => {
  const dir = scratchDir();
  const path = join(dir, 'nested', 'results.json');
  await writeResultSet(path, sampleSet());
  await writeResultSet(path, sampleSet());
  assert.deepEqual(readdirSync(join(dir, 'nested')), ['results.json']);
  assert.equal((JSON.parse(readFileSync(path, 'utf8')) as ResultSet).schema, 'pinbench.results/v1');
});

test('writeResultSet writes nothing when the set does not validate', async () => {
  const dir = scratchDir();
  const path = join(dir, 'results.json');
  writeFileSync(path, 'previous\n');
  const broken = { ...sampleSet(), suite: '' };
  await assert.rejects(writeResultSet(path, broken), InvalidResultSetError);
  assert.equal(readFileSync(path, 'utf8'), 'previous\n');
  assert.deepEqual(readdirSync(dir), ['results.json']);
  assert.ok(existsSync(path));
});
