import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ResultSet } from '../../src/results/types.js';
import { FAST, FIXTURES, readResults, runCli, tempDir } from '../support/cli.js';

test('--check-determinism passes on the built-in strategies', async () => {
  const { code, stderr } = await runCli([
    'run',
    '--pte-pages',
    '16,300',
    '--vcpus',
    '1,3',
    '--iterations',
    '2',
    '--check-determinism',
    '--workers',
    '0',
    '--out',
    tempDir(),
    ...FAST,
  ]);
  assert.equal(code, 0, stderr);
});

function flakyRun(out: string) {
  return runCli([
    'run',
    '--strategy',
    'flaky',
    '--pte-pages',
    '16,32',
    '--strategy-module',
    `${FIXTURES}flaky-strategy.js`,
    '--check-determinism',
    '--workers',
    '0',
    '--out',
    out,
    ...FAST,
  ]);
}

test('--check-determinism exits 4 listing every differing metric with its run count and a first example', async () => {
  const { code, stderr } = await flakyRun(tempDir());
  assert.equal(code, 4);
  assert.match(
    stderr,
    /^pinbench: not deterministic: \d+ exact value\(s\) of \d+ metric\(s\) differ in 2 run\(s\) between the two passes; results\.json records it/m,
  );
  // The flaky strategy sleeps longer on every program: the run's virtual end moves, in both runs.
  assert.match(
    stderr,
    /^ {2}virtualNs: 2 run\(s\); e\.g\. "flaky 4level ptePages=16 vcpus=1 seed=1": \d+ on the first pass, \d+ on the second$/m,
  );
});

test('a run that is not deterministic leaves a results file that says so, not one that looks good', async () => {
  const out = tempDir();
  await flakyRun(out);
  const set = readResults(out) as ResultSet & { determinism?: { passed: boolean; differences: number; examples: unknown[] } };
  assert.equal(set.determinism?.passed, false);
  assert.ok((set.determinism?.differences ?? 0) > 0);
  assert.ok((set.determinism?.examples.length ?? 0) > 0);
});

test('a deterministic run records that the check passed', async () => {
  const out = tempDir();
  const { code } = await runCli([
    'run',
    '--strategy',
    'unlocked',
    '--pte-pages',
    '16',
    '--check-determinism',
    '--workers',
    '0',
    '--out',
    out,
    ...FAST,
  ]);
  assert.equal(code, 0);
  assert.deepEqual((readResults(out) as ResultSet & { determinism?: unknown }).determinism, {
    checked: true,
    passed: true,
    differences: 0,
  });
});
