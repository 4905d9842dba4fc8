import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FIXTURES, runCli } from '../support/cli.js';

test('list strategies shows the five built-in strategies with a description', async () => {
  const { code, stdout } = await runCli(['list', 'strategies']);
  assert.equal(code, 0);
  for (const name of ['unlocked', 'mm-lock', 'whole-lock', 'per-pte-deferred', 'unbatched']) {
    assert.match(stdout, new RegExp(`^${name}\\s+\\S.*$`, 'm'), name);
  }
});

test('list suites shows every suite with its run count, default marked', async () => {
  const { code, stdout } = await runCli(['list', 'suites']);
  assert.equal(code, 0);
  for (const name of ['ci', 'contention', 'default', 'scaling', 'micro'])
    assert.match(stdout, new RegExp(`^${name}\\s`, 'm'), name);
  assert.match(stdout, /^default\s+\d+ runs \(default\)/m);
  assert.match(stdout, /^micro\s+\d+ micro-benchmarks/m);
});

test('list profiles and scenarios as JSON', async () => {
  const profiles = await runCli(['list', 'profiles', '--json']);
  assert.equal(profiles.code, 0);
  assert.deepEqual((JSON.parse(profiles.stdout) as Array<{ name: string }>).map((p) => p.name).sort(), ['modern', 'xeon-2007']);
  const scenarios = await runCli(['list', 'scenarios', '--json']);
  assert.deepEqual(
    (JSON.parse(scenarios.stdout) as Array<{ name: string }>).map((s) => s.name),
    ['fork-exit'],
  );
});

test('list strategies includes a strategy from --strategy-module', async () => {
  const { code, stdout } = await runCli(['list', 'strategies', '--strategy-module', `${FIXTURES}throwing-strategy.js`]);
  assert.equal(code, 0);
  assert.match(stdout, /^throwing\s+test fixture/m);
});

test('list of an unknown topic exits 2 naming the allowed ones', async () => {
  const { code, stderr } = await runCli(['list', 'colours']);
  assert.equal(code, 2);
  assert.match(stderr, /colours/);
  assert.match(stderr, /strategies/);
});
