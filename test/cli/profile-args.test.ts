import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, tempDir } from '../support/cli.js';

// Bad input to `profile` is refused before any profiler starts (the profiling itself is in test/e2e).

test('profile with clinic refuses worker threads, which clinic cannot follow (exit 2)', async () => {
  const { code, stderr } = await runCli(['profile', 'ci', '--tool', 'flame', '--workers', '2', '--out', join(tempDir(), 'p')]);
  assert.equal(code, 2);
  assert.match(stderr, /^pinbench: error: --workers: 2 is not allowed with --tool flame; expected 0/);
});

test('profile of an unknown tool exits 2 naming the choices', async () => {
  const { code, stderr } = await runCli(['profile', '--tool', 'perf']);
  assert.equal(code, 2);
  assert.equal(stderr, 'pinbench: error: --tool: "perf" is not allowed; expected one of flame, doctor, cpuprofile\n');
});
