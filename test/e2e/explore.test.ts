import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnCli, stderrLine, tempDir } from '../support/cli.js';

// The real executable: explore finds the race and replay shows it again; a signal stops a long exploration and what
// was explored is written.

test('the binary: explore exits 5 with a schedule that replay shows again (exit 5)', async () => {
  const out = tempDir();
  const explored = await spawnCli(['explore', '--strategy', 'unlocked', '--writer-updates', '1', '--out', out, '--quiet']).done;
  assert.equal(explored.code, 5, explored.stderr);
  const file = join(out, 'unlocked.schedule.json');
  assert.ok(existsSync(file));
  const replayed = await spawnCli(['replay', file]).done;
  assert.equal(replayed.code, 5, replayed.stderr);
  assert.match(replayed.stdout, /violation shows again: write-protect-fault at step 7/);
});

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  test(`${signal} during a long exploration writes explore.json (partial, the search incomplete) and exits ${code}`, async () => {
    const out = tempDir();
    // Far more than the test's patience: 64 PTE pages, 3 updates per writer, bound 6.
    const spawned = spawnCli([
      'explore',
      '--strategy',
      'per-pte-deferred',
      '--pte-pages',
      '64',
      '--writer-updates',
      '3',
      '--preemption-bound',
      '6',
      '--out',
      out,
    ]);
    await stderrLine(spawned, 'pinbench: exploring 1 configuration');
    spawned.child.kill(signal);
    const { code: exit, stderr } = await spawned.done;
    assert.equal(exit, code, stderr);
    assert.match(stderr, /writing what was explored/);
    const summary = JSON.parse(readFileSync(join(out, 'explore.json'), 'utf8'));
    assert.equal(summary.partial, true);
    assert.equal(summary.results.length, 1);
    assert.equal(summary.results[0].verdict, 'incomplete');
    assert.equal(summary.results[0].limitHit, 'interrupted');
    assert.ok(summary.results[0].schedules > 0);
  });
}
