import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadResultSet, parseResultSet } from '../../src/results/load.js';
import type { ResultSet } from '../../src/results/types.js';
import { ConfigError } from '../../src/shared/errors.js';
import { makeResultSet } from '../../benchmarks/speed/synthetic-results.js';
import { tempDir, writeFixture } from '../support/cli.js';
import { defined } from '../../src/shared/defined.js';

/** Assert that `promise` rejects with a one-line ConfigError whose message contains every `parts`. */
async function rejectsWith(promise: Promise<unknown>, ...parts: string[]): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    assert.ok(!err.message.includes('\n'), `message is not one line: ${err.message}`);
    for (const part of parts) assert.ok(err.message.includes(part), `"${err.message}" lacks "${part}"`);
    return true;
  });
}

test('a valid results file loads with every run', async () => {
  const dir = tempDir();
  const set = makeResultSet({ errors: 1 });
  const loaded = await loadResultSet(writeFixture(dir, 'results.json', set));
  assert.equal(loaded.runs.length, set.runs.length);
  assert.equal(loaded.suite, 'fixture');
});

test('a missing file is a ConfigError naming the file', async () => {
  const path = join(tempDir(), 'nope.json');
  await rejectsWith(loadResultSet(path), path, 'no such file');
});

test('a file that is not JSON is a ConfigError naming the file', async () => {
  const path = writeFixture(tempDir(), 'bad.json', '{"schema": "pinbench.res');
  await rejectsWith(loadResultSet(path), path, 'not JSON');
});

test('a document of another schema is a ConfigError naming the schema found and the one expected', async () => {
  const path = writeFixture(tempDir(), 'other.json', { schema: 'something/v2', runs: [] });
  await rejectsWith(loadResultSet(path), path, '"something/v2"', 'pinbench.results/v1');
});

test('a JSON array is a ConfigError, not a crash', async () => {
  const path = writeFixture(tempDir(), 'array.json', [1, 2]);
  await rejectsWith(loadResultSet(path), path, 'not a pinbench result set');
});

test('a result set without runs is a ConfigError saying it is empty', async () => {
  const set = { ...makeResultSet(), runs: [] };
  const path = writeFixture(tempDir(), 'empty.json', set);
  await rejectsWith(loadResultSet(path), path, 'empty result set');
});

test('a run missing a metric is a ConfigError naming the field path', () => {
  const set = makeResultSet({ micro: false }) as unknown as { runs: { metrics: { hypercalls: Record<string, unknown> } }[] };
  delete defined(set.runs[3]).metrics.hypercalls.traps;
  assert.throws(
    () => parseResultSet(set, 'x.json'),
    (err: unknown) =>
      err instanceof ConfigError && err.message.includes('x.json') && err.message.includes('runs[3].metrics.hypercalls.traps'),
  );
});

test('fields this version does not declare are kept at every level, not dropped', () => {
  const set = makeResultSet({ micro: false }) as unknown as {
    future: string;
    runs: Array<{
      future: number;
      metrics: { somethingNew: { count: number }; locks: { ptl: { holdNs: Record<string, number> } } };
      wall: Record<string, number>;
    }>;
  };
  set.future = 'top';
  defined(set.runs[0]).future = 1;
  defined(set.runs[0]).metrics.somethingNew = { count: 1 };
  defined(set.runs[0]).metrics.locks.ptl.holdNs.p999Ns = 42;
  defined(set.runs[0]).wall.calibrationNsPerIter = 1.5;
  const loaded = parseResultSet(set, 'x.json') as unknown as typeof set;
  assert.equal(loaded.future, 'top');
  assert.equal(defined(loaded.runs[0]).future, 1);
  assert.deepEqual(defined(loaded.runs[0]).metrics.somethingNew, { count: 1 });
  assert.equal(defined(loaded.runs[0]).metrics.locks.ptl.holdNs.p999Ns, 42);
  assert.equal(defined(loaded.runs[0]).wall.calibrationNsPerIter, 1.5);
});

test('a UTF-8 byte order mark before the JSON is skipped', async () => {
  const set = makeResultSet({ micro: false });
  const path = writeFixture(tempDir(), 'bom.json', `\uFEFF${JSON.stringify(set)}`);
  const loaded: ResultSet = await loadResultSet(path);
  assert.equal(loaded.runs.length, set.runs.length);
});

test('a metric of the wrong type is a ConfigError naming the field and the expected type', () => {
  const set = makeResultSet({ micro: false }) as unknown as { runs: Array<{ metrics: { preempt: { maxDepth: unknown } } }> };
  defined(set.runs[1]).metrics.preempt.maxDepth = 'deep';
  assert.throws(
    () => parseResultSet(set, 'x.json'),
    (err: unknown) => err instanceof ConfigError && /runs\[1\]\.metrics\.preempt\.maxDepth: .*number/.test(err.message),
  );
});
