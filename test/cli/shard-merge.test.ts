import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { diffExact } from '../../src/results/diff-exact.js';
import type { ResultSet } from '../../src/results/types.js';
import { readResults, runCli, tempDir, writeFixture } from '../support/cli.js';
import { traceFormatProblems } from '../support/trace-format.js';

/** A small racing matrix: 3 strategies x 2 sizes x 1-3 vCPUs = 12 runs. */
const MATRIX = [
  '--strategy',
  'unlocked,per-pte-deferred,mm-lock',
  '--mode',
  '4level',
  '--pte-pages',
  '8,24',
  '--vcpus',
  '1,3',
  '--iterations',
  '2',
];
const FAST = ['--samples', '1', '--workers', '0', '--quiet', '--no-report'];

async function runPart(dir: string, shard: string, extra: string[] = MATRIX): Promise<string> {
  const out = join(dir, `part-${shard.replace('/', '-of-')}`);
  const r = await runCli(['run', ...extra, ...FAST, '--shard', shard, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  return join(out, 'results.json');
}

describe('run --shard and merge', () => {
  it('merged parts have exactly the exact metrics of one unsharded run, runs in the same order', async () => {
    const dir = tempDir();
    const whole = await runCli(['run', ...MATRIX, ...FAST, '--out', join(dir, 'whole')]);
    assert.equal(whole.code, 0, whole.stderr);
    const parts = [];
    for (const i of [1, 2, 3]) parts.push(await runPart(dir, `${i}/3`));
    const merged = await runCli(['merge', ...parts.reverse(), '--out', join(dir, 'merged'), '--quiet', '--no-report']);
    assert.equal(merged.code, 0, merged.stderr);
    const a = readResults(join(dir, 'whole'));
    const b = readResults(join(dir, 'merged'));
    assert.deepEqual(
      b.runs.map((r) => r.id),
      a.runs.map((r) => r.id),
    );
    a.runs.forEach((run, i) => {
      const other = b.runs[i];
      assert.ok(other !== undefined);
      const diff = diffExact(run, other);
      assert.deepEqual(diff.changes, [], run.id);
    });
    assert.equal(b.partial, false);
    assert.equal(b.plannedRuns, 12);
    assert.equal(b.shard, undefined);
    assert.deepEqual(
      b.merged?.parts.map((p) => p.index),
      [1, 2, 3],
    );
    // And compare agrees: no exact change, no missing or new run.
    const cmp = await runCli(['compare', join(dir, 'whole', 'results.json'), join(dir, 'merged', 'results.json'), '--quiet']);
    assert.equal(cmp.code, 0, cmp.stdout);
  });

  it('a part records which part of which plan it is, and the parts cover the plan once', async () => {
    const dir = tempDir();
    const sets: ResultSet[] = [];
    for (const i of [1, 2]) sets.push(JSON.parse(readFileSync(await runPart(dir, `${i}/2`), 'utf8')) as ResultSet);
    const [s1, s2] = sets.map((s) => s.shard);
    assert.ok(s1 !== undefined && s2 !== undefined);
    assert.equal(s1.plan, s2.plan);
    assert.equal(s1.planRuns, 12);
    assert.deepEqual(
      [...s1.positions, ...s2.positions].sort((a, b) => a - b),
      Array.from({ length: 12 }, (_, i) => i),
    );
    assert.equal(sets[0]?.plannedRuns, s1.positions.length);
  });

  it('merge refuses a missing part, naming it, and writes nothing; --allow-missing merges a partial set', async () => {
    const dir = tempDir();
    const p1 = await runPart(dir, '1/3');
    const p3 = await runPart(dir, '3/3');
    const refused = await runCli(['merge', p1, p3, '--out', join(dir, 'merged'), '--no-report']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /runs are missing: shard 2 of 3 \(no file given\).*--allow-missing/);
    assert.equal(existsSync(join(dir, 'merged')), false);
    const allowed = await runCli(['merge', p1, p3, '--out', join(dir, 'merged'), '--no-report', '--allow-missing', '--quiet']);
    assert.equal(allowed.code, 0, allowed.stderr);
    const set = readResults(join(dir, 'merged'));
    assert.equal(set.partial, true);
    assert.equal(set.plannedRuns, 12);
    assert.deepEqual(set.merged?.missing.shards, [2]);
    assert.equal(set.merged?.missing.runs, 12 - set.runs.length);
  });

  it('merge refuses parts of different plans, naming the files', async () => {
    const dir = tempDir();
    const a = await runPart(dir, '1/2');
    const other = await runCli(['run', ...MATRIX, '--seed', '2', ...FAST, '--shard', '2/2', '--out', join(dir, 'other')]);
    assert.equal(other.code, 0, other.stderr);
    const r = await runCli(['merge', a, join(dir, 'other', 'results.json'), '--out', join(dir, 'merged')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /shard 2\/2\) does not belong with .*shard 1\/2\): the plans/);
  });

  it('merge refuses a part given twice, and a results.json that is not a part', async () => {
    const dir = tempDir();
    const a = await runPart(dir, '1/2');
    const twice = await runCli(['merge', a, a, '--out', join(dir, 'm')]);
    assert.equal(twice.code, 2);
    assert.match(twice.stderr, /shard 1\/2 is given twice/);
    const plain = await runCli(['run', ...MATRIX, ...FAST, '--out', join(dir, 'plain')]);
    assert.equal(plain.code, 0);
    const r = await runCli(['merge', join(dir, 'plain', 'results.json'), '--out', join(dir, 'm')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not a part of a sharded run \(no "shard" field/);
  });

  it('merge refuses parts of another pinbench version, other cost profiles, or a run in two parts', async () => {
    const dir = tempDir();
    const p1 = await runPart(dir, '1/2');
    const p2 = await runPart(dir, '2/2');
    const edit = (file: string, name: string, change: (s: ResultSet) => void): string => {
      const set = JSON.parse(readFileSync(file, 'utf8')) as ResultSet;
      change(set);
      return writeFixture(dir, name, set);
    };
    const version = edit(p2, 'version.json', (s) => {
      s.tool.version = '9.9.9';
    });
    const r1 = await runCli(['merge', p1, version, '--out', join(dir, 'm')]);
    assert.equal(r1.code, 2);
    assert.match(r1.stderr, /the pinbench versions differ \("9\.9\.9" against "0\.1\.0"\)/);
    const profiles = edit(p2, 'profiles.json', (s) => {
      (s.profiles.modern as Record<string, unknown>).remapNs = 1;
    });
    const r2 = await runCli(['merge', p1, profiles, '--out', join(dir, 'm')]);
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /the cost profiles differ/);
    const stolen = edit(p2, 'stolen.json', (s) => {
      const first = JSON.parse(readFileSync(p1, 'utf8')) as ResultSet;
      const run = first.runs[0];
      const shard = s.shard;
      assert.ok(run !== undefined && shard !== undefined && first.shard !== undefined);
      s.runs.push(run);
      shard.ids.push(run.id);
      shard.positions.push(first.shard.positions[0] ?? 0);
    });
    const r3 = await runCli(['merge', p1, stolen, '--out', join(dir, 'm')]);
    assert.equal(r3.code, 2);
    assert.match(r3.stderr, /is in two parts/);
  });

  it('a part with no runs (more parts than runs) exits 0 and merges with the others', async () => {
    const dir = tempDir();
    const small = ['--strategy', 'unlocked', '--mode', '4level', '--pte-pages', '8', '--vcpus', '1,2'];
    const parts = [];
    for (const i of [1, 2, 3]) parts.push(await runPart(dir, `${i}/3`, small));
    const empty = parts.map((p) => (JSON.parse(readFileSync(p, 'utf8')) as ResultSet).runs.length);
    assert.deepEqual([...empty].sort(), [0, 1, 1]);
    const merged = await runCli(['merge', ...parts, '--out', join(dir, 'merged'), '--quiet', '--no-report']);
    assert.equal(merged.code, 0, merged.stderr);
    assert.equal(readResults(join(dir, 'merged')).runs.length, 2);
  });

  it('a bad --shard exits 2 before anything runs or is written', async () => {
    const dir = tempDir();
    const r = await runCli(['run', ...MATRIX, ...FAST, '--shard', '4/3', '--out', join(dir, 'x')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--shard: "4\/3" is not allowed; expected i\/n/);
    assert.equal(existsSync(join(dir, 'x')), false);
  });
});

describe('run --trace', () => {
  it('writes one valid trace per run, linked from results.json relative to it', async () => {
    const dir = tempDir();
    const r = await runCli(['run', ...MATRIX, ...FAST, '--out', dir, '--trace', join(dir, 'traces')]);
    assert.equal(r.code, 0, r.stderr);
    const set = readResults(dir);
    const files = readdirSync(join(dir, 'traces')).sort();
    assert.equal(files.length, set.runs.length);
    for (const run of set.runs) {
      assert.ok(run.kind === 'scenario' && run.status !== 'error' && run.trace !== undefined && run.trace.file !== null);
      assert.match(run.trace.file, /^traces\/\d{4}-/);
      const text = readFileSync(join(dir, run.trace.file), 'utf8');
      assert.equal(Buffer.byteLength(text), run.trace.bytes);
      const doc = JSON.parse(text) as { traceEvents: unknown[]; otherData: Record<string, unknown> };
      assert.deepEqual(traceFormatProblems(doc), [], run.id);
      assert.equal(doc.traceEvents.length, run.trace.events);
      assert.equal(doc.otherData.run, run.id);
      assert.equal(doc.otherData.events, run.metrics.counts.events);
    }
  });

  it('refuses, with exit 2 and nothing written, a matrix whose traces would exceed --trace-max-mb', async () => {
    const dir = tempDir();
    const r = await runCli([
      'run',
      ...MATRIX,
      ...FAST,
      '--out',
      join(dir, 'out'),
      '--trace',
      join(dir, 'traces'),
      '--trace-max-mb',
      '0.01',
    ]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--trace: the 12 traces would take about [\d.]+ MiB, more than --trace-max-mb 0 MiB \(largest: /);
    assert.equal(existsSync(join(dir, 'out')), false);
    assert.equal(existsSync(join(dir, 'traces')), false);
  });

  it('refuses a run whose one trace would be larger than a viewer can open', async () => {
    const dir = tempDir();
    const r = await runCli([
      'run',
      '--strategy',
      'per-pte-deferred',
      '--mode',
      '4level',
      '--pte-pages',
      '65536',
      '--vcpus',
      '4',
      '--iterations',
      '20',
      ...FAST,
      '--out',
      join(dir, 'out'),
      '--trace',
      join(dir, 'traces'),
    ]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /--trace: the trace of run "per-pte-deferred 4level ptePages=65536 vcpus=4 iterations=20 seed=1" would be about [\d,.]+ MiB, more than the 256 MiB a viewer can open/,
    );
  });

  it('refuses --trace on a micro-benchmark suite', async () => {
    const r = await runCli(['run', 'micro', '--trace', join(tempDir(), 't'), '--quiet']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--trace: a micro-benchmark suite has no scenario runs to trace/);
  });
});
