import { MMUEXT_UNPIN_TABLE, pinCommandForLevel, UVMF_NONE, UVMF_TLB_FLUSH } from '../hv/abi.js';
import { PT_PGD } from '../mmu/types.js';
import type { PinContext, Program } from './types.js';

/** UVMF_TLB_FLUSH for the pgd, no flush for the others (xen_pin_page / xen_unpin_page). */
export function remapFlags(level: number): number {
  return level === PT_PGD ? UVMF_TLB_FLUSH : UVMF_NONE;
}

/**
 * The pre-patch batched pin (2.6.24-rc, xen_pgd_pin): every page of the walk remapped RO (pgd last, with a TLB
 * flush), no PIN_L1, then the top-level pin validates every table; then the user pgd (4level).
 * The caller issues the batch.
 */
export function* batchedPinWithoutL1Pins(ctx: PinContext): Program {
  const { walkFrames, walkLevels } = ctx.mm;
  for (let i = 0; i < walkFrames.length; i++) {
    const frame = walkFrames[i];
    if (ctx.testSetPinned(frame)) continue;
    yield ctx.mcUpdateVaMapping(frame, false, remapFlags(walkLevels[i]));
  }
  yield* batchedPinTopLevel(ctx);
}

/**
 * The end of __xen_pgd_pin: PIN_L{top} of the pgd, then (4level) the user pgd remapped RO with a TLB flush
 * and pinned too. Queued into the batch; the caller issues it.
 */
export function* batchedPinTopLevel(ctx: PinContext): Program {
  const { mode, pgd, userPgd } = ctx.mm;
  yield ctx.mcMmuextOp(pinCommandForLevel(mode.topLevel), pgd);
  if (userPgd >= 0 && !ctx.testSetPinned(userPgd)) {
    yield ctx.mcUpdateVaMapping(userPgd, false, UVMF_TLB_FLUSH);
    yield ctx.mcMmuextOp(pinCommandForLevel(mode.topLevel), userPgd);
  }
}

/**
 * The start of __xen_pgd_unpin: UNPIN_TABLE of the pgd and (4level) of the user pgd, which coalesce into one
 * mmuext_op entry, then the user pgd remapped RW with a TLB flush.
 */
export function* batchedUnpinTopLevel(ctx: PinContext): Program {
  const { pgd, userPgd } = ctx.mm;
  yield ctx.mcMmuextOp(MMUEXT_UNPIN_TABLE, pgd);
  if (userPgd >= 0) {
    yield ctx.mcMmuextOp(MMUEXT_UNPIN_TABLE, userPgd);
    if (ctx.testClearPinned(userPgd)) yield ctx.mcUpdateVaMapping(userPgd, true, UVMF_TLB_FLUSH);
  }
}

/**
 * The pre-patch batched unpin (xen_pgd_unpin): UNPIN the pgd (and user pgd, coalesced), which devalidates the
 * whole tree, then remap every page RW, pgd last with a TLB flush. The caller issues the batch.
 */
export function* batchedUnpinWithoutL1Unpins(ctx: PinContext): Program {
  const { walkFrames, walkLevels } = ctx.mm;
  yield* batchedUnpinTopLevel(ctx);
  for (let i = 0; i < walkFrames.length; i++) {
    const frame = walkFrames[i];
    if (!ctx.testClearPinned(frame)) continue;
    yield ctx.mcUpdateVaMapping(frame, true, remapFlags(walkLevels[i]));
  }
}
