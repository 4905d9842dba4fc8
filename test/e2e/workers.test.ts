import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ResultSet } from '../../src/results/types.js';
import { FAST, readResults, runCli, tempDir } from '../support/cli.js';
import { defined } from '../../src/shared/defined.js';

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
  assert.ok(defined(sets[0]).runs.length >= 40);
  assert.ok(defined(sets[0]).runs.every((r) => r.status === 'ok'));
  assert.deepEqual(exactPart(defined(sets[1])), exactPart(defined(sets[0])));
  assert.deepEqual(exactPart(defined(sets[2])), exactPart(defined(sets[0])));
  assert.deepEqual(
    sets.map((s) => s.workers),
    [0, 1, 2],
  );
});
