import { MMUEXT_PIN_L1_TABLE, MMUEXT_UNPIN_TABLE, pinCommandForLevel, UVMF_NONE, UVMF_TLB_FLUSH } from '../hv/abi.js';
import { PT_PTE } from '../mmu/types.js';
import type { Strategy } from './types.js';
import { NEST_LOCK, remapFlags, separateKernelPmd } from './walk.js';

/**
 * Like `per-pte-deferred`, without the multicall batcher: every sub-op is its own hypercall and each PTE lock is
 * dropped right after its page's two hypercalls, so at most one PTE lock is held; the price is one trap per
 * sub-op (G+U+2N+4 per pin and per unpin on 4level). A hypothetical: no kernel shipped it.
 */
export const unbatched: Strategy = {
  name: 'unbatched',
  description: 'per-PTE lock, RO remap + PIN_L1 as direct hypercalls, unlock at once (one trap per sub-op)',
  *pin(ctx) {
    const { walkFrames, walkLevels, mode, pgd, userPgd } = ctx.mm;
    for (let i = 0; i < walkFrames.length; i++) {
      const frame = walkFrames[i] as number; // i < walkFrames.length
      if (ctx.testSetPinned(frame)) continue;
      const level = walkLevels[i] as number; // walkLevels is as long as walkFrames
      if (level === PT_PTE) {
        const ptl = ctx.ptl(frame);
        yield* ctx.lock(ptl, NEST_LOCK);
        yield* ctx.hypercallUpdateVaMapping(frame, false, remapFlags(level));
        yield* ctx.hypercallMmuextOp(MMUEXT_PIN_L1_TABLE, frame);
        yield* ctx.unlock(ptl);
      } else yield* ctx.hypercallUpdateVaMapping(frame, false, remapFlags(level));
    }
    const kernelPmd = separateKernelPmd(ctx.mm);
    if (kernelPmd >= 0 && !ctx.testSetPinned(kernelPmd)) yield* ctx.hypercallUpdateVaMapping(kernelPmd, false, UVMF_NONE);
    yield* ctx.hypercallMmuextOp(pinCommandForLevel(mode.topLevel), pgd);
    if (userPgd >= 0 && !ctx.testSetPinned(userPgd)) {
      yield* ctx.hypercallUpdateVaMapping(userPgd, false, UVMF_TLB_FLUSH);
      yield* ctx.hypercallMmuextOp(pinCommandForLevel(mode.topLevel), userPgd);
    }
  },
  *unpin(ctx) {
    const { walkFrames, walkLevels, pgd, userPgd } = ctx.mm;
    yield* ctx.hypercallMmuextOp(MMUEXT_UNPIN_TABLE, pgd);
    if (userPgd >= 0) {
      yield* ctx.hypercallMmuextOp(MMUEXT_UNPIN_TABLE, userPgd);
      if (ctx.testClearPinned(userPgd)) yield* ctx.hypercallUpdateVaMapping(userPgd, true, UVMF_TLB_FLUSH);
    }
    const kernelPmd = separateKernelPmd(ctx.mm);
    if (kernelPmd >= 0 && ctx.testClearPinned(kernelPmd)) yield* ctx.hypercallUpdateVaMapping(kernelPmd, true, UVMF_NONE);
    for (let i = 0; i < walkFrames.length; i++) {
      const frame = walkFrames[i] as number; // i < walkFrames.length
      if (!ctx.testClearPinned(frame)) continue;
      const level = walkLevels[i] as number; // walkLevels is as long as walkFrames
      if (level === PT_PTE) {
        const ptl = ctx.ptl(frame);
        yield* ctx.lock(ptl, NEST_LOCK);
        yield* ctx.hypercallMmuextOp(MMUEXT_UNPIN_TABLE, frame);
        yield* ctx.hypercallUpdateVaMapping(frame, true, remapFlags(level));
        yield* ctx.unlock(ptl);
      } else yield* ctx.hypercallUpdateVaMapping(frame, true, remapFlags(level));
    }
  },
};
