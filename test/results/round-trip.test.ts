import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { makeResultSet } from '../../benchmarks/speed/synthetic-results.js';
import { loadResultSet } from '../../src/results/load.js';
import { writeResultSet } from '../../src/results/write.js';
import { tempDir, writeFixture } from '../support/temp.js';

/** The committed baseline (dist/test/results -> the package root). */
const BASELINE = fileURLToPath(new URL('../../../reports/baselines/ci.json', import.meta.url));

test('load then write gives back the same document, unknown fields included', async () => {
  const set = makeResultSet({ errors: 1 }) as unknown as Record<string, unknown> & { runs: Array<Record<string, unknown>> };
  set.fromTheFuture = { nested: [1, 'two', null, true] };
  set.runs[0] = { ...set.runs[0], annotation: 'kept' };
  const dir = tempDir();
  const path = writeFixture(dir, 'in.json', set);
  const out = join(dir, 'out.json');
  await writeResultSet(out, await loadResultSet(path));
  assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), JSON.parse(readFileSync(path, 'utf8')));
});

test('the committed baseline survives a round trip byte for byte, wall.calibrationNsPerIter included', async () => {
  const out = join(tempDir(), 'ci.json');
  const loaded = await loadResultSet(BASELINE);
  await writeResultSet(out, loaded);
  assert.equal(readFileSync(out, 'utf8'), readFileSync(BASELINE, 'utf8'));
  const first = loaded.runs[0];
  assert.ok(first !== undefined && first.status === 'ok');
  assert.equal(typeof first.wall.calibrationNsPerIter, 'number');
});
