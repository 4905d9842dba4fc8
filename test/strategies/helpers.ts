import { resolveParams } from '../../src/scenarios/params.js';
import { Machine } from '../../src/scenarios/machine.js';
import type { ForkExitParams, KernelVersion, PagingMode } from '../../src/scenarios/types.js';
import { COST_PROFILES } from '../../src/hv/cost-profiles.js';
import { KERNEL_ERAS } from '../../src/mmu/kernel-era.js';
import { PAGING_MODES } from '../../src/mmu/paging-mode.js';
import { getStrategy } from '../../src/strategies/registry.js';
import type { PinContext, Program } from '../../src/strategies/types.js';
import { defined } from '../../src/shared/defined.js';

/**
 * G, U, N of a dense layout: on 4level PMD pages hold 512 PTE pages and PUD pages 512 PMDs; on pae pgd_alloc
 * preallocates the three user PMDs and the kernel PMD whatever N is (U = 4); 2level has neither.
 */
export function shape(mode: PagingMode, n: number): { g: number; u: number; n: number } {
  if (mode === '2level') return { g: 0, u: 0, n };
  if (mode === 'pae') return { g: 0, u: PAGING_MODES.pae.userPgdSlots + 1, n };
  const u = Math.ceil(n / 512);
  return { g: Math.ceil(u / 512), u, n };
}

/** Whether the strategy pins each PTE page separately (two slots per PTE page). */
export const pinsL1 = (strategy: string): boolean => strategy === 'per-pte-deferred' || strategy === 'per-pte-early-unlock';

/**
 * Multicall entries of one pin and one unpin, from the walk (docs/model.md): every walked page is one RO (RW)
 * remap, a PTE page pinned separately adds its PIN_L1 (UNPIN); the top level adds its pin, and on 4level the user
 * pgd's remap and pin; the unpin starts with the top-level UNPIN. Today's kernel coalesces the user pgd's UNPIN
 * into the pgd's (4level), and on 2level would coalesce the first PTE page's UNPIN too; 2.6.24 coalesces nothing.
 */
export function slots(
  strategy: string,
  mode: PagingMode,
  ptePages: number,
  kernel: KernelVersion,
): { pin: number; unpin: number } {
  const { g, u, n } = shape(mode, ptePages);
  const perPte = pinsL1(strategy) ? 2 : 1;
  const walked = g + u + perPte * n + 1; // every table of the walk, the pgd included
  if (mode === '4level') return { pin: walked + 3, unpin: walked + 2 }; // + PIN_L4, user pgd remap, PIN_L4 / UNPINs (one entry), user pgd remap
  const coalesced = KERNEL_ERAS[kernel].coalesce && mode === '2level' && perPte === 2 ? 1 : 0;
  return { pin: walked + 1, unpin: walked + 1 - coalesced };
}

/**
 * Flushes of S entries in batches of MC_BATCH: every flush but the last is full ('slots'). Under a kernel with
 * the singleton bypass a last batch of exactly one entry is a direct hypercall, not a multicall.
 */
export function flushes(
  s: number,
  kernel: KernelVersion,
  mcBatch = 32,
): { flushes: number; multicalls: number; singletons: number } {
  const f = Math.ceil(s / mcBatch);
  const last = s - mcBatch * (f - 1);
  const singleton = KERNEL_ERAS[kernel].singletonBypass && last === 1 ? 1 : 0;
  return { flushes: f, multicalls: f - singleton, singletons: singleton };
}

/** Traps of one pin and one unpin for `unbatched`: one per sub-op, the top-level UNPINs separate. */
export function unbatchedTraps(mode: PagingMode, ptePages: number): { pin: number; unpin: number } {
  const { g, u, n } = shape(mode, ptePages);
  const walked = g + u + 2 * n + 1;
  return mode === '4level' ? { pin: walked + 3, unpin: walked + 3 } : { pin: walked + 1, unpin: walked + 1 };
}

/** A machine for `params` whose vCPU 0 runs `program` (e.g. one pin alone), run to the end. */
export function runProgram(params: Partial<ForkExitParams>, program: (ctx: PinContext) => Program): Machine {
  const m = makeMachine(params);
  defined(m.cpus[0]).start(program(defined(m.cpus[0])));
  m.run();
  return m;
}

/** A machine for `params`, not yet started. */
export function makeMachine(params: Partial<ForkExitParams>): Machine {
  const p = resolveParams(params);
  return new Machine(p, defined(COST_PROFILES[p.profile]), getStrategy(p.strategy).splitPtlocks !== false);
}

/** One pin of the strategy, under page_table_lock, as dup_mmap does it. */
export function pinOnly(strategy: string) {
  return function* (ctx: PinContext): Program {
    yield ctx.lock(ctx.pageTableLock);
    yield* getStrategy(strategy).pin(ctx);
    yield ctx.unlock(ctx.pageTableLock);
  };
}
