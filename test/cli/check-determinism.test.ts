import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FAST, FIXTURES, runCli, tempDir } from '../support/cli.js';

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

test('--check-determinism exits 4 naming the run and the metric when a strategy keeps hidden state', async () => {
  const { code, stderr } = await runCli([
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
    tempDir(),
    ...FAST,
  ]);
  assert.equal(code, 4);
  assert.match(stderr, /^pinbench: not deterministic: \d+ exact value\(s\) differ in 2 run\(s\) between the two passes:$/m);
  // The flaky strategy sleeps longer on every program: the run's virtual end moves, on both runs.
  assert.match(
    stderr,
    /^ {2}run "flaky 4level ptePages=16 vcpus=1 seed=1" metric virtualNs: \d+ on the first pass, \d+ on the second$/m,
  );
  assert.match(stderr, /^ {2}\.\.\. and \d+ more$/m);
});
