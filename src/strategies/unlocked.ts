import type { Strategy } from './types.js';
import { batchedPinWithoutL1Pins, batchedUnpinWithoutL1Unpins } from './walk.js';

/**
 * The 2.6.24-rc walk before the seed patch, with split PTE locks on: every page remapped RO in the batch, no
 * PIN_L1, and no PTE lock. A hypothetical: the kernel that shipped before the seed forced split PTE locks off under
 * Xen (mm/Kconfig `default "4096" if XEN`, the line the seed removes), which is `mm-lock`; this is what turning them
 * on without the seed would have done. From a PTE page's RO remap until the final top-level pin validates it (and
 * from the top-level UNPIN until its RW remap) a racing PTE store takes a write-protect fault: the race the seed
 * fixes.
 */
export const unlocked: Strategy = {
  name: 'unlocked',
  description: 'hypothetical pre-patch walk with split PTE locks on: batched RO remaps, one top-level pin, no PTE locks (racy)',
  raceFree: false,
  *pin(ctx) {
    batchedPinWithoutL1Pins(ctx);
    yield* ctx.mcIssue();
  },
  *unpin(ctx) {
    batchedUnpinWithoutL1Unpins(ctx);
    yield* ctx.mcIssue();
  },
};
