import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MC_BATCH_SLOTS } from '../../src/hv/multicall-batcher.js';
import { KERNEL_ERAS } from '../../src/mmu/kernel-era.js';
import { resolveParams, runScenario } from '../../src/scenarios/index.js';
import type { KernelVersion, PagingMode } from '../../src/scenarios/types.js';
import { flushes, pinOnly, pinsL1, runProgram, shape, slots, unbatchedTraps } from './helpers.js';
import { defined } from '../../src/shared/defined.js';

/** Every shipped (kernel, mode) pair, with sizes around batch and PMD boundaries and each mode's maximum. */
const PAIRS: [KernelVersion, PagingMode, number[]][] = [
  ['2.6.24', '2level', [1, 15, 100, 768]],
  ['2.6.24', 'pae', [1, 14, 100, 513, 1536]],
  ['current', 'pae', [1, 14, 100, 1536]],
  ['current', '4level', [1, 14, 100, 512, 513, 1000]],
];
const BATCHED = ['unlocked', 'mm-lock', 'whole-lock', 'per-pte-deferred', 'per-pte-early-unlock'];
const ITERATIONS = 2;

describe('hypercall counts of every batched strategy, each kernel era, mode and size', () => {
  for (const strategy of BATCHED) {
    for (const [kernel, mode, sizes] of PAIRS) {
      for (const n of sizes) {
        it(`${strategy} ${kernel} ${mode} N=${n}: entries, multicalls, singletons, traps and flush reasons`, () => {
          const { metrics: m } = runScenario(resolveParams({ strategy, kernel, mode, ptePages: n, iterations: ITERATIONS }));
          const s = slots(strategy, mode, n, kernel);
          const pin = flushes(s.pin, kernel);
          const unpin = flushes(s.unpin, kernel);
          assert.equal(m.hypercalls.entries, ITERATIONS * (s.pin + s.unpin), 'entries');
          assert.equal(m.hypercalls.multicalls, ITERATIONS * (pin.multicalls + unpin.multicalls), 'multicalls');
          assert.equal(m.hypercalls.singletons, ITERATIONS * (pin.singletons + unpin.singletons), 'singletons');
          assert.equal(m.hypercalls.traps, ITERATIONS * (pin.flushes + unpin.flushes), 'one trap per flush');
          assert.deepEqual(m.hypercalls.flushReasons, {
            slots: ITERATIONS * (pin.flushes - 1 + unpin.flushes - 1),
            args: 0,
            callbacks: 0,
          });
          assert.equal(m.hypercalls.batches, ITERATIONS * (pin.flushes + unpin.flushes));
          assert.equal(m.hypercalls.subops.mmuext_op.PIN_L1_TABLE, pinsL1(strategy) ? ITERATIONS * n : undefined);
          assert.equal(m.faults.hypercallErrors, 0);
        });
      }
    }
  }
});

describe("the seed's own kernel: hand counts of 2.6.24 per-pte-deferred, per pin + unpin cycle, 1 vCPU", () => {
  // From arch/x86/xen/mmu.c 2.6.24: pin_page queues an RO remap and, for a PTE page, a PIN_L1 (xen_do_pin: a new
  // entry every time); xen_pgd_pin adds PIN_L2/L3; xen_pgd_unpin starts with UNPIN of the pgd, and unpin_page queues
  // UNPIN + RW remap for a PTE page. On pae the walk visits all four PMDs that pgd_alloc preallocated.
  const cases: [PagingMode, number, number, number | null][] = [
    // mode, PTE pages, entries, traps (null: not given by hand)
    ['2level', 1, 8, null],
    ['2level', 64, 260, 10],
    ['pae', 14, 68, 4],
    ['pae', 64, 268, null],
  ];
  for (const [mode, n, entries, traps] of cases) {
    it(`${mode} ${n} PTE page${n > 1 ? 's' : ''}: ${entries} entries${traps === null ? '' : `, ${traps} traps`}`, () => {
      const pmds = mode === 'pae' ? 4 : 0;
      const perPass = pmds + 2 * n + 2; // PMDs + (remap + PIN_L1) per PTE page + pgd remap + PIN_L2/3 (unpin: UNPIN + RW pgd)
      assert.equal(2 * perPass, entries, 'the hand count follows from the walk');
      const { metrics: m } = runScenario(
        resolveParams({ strategy: 'per-pte-deferred', kernel: '2.6.24', mode, ptePages: n, iterations: 1 }),
      );
      assert.equal(m.hypercalls.entries, entries);
      assert.equal(m.hypercalls.traps, 2 * Math.ceil(perPass / MC_BATCH_SLOTS));
      if (traps !== null) assert.equal(m.hypercalls.traps, traps);
    });
  }
});

describe('the batcher of each era', () => {
  it('2.6.24 does not coalesce the first PTE UNPIN into the pgd UNPIN on 2level; today would (one entry less)', () => {
    const n = 40;
    const old = runScenario(
      resolveParams({ strategy: 'per-pte-deferred', kernel: '2.6.24', mode: '2level', ptePages: n, iterations: 1 }),
    ).metrics;
    assert.equal(old.hypercalls.entries, 2 * (2 * n + 2));
    assert.equal(KERNEL_ERAS.current.coalesce, true);
    assert.equal(slots('per-pte-deferred', '2level', n, 'current').unpin, 2 * n + 1);
  });

  it('today issues a one-entry flush as a direct hypercall: a trap but not a multicall', () => {
    // 4level, G = U = 1: the per-pte-deferred unpin has 2N + 5 entries; N = 14 gives 33, one full batch and one entry.
    const n = 14;
    const s = slots('per-pte-deferred', '4level', n, 'current');
    assert.equal(s.unpin % MC_BATCH_SLOTS, 1);
    const { metrics: m } = runScenario(
      resolveParams({ strategy: 'per-pte-deferred', mode: '4level', ptePages: n, iterations: 3 }),
    );
    assert.equal(m.hypercalls.singletons, 3);
    assert.equal(m.hypercalls.multicalls, 3 * (Math.ceil(s.pin / 32) + Math.ceil(s.unpin / 32) - 1));
    assert.equal(m.hypercalls.batchHistogram[1], 3);
  });

  it('2.6.24 has no singleton bypass: a one-entry flush is a multicall', () => {
    // pae: 2N + 6 entries per pass; N = 13 gives 32, which MC_BATCH 31 splits into 31 + 1.
    const n = 13;
    const s = slots('per-pte-deferred', 'pae', n, '2.6.24');
    assert.equal(s.pin % 31, 1);
    const { metrics: m } = runScenario(
      resolveParams({ strategy: 'per-pte-deferred', kernel: '2.6.24', mode: 'pae', ptePages: n, iterations: 1, mcBatch: 31 }),
    );
    assert.equal(m.hypercalls.singletons, 0);
    assert.equal(m.hypercalls.multicalls, 2 * Math.ceil(s.pin / 31));
    assert.equal(m.hypercalls.batchHistogram[1], 2);
  });

  it('2.6.24 counts arguments in u64 slots: a 12-byte mmuext_op takes 16 bytes of MC_ARGS', () => {
    const n = 10;
    const old = runScenario(
      resolveParams({ strategy: 'per-pte-deferred', kernel: '2.6.24', mode: 'pae', ptePages: n, iterations: 1 }),
    ).metrics;
    const now = runScenario(
      resolveParams({ strategy: 'per-pte-deferred', kernel: 'current', mode: 'pae', ptePages: n, iterations: 1 }),
    ).metrics;
    const ops = 2 * (n + 1); // PIN_L1 x N + PIN_L3, UNPIN x (N + 1); both passes fit in one batch
    assert.equal(old.hypercalls.argBytes, 16 * ops, '2 u64 slots per op');
    // Today: 12 bytes per op, and the next entry rounds argidx up to 8 (16 per op) unless the op ends the batch,
    // as the pin's PIN_L3 does.
    assert.equal(now.hypercalls.argBytes, 16 * ops - 4);
  });
});

describe('unbatched', () => {
  for (const [kernel, mode, sizes] of PAIRS) {
    for (const n of sizes) {
      it(`${kernel} ${mode} N=${n}: one trap per sub-op and no multicall`, () => {
        const { metrics: m } = runScenario(
          resolveParams({ strategy: 'unbatched', kernel, mode, ptePages: n, iterations: ITERATIONS }),
        );
        const t = unbatchedTraps(mode, n);
        assert.equal(m.hypercalls.traps, ITERATIONS * (t.pin + t.unpin));
        assert.equal(m.hypercalls.multicalls, 0);
        assert.equal(m.hypercalls.entries, 0);
        assert.equal(m.locks.ptl.maxHeld, 1);
        assert.equal(m.preempt.maxDepth, 2);
      });
    }
  }
});

describe('locks held', () => {
  it('per-pte-deferred holds at most 17 PTE locks over pin and unpin, preempt depth one more', () => {
    const { metrics: m } = runScenario(resolveParams({ strategy: 'per-pte-deferred', ptePages: 1000, iterations: 1 }));
    assert.equal(m.locks.ptl.maxHeld, 17);
    assert.equal(m.preempt.maxDepth, 18);
    assert.equal(m.lockdep.maxDepth, 2);
    assert.equal(m.locks.ptl.acquisitions, 2000);
  });

  it('per-pte-deferred pin holds 16 when every batch starts even (4level, G=1, U=1)', () => {
    const m = runProgram({ strategy: 'per-pte-deferred', mode: '4level', ptePages: 100 }, pinOnly('per-pte-deferred'));
    assert.equal(m.locks.classes[0].maxHeld, 16);
  });

  it('per-pte-deferred pin holds 17 when a PIN_L1 straddles a batch (pae: the first PMD makes the batch odd)', () => {
    const m = runProgram({ strategy: 'per-pte-deferred', mode: 'pae', ptePages: 100 }, pinOnly('per-pte-deferred'));
    assert.equal(m.locks.classes[0].maxHeld, 17);
    assert.equal(defined(m.cpus[0]).preempt.maxDepth, 18);
  });

  it('per-pte-early-unlock never holds more than one PTE lock', () => {
    const { metrics: m } = runScenario(resolveParams({ strategy: 'per-pte-early-unlock', ptePages: 300, iterations: 1 }));
    assert.equal(m.locks.ptl.maxHeld, 1);
    assert.equal(m.locks.ptl.acquisitions, 600);
    assert.equal(m.preempt.maxDepth, 2);
  });

  for (const n of [254, 255, 300]) {
    it(`whole-lock N=${n}: preempt depth N+1, an overflow per pin and unpin exactly when N+1 reaches 256`, () => {
      const { metrics: m } = runScenario(resolveParams({ strategy: 'whole-lock', ptePages: n, iterations: 3 }));
      assert.equal(m.locks.ptl.maxHeld, n);
      assert.equal(m.preempt.maxDepth, n + 1);
      assert.equal(m.preempt.overflows, n + 1 >= 256 ? 2 * 3 : 0);
      assert.equal(m.lockdep.maxDepth, 2);
    });
  }

  it('whole-lock overflows earlier with fewer PREEMPT_BITS', () => {
    const { metrics: m } = runScenario(resolveParams({ strategy: 'whole-lock', ptePages: 20, iterations: 1, preemptBits: 4 }));
    assert.equal(m.preempt.overflows, 2);
  });

  it('unlocked and mm-lock take no PTE lock in the pinner', () => {
    for (const strategy of ['unlocked', 'mm-lock']) {
      const { metrics: m } = runScenario(resolveParams({ strategy, ptePages: 100, iterations: 1 }));
      assert.equal(m.locks.ptl.acquisitions, 0, strategy);
      assert.equal(m.locks.page_table_lock.acquisitions, 2, strategy);
      assert.equal(m.preempt.maxDepth, 1, strategy);
    }
  });
});

describe('the PAE walk', () => {
  it('visits the three user PMDs and the kernel PMD even for one PTE page (2.6.24 and today)', () => {
    for (const kernel of ['2.6.24', 'current'] as const) {
      const { metrics: m } = runScenario(
        resolveParams({ strategy: 'unlocked', kernel, mode: 'pae', ptePages: 1, iterations: 1 }),
      );
      const u = shape('pae', 1).u;
      assert.equal(u, 4);
      // pin: U + N + pgd remaps; unpin: the same RW remaps.
      assert.equal(m.hypercalls.subops.update_va_mapping, 2 * (u + 1 + 1), kernel);
      assert.equal(m.hypercalls.subops.mmuext_op.PIN_L3_TABLE, 1, kernel);
    }
  });
});
