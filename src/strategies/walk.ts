import { MMUEXT_UNPIN_TABLE, pinCommandForLevel, UVMF_NONE, UVMF_TLB_FLUSH } from '../hv/abi.js';
import type { MmView } from '../mmu/types.js';
import { PT_PGD } from '../mmu/types.js';
import type { LockOptions, PinContext } from './types.js';

/**
 * `{ nest: true }`, one shared frozen object: the PTE lock of the pin walk, `yield* ctx.lock(ptl, NEST_LOCK)`
 * (spin_lock_nest_lock(ptl, &mm->page_table_lock) today, a plain spin_lock under 2.6.24). The same as writing the
 * literal, without allocating an options object at every lock (a walk takes one per PTE page).
 */
export const NEST_LOCK: LockOptions = Object.freeze({ nest: true });

/**
 * The PAE kernel PMD when the walk does not visit it (today's kernels: __xen_pgd_pin remaps it with
 * xen_pin_page(..., PT_PMD) after the walk, __xen_pgd_unpin with xen_unpin_page right after the pgd's UNPIN),
 * or -1 (not pae, or 2.6.24 whose pgd_walk visits it before the pgd).
 */
export function separateKernelPmd(mm: MmView): number {
  return mm.kernelPmd >= 0 && !mm.kernelPmdInWalk ? mm.kernelPmd : -1;
}

/** UVMF_TLB_FLUSH for the pgd, no flush for the others (xen_pin_page / xen_unpin_page). */
export function remapFlags(level: number): number {
  return level === PT_PGD ? UVMF_TLB_FLUSH : UVMF_NONE;
}

/**
 * The pre-patch batched pin (2.6.24-rc, xen_pgd_pin): every page of the walk remapped RO (pgd last, with a TLB
 * flush), no PIN_L1, then the top-level pin validates every table; then the user pgd (4level).
 * The caller issues the batch. With today's kernel this is also the pin with split PTE locks off (mmu_pv.c pins
 * PTE pages individually only when it took their lock). Queueing only: no interleaving point of its own.
 */
export function batchedPinWithoutL1Pins(ctx: PinContext): void {
  const { walkFrames, walkLevels } = ctx.mm;
  for (let i = 0; i < walkFrames.length; i++) {
    const frame = walkFrames[i] as number; // i < walkFrames.length
    if (ctx.testSetPinned(frame)) continue;
    ctx.mcUpdateVaMapping(frame, false, remapFlags(walkLevels[i] as number)); // walkLevels is as long as walkFrames
  }
  batchedPinTopLevel(ctx);
}

/**
 * The end of xen_pgd_pin / __xen_pgd_pin: (pae, today) the kernel PMD remapped RO, PIN_L{top} of the pgd, then
 * (4level) the user pgd remapped RO with a TLB flush and pinned too. Queued into the batch; the caller issues it.
 */
export function batchedPinTopLevel(ctx: PinContext): void {
  const { mode, pgd, userPgd } = ctx.mm;
  const kernelPmd = separateKernelPmd(ctx.mm);
  if (kernelPmd >= 0 && !ctx.testSetPinned(kernelPmd)) ctx.mcUpdateVaMapping(kernelPmd, false, UVMF_NONE);
  ctx.mcMmuextOp(pinCommandForLevel(mode.topLevel), pgd);
  if (userPgd >= 0 && !ctx.testSetPinned(userPgd)) {
    ctx.mcUpdateVaMapping(userPgd, false, UVMF_TLB_FLUSH);
    ctx.mcMmuextOp(pinCommandForLevel(mode.topLevel), userPgd);
  }
}

/**
 * The start of xen_pgd_unpin / __xen_pgd_unpin: UNPIN_TABLE of the pgd and (4level) of the user pgd, which
 * coalesce into one mmuext_op entry where the kernel coalesces, then the user pgd remapped RW with a TLB flush;
 * (pae, today) the kernel PMD remapped RW.
 */
export function batchedUnpinTopLevel(ctx: PinContext): void {
  const { pgd, userPgd } = ctx.mm;
  ctx.mcMmuextOp(MMUEXT_UNPIN_TABLE, pgd);
  if (userPgd >= 0) {
    ctx.mcMmuextOp(MMUEXT_UNPIN_TABLE, userPgd);
    if (ctx.testClearPinned(userPgd)) ctx.mcUpdateVaMapping(userPgd, true, UVMF_TLB_FLUSH);
  }
  const kernelPmd = separateKernelPmd(ctx.mm);
  if (kernelPmd >= 0 && ctx.testClearPinned(kernelPmd)) ctx.mcUpdateVaMapping(kernelPmd, true, UVMF_NONE);
}

/**
 * The pre-patch batched unpin (xen_pgd_unpin): UNPIN the pgd (and user pgd, coalesced), which devalidates the
 * whole tree, then remap every page RW, pgd last with a TLB flush. The caller issues the batch. Queueing only.
 */
export function batchedUnpinWithoutL1Unpins(ctx: PinContext): void {
  const { walkFrames, walkLevels } = ctx.mm;
  batchedUnpinTopLevel(ctx);
  for (let i = 0; i < walkFrames.length; i++) {
    const frame = walkFrames[i] as number; // i < walkFrames.length
    if (!ctx.testClearPinned(frame)) continue;
    ctx.mcUpdateVaMapping(frame, true, remapFlags(walkLevels[i] as number)); // walkLevels is as long as walkFrames
  }
}
