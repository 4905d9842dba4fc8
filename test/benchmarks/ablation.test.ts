import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  AnchorError,
  buildVariant,
  cycleParams,
  exactDifferences,
  exactRun,
  PATCHES,
  patchedFiles,
  type Variant,
  VARIANT_PARTS,
  VARIANTS,
} from '../../benchmarks/speed/ablation-variants.js';
import { statusOf } from '../../src/results/diff-exact.js';

/**
 * bench:ablation (benchmarks/speed/ablation.ts): its patches apply to this build, every variant keeps the exact
 * metrics (what keeps the ablation honest as the engine changes), and what it refuses. No speed is asserted.
 */
const dist = fileURLToPath(new URL('../../', import.meta.url)); // dist/
const nodeModules = join(dirname(dist.replace(/\/$/, '')), 'node_modules');
const script = join(dist, 'benchmarks', 'speed', 'ablation.js');
const run = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });

/** A copy of the compiled files the patches edit, under a dist/ of its own, with `edit` applied to one of them. */
function editedDist(root: string, file: string, edit: (text: string) => string): string {
  const out = join(root, 'dist');
  for (const f of new Set(PATCHES.map((p) => p.file))) {
    mkdirSync(dirname(join(out, f)), { recursive: true });
    const text = readFileSync(join(dist, f), 'utf8');
    writeFileSync(join(out, f), f === file ? edit(text) : text);
  }
  return out;
}

describe('bench:ablation patches (benchmarks/speed/ablation-variants.ts)', () => {
  let scratch = '';
  let baseDist = '';
  const variantDists = new Map<Variant, string>();
  before(() => {
    scratch = mkdtempSync(join(tmpdir(), 'pinbench-ablation-test-'));
    baseDist = buildVariant(dist, join(scratch, 'base'), undefined, nodeModules);
    for (const v of VARIANTS) variantDists.set(v, buildVariant(dist, join(scratch, v), v, nodeModules));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('finds every anchor of every variant as often as the table says in this build, and changes each patched file', () => {
    for (const variant of VARIANTS) {
      const files = patchedFiles(dist, variant);
      const expected = new Set(PATCHES.filter((p) => VARIANT_PARTS[variant].includes(p.name)).map((p) => p.file));
      assert.deepEqual(new Set(files.keys()), expected, variant);
      for (const [file, text] of files) assert.notEqual(text, readFileSync(join(dist, file), 'utf8'), `${variant} ${file}`);
    }
  });

  it('uses every patch of the table in some variant', () => {
    const used = new Set(Object.values(VARIANT_PARTS).flat());
    for (const patch of PATCHES) assert.ok(used.has(patch.name), patch.name);
  });

  it('refuses an anchor found more often than the table says, naming the variant, the patch and the counts', () => {
    const root = mkdtempSync(join(tmpdir(), 'pinbench-ablation-anchor-'));
    try {
      const edited = editedDist(root, 'src/scenarios/vcpu/guest-cpu.js', (t) => `${t}\n// const obs = this.observer;\n`);
      assert.throws(
        () => patchedFiles(edited, 'OBS'),
        (error: Error) => {
          assert.ok(error instanceof AnchorError);
          assert.match(error.message, /^variant OBS: the anchor of patch OBS in src\/scenarios\/vcpu\/guest-cpu\.js/);
          assert.match(error.message, /is found 12 times, not 11: the engine's code changed: update the ablation/);
          return true;
        },
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  for (const [mode, kernel] of [
    ['4level', 'current'],
    ['pae', 'current'],
    ['pae', '2.6.24'],
  ] as const) {
    it(`gives every variant exactly the base's run of per-pte-deferred's cycle on 1 vCPU (512 PTE pages, ${mode}, ${kernel})`, async () => {
      const params = { ...cycleParams(512, 2), mode, kernel };
      const base = await exactRun(baseDist, params);
      assert.equal(base.run.status, 'ok');
      assert.ok(base.events > 0 && base.virtualNs > 0);
      for (const [variant, d] of variantDists) assert.deepEqual(exactDifferences(base, await exactRun(d, params)), [], variant);
    });
  }

  it('catches a variant that changes behaviour: CONT with two vCPUs, where another process is due first', async () => {
    const params = cycleParams(256, 2, 2);
    const diff = exactDifferences(await exactRun(baseDist, params), await exactRun(defined(variantDists.get('CONT')), params));
    assert.ok(
      diff.some((d) => d.startsWith('events: ')),
      diff.join('\n'),
    );
  });

  it('makes the plain walk refuse a lock it cannot perform in its call (two vCPUs)', async () => {
    const r = await exactRun(defined(variantDists.get('PLAIN')), cycleParams(256, 2, 2));
    assert.match(
      statusOf(r.run),
      /^error: ablation PLAIN: a lock not performed in its call \(the plain walk is valid only with one vCPU\)/,
    );
  });

  it('keeps LEAN exact with racing writers on 2 and 4 vCPUs, for a strategy that locks and one that does not', async () => {
    for (const strategy of ['per-pte-deferred', 'unlocked']) {
      for (const vcpus of [2, 4]) {
        const params = { ...cycleParams(256, 3, vcpus), strategy };
        const base = await exactRun(baseDist, params);
        assert.ok(base.run.status === 'ok' || base.run.status === 'invalid', base.run.status);
        assert.deepEqual(
          exactDifferences(base, await exactRun(defined(variantDists.get('LEAN')), params)),
          [],
          `${strategy} ${vcpus}`,
        );
      }
    }
  });
});

function defined<T>(x: T | undefined): T {
  assert.ok(x !== undefined);
  return x;
}

describe('bench:ablation command line (benchmarks/speed/ablation.ts)', () => {
  it('stops with exit 1 before measuring when an anchor is missing, naming the variant and the anchor', () => {
    const root = mkdtempSync(join(tmpdir(), 'pinbench-ablation-cli-'));
    try {
      const copy = join(root, 'dist');
      cpSync(join(dist, 'src'), join(copy, 'src'), { recursive: true });
      const engine = join(copy, 'src', 'sim', 'engine.js');
      const text = readFileSync(engine, 'utf8');
      assert.ok(text.includes('const n = this.heapSize;'));
      writeFileSync(engine, text.replace('const n = this.heapSize;', 'const n = this.heapSize | 0;'));
      const r = run('--dist', copy, '--only', 'CONT', '--pairs', '1');
      assert.equal(r.status, 1, r.stderr);
      assert.match(
        r.stderr,
        /ablation: variant CONT: the anchor of patch CONT in src\/sim\/engine\.js \("continueAfter\(costNs\) \{" \.\.\.\) is found 0 times, not 1/,
      );
      assert.match(r.stderr, /the engine's code changed: update the ablation/);
      assert.doesNotMatch(r.stderr, /pair 1/);
      assert.equal(r.stdout, '');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('refuses a variant --only does not know, naming the allowed ones, with exit 2', () => {
    const r = run('--only', 'OBS,FAST');
    assert.equal(r.status, 2);
    assert.match(
      r.stderr,
      /--only: "FAST" is not allowed; expected a comma-separated list of OBS, CONT, PLAIN, PLAIN\+REC, ALL, LEAN, LEAN\+OBS\+CONT, FLOOR/,
    );
    assert.equal(r.stdout, '');
  });

  it('refuses --pairs 0 with exit 2', () => {
    const r = run('--pairs', '0');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--pairs: "0" is not allowed; expected an integer of at least 1/);
  });

  it("refuses --pte-pages beyond 4level's maximum with exit 2, naming the allowed range", () => {
    const r = run('--pte-pages', '999999999');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--pte-pages: ptePages: 999999999 exceeds the maximum for mode 4level; allowed: 1 to \d+/);
    assert.equal(r.stdout, '');
  });

  it('refuses an unknown option with exit 2 and the usage line', () => {
    const r = run('--variants', 'OBS');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /usage: npm run bench:ablation/);
  });

  it('refuses a --dist that is not a built dist/, with exit 2', () => {
    const r = run('--dist', join(tmpdir(), 'no-such-pinbench-dist'));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--dist: .* has no src\/scenarios\/index\.js/);
  });
});
