import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, tempDir } from '../support/cli.js';
import { defined } from '../../src/shared/defined.js';

test('profile --tool cpuprofile writes one CPU profile per thread, workers included', async () => {
  const out = tempDir();
  const { code, stdout, stderr } = await runCli([
    'profile',
    '--tool',
    'cpuprofile',
    '--workers',
    '2',
    '--strategy',
    'unlocked',
    '--pte-pages',
    '64',
    '--seeds',
    '4',
    '--samples',
    '1',
    '--out',
    out,
  ]);
  assert.equal(code, 0, stderr);
  const dirs = readdirSync(out).filter((name) => name.startsWith('cpuprofile-'));
  assert.equal(dirs.length, 1);
  const profiles = readdirSync(join(out, defined(dirs[0]))).filter((name) => name.endsWith('.cpuprofile'));
  assert.equal(profiles.length, 3, 'the main thread and two workers');
  assert.match(stdout, /^profile:\n( {2}.*\.cpuprofile\n){3}results: /);
});
