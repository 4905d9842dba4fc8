import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadResultSet, parseResultSet } from '../../src/report/index.js';
import { ConfigError } from '../../src/shared/errors.js';
import { makeResultSet } from './fixtures.js';
import { tempDir, writeJson } from './helpers.js';

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
  const dir = await tempDir();
  const set = makeResultSet({ errors: 1 });
  const loaded = await loadResultSet(await writeJson(dir, 'results.json', set));
  assert.equal(loaded.runs.length, set.runs.length);
  assert.equal(loaded.suite, 'fixture');
});

test('a missing file is a ConfigError naming the file', async () => {
  const path = join(await tempDir(), 'nope.json');
  await rejectsWith(loadResultSet(path), path, 'no such file');
});

test('a file that is not JSON is a ConfigError naming the file', async () => {
  const path = await writeJson(await tempDir(), 'bad.json', '{"schema": "pinbench.res');
  await rejectsWith(loadResultSet(path), path, 'not JSON');
});

test('a document of another schema is a ConfigError naming the schema found and the one expected', async () => {
  const path = await writeJson(await tempDir(), 'other.json', { schema: 'something/v2', runs: [] });
  await rejectsWith(loadResultSet(path), path, '"something/v2"', 'pinbench.results/v1');
});

test('a JSON array is a ConfigError, not a crash', async () => {
  const path = await writeJson(await tempDir(), 'array.json', [1, 2]);
  await rejectsWith(loadResultSet(path), path, 'not a pinbench result set');
});

test('a result set without runs is a ConfigError saying it is empty', async () => {
  const set = { ...makeResultSet(), runs: [] };
  const path = await writeJson(await tempDir(), 'empty.json', set);
  await rejectsWith(loadResultSet(path), path, 'empty result set');
});

test('a run missing a metric is a ConfigError naming the field path', () => {
  const set = makeResultSet({ micro: false }) as unknown as { runs: { metrics: { hypercalls: Record<string, unknown> } }[] };
  delete set.runs[3].metrics.hypercalls.traps;
  assert.throws(
    () => parseResultSet(set, 'x.json'),
    (err: unknown) => err instanceof ConfigError && err.message.includes('x.json') && err.message.includes('runs[3].metrics.hypercalls.traps'),
  );
});

test('fields the report does not know are accepted (a newer writer may add metrics)', () => {
  const set = makeResultSet({ micro: false }) as unknown as { argv: string[]; runs: { metrics: Record<string, unknown> }[] };
  set.argv = ['run', 'ci'];
  set.runs[0].metrics.somethingNew = { count: 1 };
  assert.doesNotThrow(() => parseResultSet(set, 'x.json'));
});
