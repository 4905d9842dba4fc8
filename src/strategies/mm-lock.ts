import type { Strategy } from './types.js';
import { batchedPinWithoutL1Pins, batchedUnpinWithoutL1Unpins } from './walk.js';

/**
 * The kernel that shipped before the seed: split PTE locks off (`SPLIT_PTLOCK_CPUS=4096 if XEN`, the mm/Kconfig
 * line the seed removes), so every PTE update in the mm takes mm->page_table_lock, which the pinner holds
 * throughout, and the same walk as `unlocked` is safe; the price is that every PTE writer of the mm waits for the
 * whole pin or unpin.
 */
export const mmLock: Strategy = {
  name: 'mm-lock',
  description:
    'the shipped pre-patch kernel, split PTE locks off: PTE writers serialise on mm->page_table_lock, held by the pinner throughout',
  splitPtlocks: false,
  *pin(ctx) {
    batchedPinWithoutL1Pins(ctx);
    yield* ctx.mcIssue();
  },
  *unpin(ctx) {
    batchedUnpinWithoutL1Unpins(ctx);
    yield* ctx.mcIssue();
  },
};
