import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkFloor, type ModelCounts } from '../../benchmarks/speed/floor.js';
import { countMismatches } from '../../benchmarks/speed/matched-c.js';

const PTE_PAGES = 600;
const source = new URL('../../../benchmarks/speed/pinref-model.c', import.meta.url).pathname;
const hasGcc = spawnSync('gcc', ['--version']).status === 0;

const counts = (): ModelCounts => checkFloor(PTE_PAGES);

describe('matched C count check (benchmarks/speed/matched-c.ts)', () => {
  it("accepts counts equal to the model's", () => {
    const model = counts();
    assert.deepEqual(countMismatches(model, { ...model, hypercallErrors: 0 }), []);
  });

  it('rejects a count that differs, naming it with both values', () => {
    const model = counts();
    const bad = countMismatches(model, { ...model, typeChangeFlushes: model.typeChangeFlushes - 1 });
    assert.equal(bad.length, 1);
    assert.match(
      bad[0] ?? '',
      new RegExp(`^typeChangeFlushes: the model's ${model.typeChangeFlushes}, the C's ${model.typeChangeFlushes - 1}$`),
    );
  });

  it('rejects counts that are missing, or no counts at all', () => {
    const model = counts();
    const { events: _, ...noEvents } = model;
    assert.deepEqual(countMismatches(model, noEvents), [`events: the model's ${model.events}, the C printed none`]);
    assert.equal(countMismatches(model, null).length, 1);
  });

  it('rejects a C that reports hypercall errors', () => {
    const model = counts();
    assert.equal(countMismatches(model, { ...model, hypercallErrors: 3 }).length, 1);
  });

  it("pinref-model.c reproduces the model's counts of a cycle at a size no issue names", { skip: !hasGcc && 'no gcc' }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'pinbench-matched-c-'));
    try {
      const binary = join(dir, 'pinref-model');
      execFileSync('gcc', ['-O2', '-o', binary, source]);
      const out = JSON.parse(execFileSync(binary, [String(PTE_PAGES), '2'], { encoding: 'utf8' })) as { counts: unknown };
      assert.deepEqual(countMismatches(counts(), out.counts), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
