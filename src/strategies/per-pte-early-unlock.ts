import { MMUEXT_PIN_L1_TABLE, MMUEXT_UNPIN_TABLE } from '../hv/abi.js';
import { PT_PTE } from '../mmu/types.js';
import type { Strategy } from './types.js';
import { batchedPinTopLevel, batchedUnpinTopLevel, NEST_LOCK, remapFlags } from './walk.js';

/**
 * Deliberately broken: the seed's walk, but each PTE lock is released right after its RO remap and PIN_L1 are
 * queued, instead of by a batch callback. Queueing is local to the vCPU, so the lock is gone before the multicall
 * runs: between the page's RO remap and the end of its PIN_L1 validation (and on unpin between its UNPIN and its
 * RW remap) a racing writer takes the lock and its store faults. It shows why the seed defers the unlock.
 */
export const perPteEarlyUnlock: Strategy = {
  name: 'per-pte-early-unlock',
  description: 'deliberately broken: the seed walk, but each PTE lock released right after queueing (racy)',
  raceFree: false,
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
        yield* ctx.unlock(ptl);
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
      if (locked) yield* ctx.unlock(ctx.ptl(frame));
    }
    yield* ctx.mcIssue();
  },
};
