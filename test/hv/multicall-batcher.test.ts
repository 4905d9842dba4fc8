import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  __HYPERVISOR_mmu_update,
  __HYPERVISOR_mmuext_op,
  CB_UNLOCK,
  MMU_UPDATE_BYTES,
  MMUEXT_OP_BYTES,
  MMUEXT_OP_BYTES_I386,
  MMUEXT_PIN_L1_TABLE,
  MC_ARGS_BYTES,
  MC_BATCH_SLOTS,
  MulticallBatcher,
} from '../../src/hv/index.js';
import { KERNEL_ERAS } from '../../src/mmu/kernel-era.js';

/** The 2.6.24 batcher: u64-slot accounting with the strict `>` test, no coalescing, no singleton bypass. */
function batcher2624(mcBatch = MC_BATCH_SLOTS, mcArgs = mcBatch * 16): MulticallBatcher {
  const era = KERNEL_ERAS['2.6.24'];
  return new MulticallBatcher({
    mcBatch,
    mcArgs,
    argAccounting: era.argAccounting,
    coalesce: era.coalesce,
    singletonBypass: era.singletonBypass,
  });
}

/** xen_extend_mmuext_op as Linux writes it: extend, else a new entry; returns the flush reason it hit, if any. */
function extendMmuext(b: MulticallBatcher, frame: number): string | null {
  if (b.tryExtend(__HYPERVISOR_mmuext_op, MMUEXT_OP_BYTES)) {
    b.setLastSubop(MMUEXT_PIN_L1_TABLE, frame);
    return null;
  }
  const reason = b.entryFlushReason(MMUEXT_OP_BYTES);
  if (reason) b.take(reason);
  b.queueNewSubopEntry(__HYPERVISOR_mmuext_op, MMUEXT_OP_BYTES);
  b.setLastSubop(MMUEXT_PIN_L1_TABLE, frame);
  return reason;
}

describe('MulticallBatcher', () => {
  it('coalesces 21 consecutive 24-byte mmuext_ops into one entry; the 22nd flushes for args', () => {
    const b = new MulticallBatcher();
    for (let i = 0; i < 21; i++) assert.equal(extendMmuext(b, i), null, `op ${i + 1}`);
    assert.equal(b.queuedEntries, 1);
    assert.equal(b.queuedArgBytes, 504);
    assert.equal(extendMmuext(b, 21), 'args');
    assert.deepEqual(b.stats.flushReasons, { slots: 0, args: 1, callbacks: 0 });
    assert.equal(b.stats.subops.mmuext_op.PIN_L1_TABLE, 21);
  });

  it('fits 31 coalesced 16-byte mmu_updates; the 32nd flushes for args', () => {
    const b = new MulticallBatcher();
    let reason: string | null = null;
    for (let i = 0; i < 32 && !reason; i++) {
      if (b.tryExtend(__HYPERVISOR_mmu_update, MMU_UPDATE_BYTES)) continue;
      reason = b.entryFlushReason(MMU_UPDATE_BYTES);
      if (!reason) b.queueNewSubopEntry(__HYPERVISOR_mmu_update, MMU_UPDATE_BYTES);
      else assert.equal(i, 31);
    }
    assert.equal(reason, 'args');
  });

  it('takes 32 argument-less entries; the 33rd flushes for slots', () => {
    const b = new MulticallBatcher();
    for (let i = 0; i < 32; i++) {
      assert.equal(b.entryFlushReason(0), null);
      b.queueUpdateVaMapping(i, false, 0);
    }
    assert.equal(b.entryFlushReason(0), 'slots');
  });

  it('takes 32 callbacks; the 33rd flushes for callbacks', () => {
    const b = new MulticallBatcher();
    for (let i = 0; i < 32; i++) {
      assert.equal(b.callbackNeedsFlush(), false);
      b.queueCallback(CB_UNLOCK, i);
    }
    assert.equal(b.callbackNeedsFlush(), true);
  });

  it('does not extend into an empty batch or across a different hypercall', () => {
    const b = new MulticallBatcher();
    assert.equal(b.tryExtend(__HYPERVISOR_mmuext_op, MMUEXT_OP_BYTES), false);
    b.queueUpdateVaMapping(1, false, 0);
    assert.equal(b.tryExtend(__HYPERVISOR_mmuext_op, MMUEXT_OP_BYTES), false);
  });

  it('rounds argidx up to 8 bytes before a new entry', () => {
    const b = new MulticallBatcher({ mcBatch: 32, mcArgs: 64 });
    b.queueNewSubopEntry(__HYPERVISOR_mmu_update, 12);
    // roundup(12) = 16 and 16 + 48 = 64 >= 64: no room, although 12 + 48 = 60 would fit.
    assert.equal(b.entryFlushReason(48), 'args');
    assert.equal(b.entryFlushReason(47), null);
  });

  it('counts every flush as a batch, empty ones too, and histograms entries per batch', () => {
    const b = new MulticallBatcher();
    b.take(null);
    b.queueUpdateVaMapping(1, false, 0);
    b.queueUpdateVaMapping(2, false, 0);
    b.queueNewSubopEntry(__HYPERVISOR_mmuext_op, 24);
    b.setLastSubop(MMUEXT_PIN_L1_TABLE, 2);
    b.take(null);
    assert.equal(b.stats.batches, 2);
    assert.equal(b.stats.multicalls, 1);
    assert.equal(b.stats.entries, 3);
    assert.equal(b.stats.argBytes, 24);
    assert.equal(b.stats.batchHistogram[0], 1);
    assert.equal(b.stats.batchHistogram[3], 1);
    assert.deepEqual(b.stats.hypercallHistogram, { 14: 2, 26: 1 });
    assert.deepEqual(b.stats.flushReasons, { slots: 0, args: 0, callbacks: 0 });
  });

  it('honours MC_BATCH and MC_ARGS as parameters', () => {
    const b = new MulticallBatcher({ mcBatch: 4, mcArgs: 128 });
    for (let i = 0; i < 4; i++) b.queueUpdateVaMapping(i, false, 0);
    assert.equal(b.entryFlushReason(0), 'slots');
    assert.equal(b.stats.batchHistogram.length, 5);
  });

  it('MC_ARGS follows MC_BATCH: 16 bytes per slot unless given', () => {
    assert.equal(new MulticallBatcher().mcArgs, MC_ARGS_BYTES);
    assert.equal(new MulticallBatcher({ mcBatch: 64 }).mcArgs, 64 * 16);
    assert.equal(new MulticallBatcher({ mcBatch: 64, mcArgs: 100 }).mcArgs, 100);
  });

  it('today: a singleton flush is counted as a direct hypercall, not a multicall', () => {
    const b = new MulticallBatcher();
    b.queueUpdateVaMapping(1, false, 0);
    assert.equal(b.flushIsSingleton, true);
    b.take(null);
    b.queueUpdateVaMapping(1, false, 0);
    b.queueUpdateVaMapping(2, false, 0);
    assert.equal(b.flushIsSingleton, false);
    b.take(null);
    assert.deepEqual([b.stats.singletons, b.stats.multicalls, b.stats.entries], [1, 1, 3]);
  });

  it('today: 12-byte i386 mmuext_ops coalesce while argidx + 12 < MC_ARGS: 42 in one entry, the 43rd flushes for args', () => {
    const b = new MulticallBatcher();
    const fit = Math.floor((MC_ARGS_BYTES - 1) / MMUEXT_OP_BYTES_I386);
    assert.equal(fit, 42);
    let reason: string | null = null;
    let ops = 0;
    while (reason === null) {
      if (b.tryExtend(__HYPERVISOR_mmuext_op, MMUEXT_OP_BYTES_I386)) ops++;
      else {
        reason = b.entryFlushReason(MMUEXT_OP_BYTES_I386);
        if (reason === null) {
          b.queueNewSubopEntry(__HYPERVISOR_mmuext_op, MMUEXT_OP_BYTES_I386);
          ops++;
        }
      }
      if (reason === null) b.setLastSubop(MMUEXT_PIN_L1_TABLE, ops);
    }
    assert.equal(ops, fit);
    assert.equal(b.queuedEntries, 1);
    assert.equal(reason, 'args');
  });

  describe('2.6.24', () => {
    it('never coalesces: every mmuext_op is a new entry (no xen_extend_mmuext_op)', () => {
      const b = batcher2624();
      b.queueNewSubopEntry(__HYPERVISOR_mmuext_op, MMUEXT_OP_BYTES_I386);
      assert.equal(b.tryExtend(__HYPERVISOR_mmuext_op, MMUEXT_OP_BYTES_I386), false);
    });

    it('accounts a 12-byte mmuext_op as 2 u64 slots and uses all MC_BATCH*16/8 slots (strict >): 32 fit, the 33rd flushes for args', () => {
      // MC_BATCH 64 so that the slot test does not fire first; MC_ARGS = 32 * 16 bytes = 64 u64 slots.
      const b = batcher2624(64, 32 * 16);
      const slotsPerOp = Math.ceil(MMUEXT_OP_BYTES_I386 / 8);
      const fit = (32 * 16) / 8 / slotsPerOp;
      assert.equal(fit, 32);
      for (let i = 0; i < fit; i++) {
        assert.equal(b.entryFlushReason(MMUEXT_OP_BYTES_I386), null, `op ${i + 1}`);
        b.queueNewSubopEntry(__HYPERVISOR_mmuext_op, MMUEXT_OP_BYTES_I386);
      }
      assert.equal(b.queuedArgBytes, 32 * 16);
      assert.equal(b.entryFlushReason(MMUEXT_OP_BYTES_I386), 'args');
    });

    it("fills MC_ARGS exactly, where today's >= test leaves the last 16-byte mmu_update out", () => {
      // 64 bytes of MC_ARGS, new 16-byte entries: 2.6.24 fits 64 / 8 / 2 = 4 (argidx + 2 > 8 only for the 5th);
      // today entry k starts at 16 (k - 1) and fits while 16 (k - 1) + 16 < 64: 3.
      const old = batcher2624(8, 64);
      const now = new MulticallBatcher({ mcBatch: 8, mcArgs: 64, coalesce: false });
      let oldOps = 0;
      let nowOps = 0;
      while (old.entryFlushReason(MMU_UPDATE_BYTES) === null) {
        old.queueNewSubopEntry(__HYPERVISOR_mmu_update, MMU_UPDATE_BYTES);
        oldOps++;
      }
      while (now.entryFlushReason(MMU_UPDATE_BYTES) === null) {
        now.queueNewSubopEntry(__HYPERVISOR_mmu_update, MMU_UPDATE_BYTES);
        nowOps++;
      }
      assert.equal(oldOps, 64 / 8 / (MMU_UPDATE_BYTES / 8));
      assert.equal(nowOps, 64 / MMU_UPDATE_BYTES - 1);
    });

    it('issues a one-entry batch as a multicall (no singleton bypass)', () => {
      const b = batcher2624();
      b.queueUpdateVaMapping(1, false, 0);
      assert.equal(b.flushIsSingleton, false);
      b.take(null);
      assert.deepEqual([b.stats.singletons, b.stats.multicalls], [0, 1]);
    });
  });
});
