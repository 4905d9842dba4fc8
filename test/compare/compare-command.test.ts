import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CompareArgs } from '../../src/cli/commands/compare/args.js';
import { runCompare } from '../../src/cli/commands/compare/handler.js';
import { ConfigError } from '../../src/shared/errors.js';
import { clone, MACHINE_B, resultSet, slower, tempDir, writeFixture } from './fixtures.js';
import { defined } from '../../src/shared/defined.js';

// runCompare is the command's implementation: these tests drive it with files, as the CLI does.

const DEFAULTS = {
  threshold: 0.05,
  alpha: 0.01,
  normalisedThreshold: 0.25,
  correction: 'holm',
  wall: true,
  acceptExactChanges: false,
  quiet: false,
} as const;
const SILENT = { stdout: () => undefined, stderr: () => undefined, env: {}, stderrIsTty: false };

async function compareFiles(baseline: unknown, current: unknown, extra: Partial<CompareArgs> = {}, env: NodeJS.ProcessEnv = {}) {
  const dir = tempDir();
  const args: CompareArgs = {
    baseline: writeFixture(dir, 'base.json', baseline),
    current: writeFixture(dir, 'current.json', current),
    threshold: 0.05,
    alpha: 0.01,
    normalisedThreshold: 0.25,
    correction: 'holm',
    wall: true,
    acceptExactChanges: false,
    quiet: false,
    ...extra,
  };
  let output = '';
  const code = await runCompare(args, { stdout: (text) => (output += text), stderr: () => undefined, env, stderrIsTty: false });
  return { code, output, dir };
}

function changedExact() {
  const current = clone(resultSet());
  const run = defined(current.runs[0]);
  if (run.status !== 'ok' || run.kind !== 'scenario') throw new Error('fixture');
  run.metrics.locks.ptl.acquisitions += 8;
  return current;
}

test('identical files exit 0', async () => {
  const { code, output } = await compareFiles(resultSet(), resultSet());
  assert.equal(code, 0);
  assert.match(output, /^OK: 0 exact metric change\(s\).*\(exit 0\)$/m);
});

test('one changed exact metric exits 3, and 0 with --accept-exact-changes', async () => {
  assert.equal((await compareFiles(resultSet(), changedExact())).code, 3);
  assert.equal((await compareFiles(resultSet(), changedExact(), { acceptExactChanges: true })).code, 0);
});

test('a 20% slowdown with low noise exits 1', async () => {
  assert.equal((await compareFiles(resultSet(), slower(resultSet(), 1.2))).code, 1);
});

test('--no-wall ignores a 20% slowdown: exit 0, and the text says the wall clock was not judged', async () => {
  const { code, output } = await compareFiles(resultSet(), slower(resultSet(), 1.2), { wall: false });
  assert.equal(code, 0);
  assert.doesNotMatch(output, /REGRESSED/);
});

test('a 2% slowdown exits 0', async () => {
  assert.equal((await compareFiles(resultSet(), slower(resultSet(), 1.02))).code, 0);
});

test('a slowdown measured on another machine is not comparable and exits 0', async () => {
  const { code, output } = await compareFiles(
    resultSet(),
    slower(resultSet({ environment: MACHINE_B }), 1.2, { scaleNormalised: false }),
  );
  assert.equal(code, 0);
  assert.match(output, /not comparable/);
});

test('--markdown writes the file and $GITHUB_STEP_SUMMARY gets it appended', async () => {
  const dir = tempDir();
  const summary = join(dir, 'step-summary.md');
  writeFileSync(summary, '# earlier step\n');
  const markdownFile = join(dir, 'nested', 'compare.md');
  const { code } = await compareFiles(resultSet(), changedExact(), { markdown: markdownFile }, { GITHUB_STEP_SUMMARY: summary });
  assert.equal(code, 3);
  const markdown = readFileSync(markdownFile, 'utf8');
  assert.match(markdown, /\| locks\.ptl\.acquisitions \| 512 \| 520 \|/);
  assert.equal(readFileSync(summary, 'utf8'), `# earlier step\n${markdown}\n`);
});

test('--quiet prints only the outcome line', async () => {
  const { output } = await compareFiles(resultSet(), resultSet(), { quiet: true });
  assert.equal(output.trim().split('\n').length, 1);
});

// Bad input: each is a ConfigError (exit 2 in the CLI) whose one-line message names the file.

async function rejectsWith(makeCurrent: (dir: string) => string, pattern: RegExp) {
  const dir = tempDir();
  const args: CompareArgs = { ...DEFAULTS, baseline: writeFixture(dir, 'base.json', resultSet()), current: makeCurrent(dir) };
  await assert.rejects(runCompare(args, SILENT), (error: unknown) => {
    assert.ok(error instanceof ConfigError, `not a ConfigError: ${String(error)}`);
    assert.match(error.message, pattern);
    assert.ok(!error.message.includes('\n'), 'message is one line');
    return true;
  });
}

test('a missing file is bad input naming the file', async () => {
  await rejectsWith((dir) => join(dir, 'absent.json'), /absent\.json: .*no such file/);
});

test('a file that is not JSON is bad input', async () => {
  await rejectsWith(
    (dir) => writeFixture(dir, 'garbage.json', '{"schema": "pinbench.results/v1", runs: ['),
    /garbage\.json: not JSON/,
  );
});

test('another schema version is bad input', async () => {
  await rejectsWith(
    (dir) => writeFixture(dir, 'v2.json', { ...resultSet(), schema: 'pinbench.results/v2' }),
    /v2\.json: .*"pinbench\.results\/v2".*expected "pinbench\.results\/v1"/,
  );
});

test('an empty result set is bad input', async () => {
  await rejectsWith((dir) => writeFixture(dir, 'empty.json', resultSet({ runs: [] })), /empty\.json: empty result set/);
});

test('an option out of range is bad input', async () => {
  const dir = tempDir();
  const file = writeFixture(dir, 'base.json', resultSet());
  await assert.rejects(runCompare({ ...DEFAULTS, baseline: file, current: file, threshold: 0 }, SILENT), ConfigError);
});
