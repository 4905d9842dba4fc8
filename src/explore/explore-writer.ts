import type { MmView } from '../mmu/types.js';
import { ModelError } from '../shared/errors.js';
import type { PinContext, Program } from '../strategies/types.js';

/**
 * A racing PTE writer under exploration: the fork-exit writer (src/scenarios/racing-writer.ts: an rmap walker that
 * takes the PTE page's lock, `pte_lockptr`, stores, unlocks) with the two things that make it random or unbounded
 * replaced by what exploration needs:
 *
 * - it makes `updates` PTE updates and stops, instead of running until the pinner is done (a schedule must end;
 *   fewer racing updates are the schedules in which the last ones come after the pinner has finished);
 * - the PTE page of each update is a choice the explorer enumerates (`choose`), instead of a seeded random pick: every
 *   PTE page with a present PTE is tried, in walk order. The store goes to its first present PTE (which PTE of the
 *   page does not change what Xen does).
 *
 * It does not think: under exploration time orders nothing (interval-time.ts), so a think time would only add a step
 * that changes nothing. On pae an update is two 32-bit stores, as in the scenario. Update u stores the value u.
 */
export function* exploreWriter(
  ctx: PinContext,
  choose: (alternatives: number) => number,
  updates: number,
  storesPerUpdate: number,
): Program {
  const pages = writerPages(ctx.mm);
  if (pages.length === 0) return;
  for (let u = 1; u <= updates; u++) {
    const pick = choose(pages.length);
    const frame = pages[pick];
    if (frame === undefined) throw new ModelError(`a writer's choice ${pick} is not one of its ${pages.length} PTE pages`);
    const ptl = ctx.ptl(frame);
    yield* ctx.lock(ptl);
    for (let s = 0; s < storesPerUpdate; s++) yield* ctx.store(frame, 0, u);
    yield* ctx.unlock(ptl);
  }
}

/** The PTE pages a writer chooses among (those with a present PTE), in walk order: choice k is the k-th. */
export function writerPages(mm: Pick<MmView, 'pteFrames' | 'ptePresent'>): number[] {
  const pages: number[] = [];
  for (let i = 0; i < mm.pteFrames.length; i++) {
    const frame = mm.pteFrames[i];
    if (frame !== undefined && (mm.ptePresent[i] ?? 0) > 0) pages.push(frame);
  }
  return pages;
}
