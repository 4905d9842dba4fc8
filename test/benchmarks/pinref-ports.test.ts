import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkFloor } from '../../benchmarks/speed/floor.js';
import { countMismatches } from '../../benchmarks/speed/matched-c.js';

/** The ports, compiled (dist/benchmarks/speed), and the fidelity-matched C's source (not copied into dist/). */
const yardstickPort = fileURLToPath(new URL('../../benchmarks/speed/pinref-port.js', import.meta.url));
const modelPort = fileURLToPath(new URL('../../benchmarks/speed/pinref-model-port.js', import.meta.url));
const matchedSource = fileURLToPath(new URL('../../../benchmarks/speed/pinref-model.c', import.meta.url));
/** The yardstick's source is not part of pinbench: engine-speed takes it from PINBENCH_PINREF_C, and so does this test. */
const yardstickSource = process.env.PINBENCH_PINREF_C;
const hasGcc = spawnSync('gcc', ['--version']).status === 0;
const noYardstick = !hasGcc
  ? 'no gcc: the port is compared with the C only where gcc is present'
  : yardstickSource === undefined || !existsSync(yardstickSource)
    ? 'no C yardstick (set PINBENCH_PINREF_C to pinref.c to compare the port with it)'
    : false;

type Json = Record<string, unknown>;
/** A program's one line of JSON (`node PORT N ITER`, or the C binary), without its timing and the port's extras. */
function run(command: string, args: string[]): Json {
  const out = JSON.parse(execFileSync(command, args, { encoding: 'utf8' })) as Json;
  delete out.nsPerCycle;
  delete out.unprinted;
  return out;
}
const port = (script: string, ptePages: number, iterations: number): Json =>
  run(process.execPath, [script, String(ptePages), String(iterations)]);

/** PMDs and PUDs of a dense 4level mm of n PTE pages (512 entries a table). */
const layout = (n: number): { U: number; G: number } => {
  const U = Math.ceil(n / 512);
  return { U, G: Math.ceil(U / 512) };
};

describe('pinref-port.ts: a line-by-line port of the C yardstick', () => {
  for (const n of [1, 1000, 1024, 4096, 32768, 262_145]) {
    it(`queues as many multicall slots per cycle as the layout of ${n} PTE pages implies`, () => {
      const { U, G } = layout(n);
      // Pin: per PTE page its update_va_mapping and its own mmuext entry (the entry before it is an update_va_mapping);
      // a UVA per PUD and PMD; the pgd's UVA and pin, the user pgd's UVA and pin. Unpin: per PTE page its mmuext and
      // its UVA; the two top-level unpins coalesced into one entry; the user pgd's UVA; a UVA per PUD and PMD; the
      // pgd's UVA.
      const slots = 4 * n + (G + U + 4) + (1 + 1 + G + U + 1);
      const out = port(yardstickPort, n, 1);
      assert.equal(out.slotsPerCycle, slots);
      assert.equal(out.N, n);
      assert.equal(out.U, U);
      assert.equal(out.G, G);
      assert.equal(out.hvErrors, 0);
    });
  }

  it("gives the counts the yardstick's README gives for 32,768 PTE pages", () => {
    const out = port(yardstickPort, 32768, 1);
    assert.equal(out.slotsPerCycle, 131_209);
    assert.equal(out.batchesPerCycle, 4_102);
    assert.equal(out.maxHeld, 17);
    assert.equal(out.maxPreempt, 18);
  });

  describe('against the compiled C', { skip: noYardstick }, () => {
    let dir = '';
    let binary = '';
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'pinbench-pinref-port-'));
      binary = join(dir, 'pinref');
      execFileSync('gcc', ['-O2', '-o', binary, yardstickSource as string]);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));
    for (const n of [1024, 4096, 1537, 262_145]) {
      it(`prints what the C prints at ${n} PTE pages`, () => {
        assert.deepEqual(port(yardstickPort, n, 3), run(binary, [String(n), '3']));
      });
    }
  });

  it('refuses a PTE page count that is not a positive integer, with exit 2 and the usage', () => {
    const r = spawnSync(process.execPath, [yardstickPort, '12x', '3'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /N "12x" is not allowed; expected an integer from 1 to/);
    assert.equal(r.stdout, '');
  });
});

describe('pinref-model-port.ts: a line-by-line port of the fidelity-matched C', () => {
  for (const n of [600, 1537]) {
    it(`reproduces the model's counts of a cycle at ${n} PTE pages`, () => {
      const out = port(modelPort, n, 1);
      assert.deepEqual(countMismatches(checkFloor(n), out.counts), []);
    });
  }

  it('is caught when a count differs from the model (the check can fail)', () => {
    const out = port(modelPort, 600, 1);
    const counts = out.counts as Json;
    const bad = countMismatches(checkFloor(600), { ...counts, events: (counts.events as number) + 1 });
    assert.equal(bad.length, 1);
    assert.match(bad[0] ?? '', /^events: /);
  });

  describe('against the compiled pinref-model.c', { skip: !hasGcc && 'no gcc' }, () => {
    let dir = '';
    let binary = '';
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'pinbench-pinref-model-port-'));
      binary = join(dir, 'pinref-model');
      execFileSync('gcc', ['-O2', '-o', binary, matchedSource]);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));
    // 262,145 PTE pages: two PUDs, the second with one PMD of one PTE page.
    for (const n of [1537, 262_145]) {
      it(`prints what the C prints at ${n} PTE pages, the whole run included`, () => {
        const mine = port(modelPort, n, 1);
        // The port runs warm-up cycles before its timed ones: the C runs as many cycles in all (its first, untimed,
        // and `cycles - 1` timed), so that the whole run's state compares.
        const cycles = (mine.run as Json).cycles as number;
        assert.ok(cycles > 2);
        assert.deepEqual(mine, run(binary, [String(n), String(cycles - 1)]));
      });
    }
  });

  it('refuses an iteration count of 0, with exit 2 and the usage', () => {
    const r = spawnSync(process.execPath, [modelPort, '600', '0'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^usage: pinref-model-port N ITER/);
    assert.equal(r.stdout, '');
  });
});
