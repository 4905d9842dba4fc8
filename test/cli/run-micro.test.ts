import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateResultSet } from '../../src/results/write.js';
import { readResults, runCli, tempDir } from '../support/cli.js';

test('the micro suite records tinybench statistics and raw samples of every task as noisy wall figures', async () => {
  const out = tempDir();
  const { code, stdout, stderr } = await runCli(['run', 'micro', '--samples', '4', '--out', out, '--no-report']);
  assert.equal(code, 0, stderr);
  const set = readResults(out);
  assert.deepEqual(validateResultSet(set), []);
  assert.ok(set.runs.length >= 6);
  for (const run of set.runs) {
    assert.ok(run.status === 'ok' && run.kind === 'micro', run.id);
    assert.equal(run.wall.samplesMs?.length, 4);
    assert.equal(run.wall.samples, 4);
    assert.ok((run.wall.p50Ms ?? 0) > 0 && run.wall.rme !== undefined);
  }
  assert.ok(set.runs.some((r) => r.id === 'micro fork-exit: per-pte-deferred, 1 pin + unpin, 256 PTE pages'));
  assert.match(stdout, /^micro-benchmark\s+mean ms~\s+p50 ms~\s+p99 ms~\s+±rme %~\s+samples$/m);
});

test('scenario options do not apply to a micro suite (exit 2)', async () => {
  const { code, stderr } = await runCli(['run', 'micro', '--pte-pages', '64', '--out', tempDir()]);
  assert.equal(code, 2);
  assert.match(
    stderr,
    /^pinbench: error: SUITE: micro is a micro-benchmark suite; the scenario parameters ptePages do not apply to it$/m,
  );
});
