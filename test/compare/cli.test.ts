import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../support/cli.js';
import { clone, resultSet, slower, tempDir, writeFixture } from './fixtures.js';
import { defined } from '../../src/shared/defined.js';

// Through the CLI's own main(argv), in-process: the parser, the handler, and the exit codes of errors.ts.

function pinbench(...args: string[]) {
  return runCli(args);
}

function files(current: unknown) {
  const dir = tempDir();
  return { dir, baseline: writeFixture(dir, 'base.json', resultSet()), current: writeFixture(dir, 'current.json', current) };
}

test('pinbench compare exits 0 on identical files', async () => {
  const { baseline, current } = files(resultSet());
  const { code, stdout } = await pinbench('compare', baseline, current);
  assert.equal(code, 0, stdout);
  assert.match(stdout, /All \d+ exact metrics identical|all \d+ identical/);
});

test('pinbench compare exits 3 on a changed exact metric and writes Markdown and HTML', async () => {
  const changed = clone(resultSet());
  const run = defined(changed.runs[2]);
  if (run.status !== 'ok' || run.kind !== 'scenario') throw new Error('fixture');
  run.metrics.preempt.maxDepth = 3;
  const { dir, baseline, current } = files(changed);
  const markdown = join(dir, 'compare.md');
  const html = join(dir, 'html');
  const { code, stdout, stderr } = await pinbench('compare', baseline, current, '--markdown', markdown, '--html', html);
  assert.equal(code, 3, stdout + stderr);
  assert.match(stdout, /preempt\.maxDepth +2 +3/);
  assert.match(stdout, /html: .*index\.html/);
});

test('pinbench compare exits 1 on a 20% slowdown', async () => {
  const { baseline, current } = files(slower(resultSet(), 1.2));
  assert.equal((await pinbench('compare', baseline, current)).code, 1);
});

test('pinbench compare exits 2 with one line naming a missing file', async () => {
  const { dir, baseline } = files(resultSet());
  const { code, stderr } = await pinbench('compare', baseline, join(dir, 'nope.json'));
  assert.equal(code, 2);
  assert.match(stderr.trim(), /^pinbench: error: .*nope\.json: .*no such file$/);
});

test('pinbench compare exits 2 on a file that is not JSON', async () => {
  const { baseline, current } = files('not json');
  const { code, stderr } = await pinbench('compare', baseline, current);
  assert.equal(code, 2);
  assert.match(stderr, /current\.json: not JSON/);
});

test('pinbench compare exits 2 on another schema version', async () => {
  const { baseline, current } = files({ ...resultSet(), schema: 'pinbench.results/v0' });
  assert.equal((await pinbench('compare', baseline, current)).code, 2);
});

test('pinbench compare exits 2 on an empty result set', async () => {
  const { baseline, current } = files(resultSet({ runs: [] }));
  const { code, stderr } = await pinbench('compare', baseline, current);
  assert.equal(code, 2);
  assert.match(stderr, /empty result set/);
});

test('pinbench compare exits 2 on a bad --alpha', async () => {
  const { baseline, current } = files(resultSet());
  const { code, stderr } = await pinbench('compare', baseline, current, '--alpha', '2');
  assert.equal(code, 2);
  assert.equal(stderr, 'pinbench: error: --alpha: "2" is not allowed; expected a number > 0 and < 1 (a probability)\n');
});

test('pinbench compare echoes a threshold that is not a number as typed', async () => {
  const { baseline, current } = files(resultSet());
  const { code, stderr } = await pinbench('compare', baseline, current, '--threshold', 'abc');
  assert.equal(code, 2);
  assert.match(stderr, /^pinbench: error: --threshold: "abc" is not allowed; expected a number/);
});

test('pinbench baseline update --help explains the suite, the directory and the exit codes', async () => {
  const { code, stdout } = await pinbench('baseline', 'update', '--help');
  assert.equal(code, 0);
  assert.match(stdout, /reports\/baselines/);
  assert.match(stdout, /Exit codes/);
});
