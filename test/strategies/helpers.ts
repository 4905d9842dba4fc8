import { resolveParams } from '../../src/scenarios/params.js';
import { Machine } from '../../src/scenarios/machine.js';
import type { ForkExitParams, PagingMode } from '../../src/scenarios/types.js';
import { COST_PROFILES } from '../../src/hv/cost-profiles.js';
import { getStrategy } from '../../src/strategies/registry.js';
import type { PinContext, Program } from '../../src/strategies/types.js';

/** G, U, N of a dense layout: PMD pages hold 512 PTE pages, PUD pages 512 PMD pages (xen-semantics.md section 9). */
export function shape(mode: PagingMode, n: number): { g: number; u: number; n: number } {
  if (mode === '2level') return { g: 0, u: 0, n };
  const u = Math.ceil(n / 512);
  return { g: mode === '4level' ? Math.ceil(u / 512) : 0, u, n };
}

/**
 * Multicall slots of one pin and one unpin, from section 9: G+U+N+4 / G+U+N+3 without PIN_L1 and G+U+2N+4 /
 * G+U+2N+3 with it on 4level; on pae and 2level the user pgd's two slots go (and the merged UNPIN is one slot).
 */
export function slots(strategy: string, mode: PagingMode, ptePages: number): { pin: number; unpin: number } {
  const { g, u, n } = shape(mode, ptePages);
  const perPte = strategy === 'per-pte-deferred' ? 2 : 1;
  const top = mode === '4level' ? { pin: 4, unpin: 3 } : { pin: 2, unpin: 2 };
  // 2level per-pte-deferred: the first PTE page's UNPIN directly follows the pgd's UNPIN and xen_extend_mmuext_op
  // coalesces the two into one entry (on pae a PMD remap comes between, on 4level the user pgd remap).
  const coalesced = mode === '2level' && strategy === 'per-pte-deferred' ? 1 : 0;
  return { pin: g + u + perPte * n + top.pin, unpin: g + u + perPte * n + top.unpin - coalesced };
}

/** Traps of one pin and one unpin for `unbatched`: one per sub-op, the two top-level UNPINs separate. */
export function unbatchedTraps(mode: PagingMode, ptePages: number): { pin: number; unpin: number } {
  const { g, u, n } = shape(mode, ptePages);
  return mode === '4level' ? { pin: g + u + 2 * n + 4, unpin: g + u + 2 * n + 4 } : { pin: g + u + 2 * n + 2, unpin: g + u + 2 * n + 2 };
}

/** A machine for `params` whose vCPU 0 runs `program` (e.g. one pin alone), run to the end. */
export function runProgram(params: Partial<ForkExitParams>, program: (ctx: PinContext) => Program): Machine {
  const m = makeMachine(params);
  m.cpus[0].start(program(m.cpus[0]));
  m.run();
  return m;
}

/** A machine for `params`, not yet started. */
export function makeMachine(params: Partial<ForkExitParams>): Machine {
  const p = resolveParams(params);
  return new Machine(p, COST_PROFILES[p.profile], getStrategy(p.strategy).splitPtlocks !== false);
}

/** One pin of the strategy, under page_table_lock, as dup_mmap does it. */
export function pinOnly(strategy: string) {
  return function* (ctx: PinContext): Program {
    yield ctx.lock(ctx.pageTableLock);
    yield* getStrategy(strategy).pin(ctx);
    yield ctx.unlock(ctx.pageTableLock);
  };
}
