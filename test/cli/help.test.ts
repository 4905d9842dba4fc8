import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { runCli } from './helpers.js';

test('pinbench --help lists the commands and the exit codes', async () => {
  const { code, stdout } = await runCli(['--help']);
  assert.equal(code, 0);
  for (const command of ['run [suite]', 'list [what]', 'profile [suite]']) assert.ok(stdout.includes(`pinbench ${command}`), command);
  assert.match(stdout, /Exit codes: 0 ok; 1 .*; 2 bad input/);
});

test('pinbench run --help explains every option with its unit and default', async () => {
  const { code, stdout } = await runCli(['run', '--help']);
  assert.equal(code, 0);
  for (const option of ['--strategy', '--mode', '--pte-pages', '--vcpus', '--iterations', '--dwell-ns', '--writer-think-ns',
    '--profile', '--mc-batch', '--mc-args', '--preempt-bits', '--seed', '--seeds', '--workers', '--out', '--json', '--quiet',
    '--samples', '--budget-ms', '--check-determinism', '--strategy-module']) {
    assert.ok(stdout.includes(option), option);
  }
  assert.match(stdout, /--dwell-ns\s+virtual time .*, ns \[default: 100000\]/);
  assert.match(stdout, /--budget-ms[\s\S]*?, ms\s+\[default: 250\]/);
  assert.match(stdout, /\[default: "reports\/latest"\]/);
});

test('pinbench --version prints the package version', async () => {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  const { code, stdout } = await runCli(['--version']);
  assert.equal(code, 0);
  assert.equal(stdout.trim(), pkg.version);
});

test('pinbench without a command exits 2 with one line', async () => {
  const { code, stderr, stdout } = await runCli([]);
  assert.equal(code, 2);
  assert.equal(stdout, '');
  assert.equal(stderr.trim().split('\n').length, 1);
  assert.match(stderr, /name a command/);
});
