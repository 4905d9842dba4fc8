import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  __HYPERVISOR_mmu_update,
  __HYPERVISOR_mmuext_op,
  CB_UNLOCK,
  MMU_UPDATE_BYTES,
  MMUEXT_OP_BYTES,
  MMUEXT_PIN_L1_TABLE,
  MulticallBatcher,
} from '../../src/hv/index.js';

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
    const b = new MulticallBatcher(32, 64);
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
    const b = new MulticallBatcher(4, 128);
    for (let i = 0; i < 4; i++) b.queueUpdateVaMapping(i, false, 0);
    assert.equal(b.entryFlushReason(0), 'slots');
    assert.equal(b.stats.batchHistogram.length, 5);
  });
});
