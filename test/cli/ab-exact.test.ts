import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { SMALL_AB_MATRIX as SMALL } from '../support/ab.js';
import { FIXTURES, runCli, tempDir } from '../support/cli.js';

// In a file of its own: version 2 of the fixture registers the same strategy name as version 1 in this
// process's registry, which the other A/B tests have filled with version 1.

const V1 = join(FIXTURES, 'ab-strategy-v1.js');
const V2 = join(FIXTURES, 'ab-strategy-v2.js');

test('two versions of a strategy with different exact metrics exit 3 and summarise the change per metric', async () => {
  const out = tempDir();
  const { code, stdout } = await runCli(['ab', V1, V2, ...SMALL, '--out', out]);
  assert.equal(code, 3);
  assert.match(stdout, /Exact metrics: \d+ value\(s\) changed in 6 run\(s\)/);
  assert.match(stdout, /^ {2}hypercalls\.traps +6 +\+\d/m);
  assert.match(stdout, /^EXACT CHANGE: /m);
});

test('--accept-exact-changes reports the exact change without exit 3', async () => {
  const { code } = await runCli(['ab', V1, V2, ...SMALL, '--out', tempDir(), '--quiet', '--accept-exact-changes']);
  assert.ok(code === 0 || code === 1, `exit ${code}`);
});
