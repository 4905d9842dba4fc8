import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveParams, runScenario } from '../../src/scenarios/index.js';
import type { PagingMode } from '../../src/scenarios/types.js';
import { pinOnly, runProgram, slots, unbatchedTraps } from './helpers.js';

const SIZES: Record<PagingMode, number[]> = {
  '2level': [1, 15, 100, 768],
  pae: [1, 100, 513, 1536],
  '4level': [1, 100, 512, 513, 1000],
};
const BATCHED = ['unlocked', 'mm-lock', 'whole-lock', 'per-pte-deferred'];
const ITERATIONS = 2;

describe('hypercall counts of section 9, every batched strategy, mode and size', () => {
  for (const strategy of BATCHED) {
    for (const mode of Object.keys(SIZES) as PagingMode[]) {
      for (const n of SIZES[mode]) {
        it(`${strategy} ${mode} N=${n}: slots, multicalls, traps and flush reasons`, () => {
          const { metrics: m } = runScenario(resolveParams({ strategy, mode, ptePages: n, iterations: ITERATIONS }));
          const s = slots(strategy, mode, n);
          const h = { pin: Math.ceil(s.pin / 32), unpin: Math.ceil(s.unpin / 32) };
          assert.equal(m.hypercalls.entries, ITERATIONS * (s.pin + s.unpin), 'entries');
          assert.equal(m.hypercalls.multicalls, ITERATIONS * (h.pin + h.unpin), 'multicalls');
          assert.equal(m.hypercalls.traps, m.hypercalls.multicalls, 'one trap per multicall');
          assert.deepEqual(m.hypercalls.flushReasons, { slots: ITERATIONS * (h.pin - 1 + h.unpin - 1), args: 0, callbacks: 0 });
          assert.equal(m.hypercalls.batches, ITERATIONS * (h.pin + h.unpin));
          const pinL1 = strategy === 'per-pte-deferred' ? ITERATIONS * n : undefined;
          assert.equal(m.hypercalls.subops.mmuext_op.PIN_L1_TABLE, pinL1);
          assert.equal(m.faults.hypercallErrors, 0);
        });
      }
    }
  }

  it('the worked example: per-pte-deferred with G=1, U=1, N=100 pins in 206 slots and 7 multicalls', () => {
    const { metrics: m } = runScenario(resolveParams({ strategy: 'per-pte-deferred', mode: '4level', ptePages: 100, iterations: 1 }));
    const pinHisto = [32, 32, 32, 32, 32, 32, 14];
    assert.equal(pinHisto.reduce((a, b) => a + b), 206);
    // The unpin takes 205 slots: six full batches and one of 13.
    const expected = new Array<number>(33).fill(0);
    expected[32] = 12;
    expected[14] = 1;
    expected[13] = 1;
    assert.deepEqual(m.hypercalls.batchHistogram, expected);
    assert.equal(m.hypercalls.entries, 206 + 205);
    assert.deepEqual(m.hypercalls.subops.mmuext_op, { PIN_L1_TABLE: 100, PIN_L4_TABLE: 2, UNPIN_TABLE: 102 });
    assert.equal(m.hypercalls.subops.update_va_mapping, 2 * (1 + 1 + 100 + 2));
    assert.equal(m.hypercalls.argBytes, 24 * (100 + 2) + 24 * (100 + 2));
  });
});

describe('unbatched', () => {
  for (const mode of Object.keys(SIZES) as PagingMode[]) {
    for (const n of SIZES[mode]) {
      it(`${mode} N=${n}: one trap per sub-op and no multicall`, () => {
        const { metrics: m } = runScenario(resolveParams({ strategy: 'unbatched', mode, ptePages: n, iterations: ITERATIONS }));
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

  it('per-pte-deferred pin holds 17 when a PIN_L1 straddles a batch (pae, U=1)', () => {
    const m = runProgram({ strategy: 'per-pte-deferred', mode: 'pae', ptePages: 100 }, pinOnly('per-pte-deferred'));
    assert.equal(m.locks.classes[0].maxHeld, 17);
    assert.equal(m.cpus[0].preempt.maxDepth, 18);
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
