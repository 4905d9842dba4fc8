import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { validateResultSet } from '../../src/results/write.js';
import { FAST, readResults, runCli, tempDir } from '../support/cli.js';
import { defined } from '../../src/shared/defined.js';

const MATRIX = [
  '--strategy',
  'unlocked,per-pte-deferred',
  '--mode',
  '4level',
  '--pte-pages',
  '16,48',
  '--vcpus',
  '1,2',
  '--iterations',
  '2',
  '--seed',
  '7',
  '--seeds',
  '2',
];

test('an ad-hoc matrix expands to the cartesian product, in spec order', async () => {
  const out = tempDir();
  const { code, stderr } = await runCli(['run', ...MATRIX, '--workers', '2', '--out', out, ...FAST]);
  assert.equal(code, 0, stderr);
  const set = readResults(out);
  assert.equal(set.suite, 'ad-hoc');
  assert.equal(set.partial, false);
  assert.equal(set.runs.length, 2 * 2 * 2 * 2);
  const points = set.runs.map((r) => {
    const p = r.params as { strategy: string; ptePages: number; vcpus: number; seed: number };
    return `${p.strategy}/${p.ptePages}/${p.vcpus}/${p.seed}`;
  });
  assert.deepEqual(points.slice(0, 5), [
    'unlocked/16/1/7',
    'unlocked/16/1/8',
    'unlocked/16/2/7',
    'unlocked/16/2/8',
    'unlocked/48/1/7',
  ]);
  assert.ok(set.runs.every((r) => r.status === 'ok'));
  assert.equal(defined(set.runs[0]).id, 'unlocked 4level ptePages=16 vcpus=1 iterations=2 seed=7');
});

test('the written results.json validates against schema/results.v1.json and leaves no temporary file', async () => {
  const out = tempDir();
  const { code } = await runCli(['run', ...MATRIX, '--workers', '0', '--out', out, ...FAST]);
  assert.equal(code, 0);
  assert.deepEqual(validateResultSet(readResults(out)), []);
  assert.deepEqual(readdirSync(out), ['results.json']);
});

test('a run records tool, environment, profiles and wall-clock figures', async () => {
  const out = tempDir();
  await runCli([
    'run',
    '--strategy',
    'unbatched',
    '--pte-pages',
    '16',
    '--profile',
    'xeon-2007',
    '--workers',
    '0',
    '--out',
    out,
    '--samples',
    '3',
    '--no-report',
    '--quiet',
  ]);
  const set = readResults(out);
  assert.equal(set.tool.name, 'pinbench');
  assert.equal(set.environment.node, process.version);
  assert.deepEqual(Object.keys(set.profiles), ['xeon-2007']);
  const run = defined(set.runs[0]);
  assert.ok(run.status === 'ok' && run.kind === 'scenario');
  assert.ok(run.wall.durationMs > 0);
  assert.ok((run.wall.eventsPerSec ?? 0) > 0);
  assert.ok((run.wall.normalisedPerEvent ?? 0) > 0);
  assert.ok((run.wall.samplesMs ?? []).length >= 1 && (run.wall.samplesMs ?? []).length <= 3);
});

test('without --quiet, a summary table marks exact and noisy columns', async () => {
  const out = tempDir();
  const { code, stdout } = await runCli(['run', ...MATRIX, '--workers', '2', '--out', out, '--samples', '1', '--no-report']);
  assert.equal(code, 0);
  // Two header lines: `PTE` over `pages`, `traps` over `/cycle*`; the table splits to fit 120 columns.
  assert.match(stdout, /^\s+PTE\s+traps\s+TLB flushes\s+flush IPIs/m);
  assert.match(stdout, /^strategy\s+mode\s+pages\s+vcpus\s+seeds\s+\/cycle\*\s+\/cycle\*/m);
  assert.match(stdout, /^strategy\s+mode\s+pages\s+vcpus\s+seeds\s.*\/cycle~$/m);
  assert.match(stdout, /^per-pte-deferred\s+4level\s+48\s+2\s+2\s/m);
  assert.match(stdout, /\* exact: .*~ noisy/);
  assert.match(stdout, new RegExp(`results: ${join(out, 'results.json').replace(/[/.]/g, '\\$&')}`));
});

test('--json prints the result set on stdout instead of the summary', async () => {
  const out = tempDir();
  const { code, stdout } = await runCli([
    'run',
    '--strategy',
    'unlocked',
    '--pte-pages',
    '16',
    '--workers',
    '0',
    '--out',
    out,
    '--json',
    '--samples',
    '1',
    '--no-report',
  ]);
  assert.equal(code, 0);
  const printed = JSON.parse(stdout) as { schema: string; runs: unknown[] };
  assert.equal(printed.schema, 'pinbench.results/v1');
  assert.equal(printed.runs.length, 1);
  assert.ok(existsSync(join(out, 'results.json')));
});

test('scenario options given with a suite replace its axes', async () => {
  const out = tempDir();
  const { code } = await runCli([
    'run',
    'ci',
    '--strategy',
    'mm-lock',
    '--pte-pages',
    '16',
    '--vcpus',
    '1',
    '--seed',
    '3',
    '--workers',
    '0',
    '--out',
    out,
    ...FAST,
  ]);
  assert.equal(code, 0);
  const set = readResults(out);
  assert.equal(set.suite, 'ci');
  // ci has four matrices (current 4level; 2.6.24 pae; 2.6.24 2level; current pae): each collapses to one run.
  assert.deepEqual(
    set.runs.map((r) => `${(r.params as { kernel: string }).kernel}/${(r.params as { mode: string }).mode}`),
    ['current/4level', '2.6.24/pae', '2.6.24/2level', 'current/pae'],
  );
});
