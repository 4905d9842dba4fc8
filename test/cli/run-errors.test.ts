import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateResultSet } from '../../src/results/write.js';
import { FAST, FIXTURES, readResults, runCli, tempDir } from '../support/cli.js';
import { defined } from '../../src/shared/defined.js';

for (const workers of ['0', '2']) {
  test(`a throwing run becomes an error entry, the others complete, and the command exits 1 (--workers ${workers})`, async () => {
    const out = tempDir();
    const { code, stderr } = await runCli([
      'run',
      '--strategy',
      'unlocked,throwing',
      '--pte-pages',
      '16,32',
      '--strategy-module',
      `${FIXTURES}throwing-strategy.js`,
      '--workers',
      workers,
      '--out',
      out,
      ...FAST,
    ]);
    assert.equal(code, 1);
    const set = readResults(out);
    assert.deepEqual(validateResultSet(set), []);
    assert.deepEqual(
      set.runs.map((r) => `${r.id}: ${r.status}`),
      [
        'unlocked 4level ptePages=16 vcpus=1 seed=1: ok',
        'unlocked 4level ptePages=32 vcpus=1 seed=1: ok',
        'throwing 4level ptePages=16 vcpus=1 seed=1: error',
        'throwing 4level ptePages=32 vcpus=1 seed=1: error',
      ],
    );
    const failed = defined(set.runs[2]);
    assert.ok(failed.status === 'error');
    assert.match(failed.error, /fixture strategy refuses to pin/);
    assert.match(
      stderr,
      /^pinbench: 2 of 4 runs failed: throwing 4level ptePages=16 vcpus=1 seed=1 \(.*refuses to pin\); throwing 4level ptePages=32/m,
    );
  });
}
