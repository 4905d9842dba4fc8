import type { Strategy } from './types.js';
import { batchedPinWithoutL1Pins, batchedUnpinWithoutL1Unpins } from './walk.js';

/**
 * The 2.6.24-rc code before the seed patch, split PTE locks on: every page remapped RO in the batch, no PIN_L1,
 * and no PTE lock. From a PTE page's RO remap until the final top-level pin validates it (and from the top-level
 * UNPIN until its RW remap) a racing PTE store takes a write-protect fault: the race the seed fixes.
 */
export const unlocked: Strategy = {
  name: 'unlocked',
  description: 'pre-patch 2.6.24-rc: batched RO remaps, one top-level pin, no PTE locks (racy)',
  *pin(ctx) {
    yield ctx.call(batchedPinWithoutL1Pins(ctx));
    yield ctx.mcIssue();
  },
  *unpin(ctx) {
    yield ctx.call(batchedUnpinWithoutL1Unpins(ctx));
    yield ctx.mcIssue();
  },
};
