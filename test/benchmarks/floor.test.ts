import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkFloor,
  Floor,
  floorParams,
  machineFor,
  machineState,
  realState,
  stateDifferences,
} from '../../benchmarks/speed/floor.js';
import { resolveParams } from '../../src/scenarios/index.js';
import type { ForkExitParams } from '../../src/scenarios/index.js';

/** A size no issue names: two PMDs' worth of PTE pages and a few more (the layout's second PMD is partial). */
const PTE_PAGES = 600;

describe('floor (benchmarks/speed/floor.ts)', () => {
  it("leaves what a real per-pte-deferred cycle leaves, and reports that cycle's counts", () => {
    const counts = checkFloor(PTE_PAGES);
    const pmds = Math.ceil(PTE_PAGES / 512);
    const puds = Math.ceil(pmds / 512);
    // Every table is validated by the pin (the PTE pages by PIN_L1, the rest under the two PIN_L4s) and
    // devalidated by the unpin; the pgd and the user pgd are remapped with UVMF_TLB_FLUSH both ways.
    assert.equal(counts.tablesValidated, PTE_PAGES + pmds + puds + 2);
    assert.equal(counts.tablesDevalidated, PTE_PAGES + pmds + puds + 2);
    assert.equal(counts.guestFlushes, 4);
    // Each PTE page's lock is taken once by the pin and once by the unpin; at most MC_BATCH / 2 + 1 = 17 at once,
    // under page_table_lock: preempt depth 18; lockdep merges the nested PTE locks into one entry.
    assert.equal(counts.ptlHoldCount, 2 * PTE_PAGES);
    assert.equal(counts.ptlMaxHeld, 17);
    assert.equal(counts.preemptMaxDepth, 18);
    assert.equal(counts.lockdepMaxDepth, 2);
  });

  it("names the field where a state differs from the real run's", () => {
    const m = machineFor(floorParams(PTE_PAGES, 1));
    new Floor(m).cycle();
    const real = realState(PTE_PAGES, 1);
    const mine = machineState(m);
    mine.events += 1; // the vCPU's first step, which the engine counts
    assert.deepEqual(stateDifferences(real, mine), []);
    mine.virtualNs += 1;
    (mine.frames.flags as number[])[3] = 99;
    const diff = stateDifferences(real, mine);
    assert.equal(diff.length, 2);
    assert.match(diff[0] ?? '', /^virtualNs: /);
    assert.match(diff[1] ?? '', /^frames\.flags\[3\]: /);
  });

  it('refuses a machine it does not model (two vCPUs)', () => {
    const params = resolveParams({
      strategy: 'per-pte-deferred',
      mode: '4level',
      kernel: 'current',
      ptePages: 64,
      vcpus: 2,
      iterations: 1,
    }) as ForkExitParams;
    assert.throws(() => new Floor(machineFor(params)), /only one vCPU/);
  });
});
