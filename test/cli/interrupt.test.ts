import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { validateResultSet } from '../../src/runner/results-schema.js';
import { FIXTURES, readResults, startCli, tempDir } from './helpers.js';

for (const workers of ['0', '2']) {
  test(`Ctrl-C stops the runs and writes the finished ones with partial: true (--workers ${workers})`, async () => {
    const out = tempDir();
    const marker = join(out, 'marker');
    process.env.PINBENCH_TEST_MARKER = marker;
    const total = 2000;
    const { child, done } = startCli([
      'run', '--strategy', 'marking', '--strategy-module', `${FIXTURES}marking-strategy.js`, '--pte-pages', '256',
      '--iterations', '1', '--seeds', String(total), '--workers', workers, '--samples', '1', '--out', out, '--no-report',
    ]);
    delete process.env.PINBENCH_TEST_MARKER;
    while (!existsSync(marker)) await sleep(10);
    child.kill('SIGINT');
    const { code, stderr } = await done;
    assert.equal(code, 130, stderr);
    assert.match(stderr, /interrupted: stopping the pool and writing the finished runs/);
    const set = readResults(out);
    assert.equal(set.partial, true);
    assert.ok(set.runs.length >= 2 && set.runs.length < total, `${set.runs.length} runs`);
    assert.ok(set.runs.every((r) => r.status === 'ok'));
    assert.deepEqual(validateResultSet(set), []);
  });
}
