import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { loadResultSet } from '../../src/results/load.js';
import { SMALL_AB_MATRIX as SMALL } from '../support/ab.js';
import { FIXTURES, runCli, tempDir } from '../support/cli.js';

const V1 = join(FIXTURES, 'ab-strategy-v1.js');

/** One job of the module against itself, shared by the tests that read its outputs (a job takes seconds). */
let sameModuleJob: Promise<{ out: string; code: number | null; stdout: string; stderr: string }> | undefined;
function sameModule() {
  sameModuleJob ??= (async () => {
    const out = tempDir();
    return { out, ...(await runCli(['ab', V1, V1, ...SMALL, '--out', out, '--quiet'])) };
  })();
  return sameModuleJob;
}

test('ab of one strategy module against itself writes its outputs and finds no exact change', async () => {
  const { out, code, stdout, stderr } = await sameModule();
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^OK: wall clock .*exact metrics identical \(exit 0\)$/m);
  const doc = JSON.parse(readFileSync(join(out, 'ab.json'), 'utf8')) as {
    schema: string;
    measurement: { rounds: number; runs: unknown[] };
  };
  assert.equal(doc.schema, 'pinbench.ab/v1');
  assert.equal(doc.measurement.rounds, 5);
  assert.equal(doc.measurement.runs.length, 6);
  assert.match(readFileSync(join(out, 'ab.md'), 'utf8'), /^## pinbench ab$/m);
});

test('ab writes each side as a result set whose runs keep their five samples in round order', async () => {
  const out = tempDir();
  await runCli(['ab', V1, V1, ...SMALL, '--out', out, '--quiet']);
  const base = await loadResultSet(join(out, 'base.json'));
  for (const run of base.runs) {
    assert.equal(run.status, 'ok');
    if (run.status !== 'ok') continue;
    assert.equal(run.wall.samplesMs?.length, 5);
    assert.equal((run.wall as Record<string, unknown>).sampleOrder, 'time');
  }
});

test('two pinbench directories run in one shared thread; two strategy modules in a thread each', async () => {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const out = tempDir();
  const { code, stderr } = await runCli(['ab', root, root, ...SMALL, '--strategy', 'unlocked', '--out', out, '--quiet']);
  assert.equal(code, 0, stderr);
  const read = (dir: string) =>
    (JSON.parse(readFileSync(join(dir, 'ab.json'), 'utf8')) as { measurement: { threads: string } }).measurement;
  assert.equal(read(out).threads, 'shared');
  const { out: modulesOut } = await sameModule();
  assert.equal(read(modulesOut).threads, 'per-side');
});

test('the rounds go in turn to three blocks by default, and each run gets a ratio per block', async () => {
  const { out } = await sameModule();
  const doc = JSON.parse(readFileSync(join(out, 'ab.json'), 'utf8')) as {
    measurement: { blocks: number; roundBlocks: number[] };
    comparison: { runs: { blockRatios: number[] }[] };
  };
  assert.equal(doc.measurement.blocks, 3);
  assert.deepEqual(doc.measurement.roundBlocks, [0, 1, 2, 0, 1]);
  assert.ok(doc.comparison.runs.every((r) => r.blockRatios.length === 3));
});

test('with --blocks 1 every run is "insufficient samples"', async () => {
  const { code, stdout } = await runCli(['ab', V1, V1, ...SMALL, '--blocks', '1', '--out', tempDir()]);
  assert.equal(code, 0);
  assert.match(stdout, /Per run \(0 REGRESSED, 0 improved, 0 no change, \d+ insufficient samples\)/);
});

test('fewer than five rounds give "insufficient samples", not "no change"', async () => {
  const { code, stdout } = await runCli(['ab', V1, V1, ...SMALL, '--rounds', '3', '--out', tempDir()]);
  assert.equal(code, 0);
  assert.match(stdout, /INSUFFICIENT SAMPLES: 3 round\(s\), fewer than the 5/);
});

test('a BASE that is no file, directory or revision exits 2 naming it, and writes nothing', async () => {
  const out = join(tempDir(), 'out');
  const { code, stderr } = await runCli(['ab', 'no-such-revision-x', V1, ...SMALL, '--out', out, '--repo', tempDir()]);
  assert.equal(code, 2);
  assert.match(stderr, /BASE: no-such-revision-x is not a file or directory, and .* is not a git repository/);
  assert.equal(existsSync(out), false);
});

test('--allow-missing-base turns a BASE that does not exist into a message and exit 0', async () => {
  const out = join(tempDir(), 'out');
  const { code, stderr } = await runCli(['ab', 'no-such-revision-x', V1, ...SMALL, '--out', out, '--allow-missing-base']);
  assert.equal(code, 0);
  assert.match(stderr, /no A\/B comparison: BASE: no-such-revision-x/);
  assert.equal(existsSync(out), false);
});

test('a directory that holds no built pinbench exits 2', async () => {
  const { code, stderr } = await runCli(['ab', tempDir(), V1, ...SMALL, '--out', tempDir()]);
  assert.equal(code, 2);
  assert.match(stderr, /BASE: .* without a readable package\.json/);
});

test('a bad --correction exits 2 naming the allowed values', async () => {
  const { code, stderr } = await runCli(['ab', V1, V1, '--correction', 'bonferroni']);
  assert.equal(code, 2);
  assert.match(stderr, /--correction: "bonferroni" is not allowed; expected one of holm, bh/);
});

test('--blocks 0 exits 2 naming the option', async () => {
  const { code, stderr } = await runCli(['ab', V1, V1, '--blocks', '0']);
  assert.equal(code, 2);
  assert.match(stderr, /--blocks/);
});
