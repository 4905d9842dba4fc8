import { MMUEXT_PIN_L1_TABLE, MMUEXT_UNPIN_TABLE } from '../hv/abi.js';
import { PT_PTE } from '../mmu/types.js';
import type { Strategy } from './types.js';
import { batchedPinTopLevel, batchedUnpinTopLevel, NEST_LOCK, remapFlags } from './walk.js';

/**
 * The seed patch: each PTE page is locked after its slot is reserved, remapped RO and pinned as an L1 in the same
 * batch, and its unlock is queued as a batch callback, so the lock outlives the multicall that validates it. At
 * most MC_BATCH/2 + 1 = 17 PTE locks are held at once. Unpin: top-level UNPIN first, then per PTE page lock, UNPIN,
 * RW remap, deferred unlock.
 *
 * Under `--kernel 2.6.24` this is pin_page / unpin_page / xen_pgd_pin / xen_pgd_unpin of the seed line by line
 * (arch/x86/xen/mmu.c 2.6.24, lines 393-545). Under `current` it is xen_pin_page / xen_unpin_page of today's
 * mmu_pv.c, which differ: the PTE lock is spin_lock_nest_lock, PIN_L1 and UNPIN go through xen_extend_mmuext_op
 * (coalescing), the walk differs on pae (kernel PMD remapped after the walk), and 4level adds the user pgd
 * (docs/strategies.md lists every difference).
 */
export const perPteDeferred: Strategy = {
  name: 'per-pte-deferred',
  description: 'the seed patch: lock each PTE page, RO remap + PIN_L1, unlock deferred to after the batch',
  *pin(ctx) {
    const { walkFrames, walkLevels } = ctx.mm;
    for (let i = 0; i < walkFrames.length; i++) {
      const frame = walkFrames[i] as number; // i < walkFrames.length
      if (ctx.testSetPinned(frame)) continue;
      const level = walkLevels[i] as number; // walkLevels is as long as walkFrames
      ctx.mcUpdateVaMapping(frame, false, remapFlags(level));
      if (level === PT_PTE && ctx.splitPtlocks) {
        const ptl = ctx.ptl(frame);
        yield* ctx.lock(ptl, NEST_LOCK);
        ctx.mcMmuextOp(MMUEXT_PIN_L1_TABLE, frame);
        ctx.mcCallbackUnlock(ptl);
      }
    }
    batchedPinTopLevel(ctx);
    yield* ctx.mcIssue();
  },
  *unpin(ctx) {
    const { walkFrames, walkLevels } = ctx.mm;
    batchedUnpinTopLevel(ctx);
    for (let i = 0; i < walkFrames.length; i++) {
      const frame = walkFrames[i] as number; // i < walkFrames.length
      if (!ctx.testClearPinned(frame)) continue;
      const level = walkLevels[i] as number; // walkLevels is as long as walkFrames
      const locked = level === PT_PTE && ctx.splitPtlocks;
      if (locked) {
        yield* ctx.lock(ctx.ptl(frame), NEST_LOCK);
        ctx.mcMmuextOp(MMUEXT_UNPIN_TABLE, frame);
      }
      ctx.mcUpdateVaMapping(frame, true, remapFlags(level));
      if (locked) ctx.mcCallbackUnlock(ctx.ptl(frame));
    }
    yield* ctx.mcIssue();
  },
};
