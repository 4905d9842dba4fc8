import { PT_PTE } from '../mmu/types.js';
import type { PinContext, Program, Strategy } from './types.js';
import { batchedPinWithoutL1Pins, batchedUnpinWithoutL1Unpins, NEST_LOCK } from './walk.js';

/** Take every PTE page's split lock (walk order), nested under page_table_lock. */
function* lockAllPtes(ctx: PinContext): Program {
  const { walkFrames, walkLevels } = ctx.mm;
  for (let i = 0; i < walkFrames.length; i++) {
    if (walkLevels[i] === PT_PTE) yield* ctx.lock(ctx.ptl(walkFrames[i] as number), NEST_LOCK); // i < walkFrames.length
  }
}

function* unlockAllPtes(ctx: PinContext): Program {
  const { walkFrames, walkLevels } = ctx.mm;
  for (let i = 0; i < walkFrames.length; i++) {
    if (walkLevels[i] === PT_PTE) yield* ctx.unlock(ctx.ptl(walkFrames[i] as number)); // i < walkFrames.length
  }
}

/**
 * The alternative the seed patch rejects: lock every PTE page for the whole pin or unpin, then run the unlocked
 * walk. Safe, but N + 1 spinlocks are held at once and the preempt count reaches N + 1: at 256 it carries out of
 * the 8-bit PREEMPT field into SOFTIRQ ("may overflow the PREEMPT_BITS portion of preempt counter").
 */
export const wholeLock: Strategy = {
  name: 'whole-lock',
  description: 'lock every PTE page for the whole walk, then the unlocked walk (preempt depth N+1: overflows)',
  *pin(ctx) {
    yield* lockAllPtes(ctx);
    batchedPinWithoutL1Pins(ctx);
    yield* ctx.mcIssue();
    yield* unlockAllPtes(ctx);
  },
  *unpin(ctx) {
    yield* lockAllPtes(ctx);
    batchedUnpinWithoutL1Unpins(ctx);
    yield* ctx.mcIssue();
    yield* unlockAllPtes(ctx);
  },
};
