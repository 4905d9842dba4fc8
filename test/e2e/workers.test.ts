import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ResultSet } from '../../src/results/types.js';
import { FAST, readResults, runCli, tempDir } from '../support/cli.js';

/** The exact part of a result set: each run's id, status and metrics, in order. */
function exactPart(set: ResultSet): unknown[] {
  return set.runs.map((r) => ({
    id: r.id,
    status: r.status,
    metrics: r.status === 'ok' && r.kind === 'scenario' ? r.metrics : null,
  }));
}

test('the ci suite gives identical exact metrics with 0, 1 and 2 workers', async () => {
  const sets: ResultSet[] = [];
  for (const workers of ['0', '1', '2']) {
    const out = tempDir();
    const { code, stderr } = await runCli(['run', 'ci', '--workers', workers, '--out', out, ...FAST]);
    assert.equal(code, 0, stderr);
    sets.push(readResults(out));
  }
  assert.ok(sets[0].runs.length >= 40);
  assert.ok(sets[0].runs.every((r) => r.status === 'ok'));
  assert.deepEqual(exactPart(sets[1]), exactPart(sets[0]));
  assert.deepEqual(exactPart(sets[2]), exactPart(sets[0]));
  assert.deepEqual(
    sets.map((s) => s.workers),
    [0, 1, 2],
  );
});
