import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { runCli } from '../support/cli.js';

test('pinbench --help (rendered by yargs) lists every command with one line and the exit codes', async () => {
  const { code, stdout } = await runCli(['--help']);
  assert.equal(code, 0);
  for (const command of ['run', 'list', 'merge', 'report', 'compare', 'ab', 'baseline', 'explore', 'replay', 'profile'])
    assert.match(stdout, new RegExp(`^  pinbench ${command}\\s+\\S`, 'm'), command);
  assert.match(stdout, /^ {2}-V, --version\s+print the version\s+\[boolean\]$/m);
  assert.match(stdout, /Exit codes: 0 ok; 1 .*; 2 bad input/);
  assert.match(stdout.replace(/\s+/g, ' '), /5 explore found a violation \(replay: the schedule shows it again\)/);
});

test('pinbench run --help (rendered by yargs) explains every option with its unit, type and default', async () => {
  const { code, stdout } = await runCli(['run', '--help']);
  assert.equal(code, 0);
  for (const option of [
    '--strategy',
    '--mode',
    '--pte-pages',
    '--vcpus',
    '--iterations',
    '--dwell-ns',
    '--writer-think-ns',
    '--profile',
    '--mc-batch',
    '--mc-args',
    '--preempt-bits',
    '--seed',
    '--seeds',
    '--workers',
    '--out',
    '--json',
    '--quiet',
    '--samples',
    '--budget-ms',
    '--check-determinism',
    '--strategy-module',
    '--report',
  ]) {
    assert.match(stdout, new RegExp(`^\\s+(-\\w, )?${option}\\b`, 'm'), option);
  }
  assert.match(stdout, /--dwell-ns\s+virtual time .*, ns\s+\[string\] \[default: 100000\]/);
  assert.match(stdout, /--budget-ms\s+[\s\S]*?, ms\s+\[number\] \[default: 250\]/);
  assert.match(stdout, /\[default: "reports\/latest"\]/);
  assert.match(stdout, /--no-report to turn off/);
});

test('pinbench --version prints the package version', async () => {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  const { code, stdout } = await runCli(['--version']);
  assert.equal(code, 0);
  assert.equal(stdout, `${pkg.version}\n`);
});

test('pinbench without a command prints the usage and exits 2 naming the commands', async () => {
  const { code, stderr, stdout } = await runCli([]);
  assert.equal(code, 2);
  assert.equal(stdout, '');
  assert.match(stderr, /^pinbench COMMAND \[options\]/);
  assert.match(
    stderr,
    /^pinbench: error: name a command: run, list, merge, report, compare, ab, baseline, explore, replay, profile/m,
  );
});

test('an unknown command says "unknown command", suggests the nearest and exits 2', async () => {
  const { code, stderr } = await runCli(['frobnicate']);
  assert.equal(code, 2);
  assert.equal(
    stderr,
    'pinbench: error: unknown command "frobnicate"; commands: run, list, merge, report, compare, ab, baseline, explore, replay, profile (pinbench --help)\n',
  );
  assert.match((await runCli(['lst'])).stderr, /unknown command "lst"; did you mean list\?/);
});

test('baseline without an action prints its usage and exits 2; an unknown action is named', async () => {
  const bare = await runCli(['baseline']);
  assert.equal(bare.code, 2);
  assert.match(bare.stderr, /^pinbench baseline COMMAND/);
  assert.match(bare.stderr, /^ {2}pinbench baseline update\s+Run SUITE/m);
  const unknown = await runCli(['baseline', 'updte']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "updte"; did you mean update\?; commands: update \(pinbench baseline --help\)/);
});

test('an option given without its value exits 2 naming the option, not the next option as its value', async () => {
  for (const args of [
    ['run', '--out'],
    ['run', '--out', '--quiet'],
    ['report', 'x.json', '-o'],
  ]) {
    const { code, stderr } = await runCli(args);
    assert.equal(code, 2, args.join(' '));
    assert.match(stderr, /^pinbench: error: --out: a value is required/, args.join(' '));
  }
});

test('a negative number after an option is its value, judged by the option', async () => {
  const { code, stderr } = await runCli(['run', '--workers', '-1']);
  assert.equal(code, 2);
  assert.match(
    stderr,
    /^pinbench: error: --workers: "-1" is not allowed; expected an integer >= 0 and <= \d+ \(0 runs in-process; at most 4 per core\)\n$/,
  );
});

test('a flag given a value, and a positional too many, exit 2', async () => {
  assert.match((await runCli(['list', '--json=yes'])).stderr, /--json: takes no value/);
  const extra = await runCli(['list', 'strategies', 'more']);
  assert.equal(extra.code, 2);
  assert.match(extra.stderr, /unexpected argument "more"; usage: pinbench list \[what\] \[options\]/);
});

test('pinbench help COMMAND is COMMAND --help; an option before the command is refused', async () => {
  const viaHelp = await runCli(['help', 'compare']);
  assert.equal(viaHelp.code, 0);
  assert.equal(viaHelp.stdout, (await runCli(['compare', '--help'])).stdout);
  const early = await runCli(['--quiet', 'run']);
  assert.equal(early.code, 2);
  assert.equal(
    early.stderr,
    'pinbench: error: unknown option --quiet: options follow the command (pinbench COMMAND [options]; pinbench --help)\n',
  );
});
