import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { BaselineUpdateArgs } from '../../src/cli/commands/baseline/args.js';
import { runBaselineUpdate } from '../../src/cli/commands/baseline/handler.js';
import type { ResultSet } from '../../src/results/types.js';
import { DEFAULT_LIMITS } from '../../src/runner/limits.js';
import { tempDir } from './fixtures.js';

const TINY_SUITE = fileURLToPath(new URL('./tiny-suite.js', import.meta.url));

/** Run the handler with a captured stdout. */
function update(a: BaselineUpdateArgs, write: (text: string) => void) {
  const io = { stdout: write, stderr: () => undefined, env: {}, stderrIsTty: false };
  return runBaselineUpdate(a, { io, argv: ['baseline', 'update'] });
}

function args(dir: string): BaselineUpdateArgs {
  return {
    suite: TINY_SUITE,
    dir,
    workers: 0,
    samples: 2,
    budgetMs: 20,
    checkDeterminism: true,
    quiet: true,
    limits: { ...DEFAULT_LIMITS },
    maxRuns: 100,
  };
}

test('baseline update writes DIR/SUITE.json named after the suite, a valid result set', async () => {
  const dir = tempDir();
  let output = '';
  const code = await update(args(dir), (text) => (output += text));
  assert.equal(code, 0);
  const set = JSON.parse(readFileSync(join(dir, 'tiny.json'), 'utf8')) as ResultSet;
  assert.equal(set.schema, 'pinbench.results/v1');
  assert.equal(set.suite, 'tiny');
  assert.deepEqual(
    set.runs.map((r) => r.status),
    ['ok', 'ok'],
  );
  assert.match(output, /baseline: .*tiny\.json \(2 runs, suite tiny\)/);
});

test('a second update reports no exact change against the previous baseline', async () => {
  const dir = tempDir();
  await update(args(dir), () => undefined);
  let output = '';
  const code = await update({ ...args(dir), quiet: false }, (text) => (output += text));
  assert.equal(code, 0);
  assert.match(output, /Exact changes against the previous baseline/);
  assert.match(output, /Exact metrics: all \d+ identical\./);
  assert.doesNotMatch(output, /Wall clock/);
});
