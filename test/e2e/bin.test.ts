import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { validateResultSet } from '../../src/results/write.js';
import { FAST, FIXTURES, readResults, spawnCli, tempDir } from '../support/cli.js';

// The real executable, as a shell runs it: the exit status is the process's, the output its streams.

test('pinbench --version prints the version and exits 0', async () => {
  const { code, stdout, stderr } = await spawnCli(['--version']).done;
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(code, 0, stderr);
  assert.equal(stdout, `${pkg.version}\n`);
});

test('bad input exits 2 with one line on stderr and nothing written', async () => {
  const out = join(tempDir(), 'out');
  const { code, stdout, stderr } = await spawnCli(['run', '--mode', '5level', '--out', out]).done;
  assert.equal(code, 2);
  assert.equal(stdout, '');
  assert.match(stderr, /^pinbench: error: --mode: "5level" is not allowed; expected 2level, pae, 4level\n$/);
  assert.equal(existsSync(out), false);
});

test('a small matrix on a pool of two workers exits 0 and writes a valid results.json', async () => {
  const out = tempDir();
  const { code, stderr } = await spawnCli([
    'run',
    '--strategy',
    'unlocked,mm-lock',
    '--pte-pages',
    '16',
    '--vcpus',
    '2',
    '--workers',
    '2',
    '--out',
    out,
    ...FAST,
  ]).done;
  assert.equal(code, 0, stderr);
  const set = readResults(out);
  assert.deepEqual(validateResultSet(set), []);
  assert.deepEqual(
    set.runs.map((r) => [r.status, r.kind === 'scenario' && r.status === 'ok' ? r.splitPtlocks : null]),
    [
      ['ok', true],
      ['ok', false],
    ],
  );
});

test('a failing strategy exits 1, its runs error entries, the others complete', async () => {
  const out = tempDir();
  const { code, stderr } = await spawnCli([
    'run',
    '--strategy',
    'throwing,unlocked',
    '--strategy-module',
    `${FIXTURES}throwing-strategy.js`,
    '--pte-pages',
    '16',
    '--workers',
    '2',
    '--out',
    out,
    ...FAST,
  ]).done;
  assert.equal(code, 1);
  assert.match(
    stderr,
    /^pinbench: 1 of 2 runs failed: throwing 4level ptePages=16 vcpus=1 seed=1 \(Error: fixture strategy refuses to pin\)$/m,
  );
  assert.deepEqual(
    readResults(out).runs.map((r) => r.status),
    ['error', 'ok'],
  );
});
