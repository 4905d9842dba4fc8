import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { clone, resultSet, slower, tempDir, writeFixture } from './fixtures.js';

// Through the real binary: yargs parsing, the handler, and the error handler's exit codes.

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function pinbench(...args: string[]) {
  const result = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: { ...process.env, GITHUB_STEP_SUMMARY: '' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const registered = /pinbench compare /.test(pinbench('--help').stdout);
const skip = registered ? false : 'compare is not registered in src/cli/main.ts yet';

function files(current: unknown) {
  const dir = tempDir();
  return { dir, baseline: writeFixture(dir, 'base.json', resultSet()), current: writeFixture(dir, 'current.json', current) };
}

test('pinbench compare exits 0 on identical files', { skip }, () => {
  const { baseline, current } = files(resultSet());
  const { code, stdout } = pinbench('compare', baseline, current);
  assert.equal(code, 0, stdout);
  assert.match(stdout, /All \d+ exact metrics identical|all \d+ identical/);
});

test('pinbench compare exits 3 on a changed exact metric and writes Markdown and HTML', { skip }, () => {
  const changed = clone(resultSet());
  const run = changed.runs[2];
  if (run.status !== 'ok' || run.kind !== 'scenario') throw new Error('fixture');
  run.metrics.preempt.maxDepth = 3;
  const { dir, baseline, current } = files(changed);
  const markdown = join(dir, 'compare.md');
  const html = join(dir, 'html');
  const { code, stdout, stderr } = pinbench('compare', baseline, current, '--markdown', markdown, '--html', html);
  assert.equal(code, 3, stdout + stderr);
  assert.match(stdout, /preempt\.maxDepth +2 +3/);
  assert.match(stdout, /html: .*index\.html/);
});

test('pinbench compare exits 1 on a 20% slowdown', { skip }, () => {
  const { baseline, current } = files(slower(resultSet(), 1.2));
  assert.equal(pinbench('compare', baseline, current).code, 1);
});

test('pinbench compare exits 2 with one line naming a missing file', { skip }, () => {
  const { dir, baseline } = files(resultSet());
  const { code, stderr } = pinbench('compare', baseline, join(dir, 'nope.json'));
  assert.equal(code, 2);
  assert.match(stderr.trim(), /^pinbench: error: .*nope\.json: .*no such file$/);
});

test('pinbench compare exits 2 on a file that is not JSON', { skip }, () => {
  const { baseline, current } = files('not json');
  const { code, stderr } = pinbench('compare', baseline, current);
  assert.equal(code, 2);
  assert.match(stderr, /current\.json: not JSON/);
});

test('pinbench compare exits 2 on another schema version', { skip }, () => {
  const { baseline, current } = files({ ...resultSet(), schema: 'pinbench.results/v0' });
  assert.equal(pinbench('compare', baseline, current).code, 2);
});

test('pinbench compare exits 2 on an empty result set', { skip }, () => {
  const { baseline, current } = files(resultSet({ runs: [] }));
  const { code, stderr } = pinbench('compare', baseline, current);
  assert.equal(code, 2);
  assert.match(stderr, /empty result set/);
});

test('pinbench compare exits 2 on a bad --alpha', { skip }, () => {
  const { baseline, current } = files(resultSet());
  const { code, stderr } = pinbench('compare', baseline, current, '--alpha', '2');
  assert.equal(code, 2);
  assert.match(stderr, /--alpha/);
});

test('pinbench baseline update --help explains the suite, the directory and the exit codes', { skip }, () => {
  const { code, stdout } = pinbench('baseline', 'update', '--help');
  assert.equal(code, 0);
  assert.match(stdout, /reports\/baselines/);
  assert.match(stdout, /Exit codes/);
});
