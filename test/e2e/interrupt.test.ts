import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { validateResultSet } from '../../src/results/write.js';
import { MARKER_LINE } from '../fixtures/marking-strategy.js';
import { FIXTURES, readResults, spawnCli, tempDir } from '../support/cli.js';

for (const workers of ['0', '2']) {
  test(`Ctrl-C stops the runs and writes the finished ones with partial: true (--workers ${workers})`, async () => {
    const out = tempDir();
    const total = 2000;
    const { child, done } = spawnCli([
      'run',
      '--strategy',
      'marking',
      '--strategy-module',
      `${FIXTURES}marking-strategy.js`,
      '--pte-pages',
      '256',
      '--iterations',
      '1',
      '--seeds',
      String(total),
      '--workers',
      workers,
      '--samples',
      '1',
      '--out',
      out,
      '--no-report',
    ]);
    // Wait for the fixture's line on stderr: two runs have finished in some thread. No polling: the test's
    // timeout (--test-timeout) bounds the wait if the line never comes.
    let seen = '';
    const marked = new Promise<void>((resolve) => {
      child.stderr?.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (seen.includes(MARKER_LINE)) resolve();
      });
    });
    const exited = once(child, 'exit');
    await Promise.race([marked, exited.then(() => assert.fail(`exited before the marker: ${seen}`))]);
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
