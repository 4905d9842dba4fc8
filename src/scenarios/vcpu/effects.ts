import type { Effect, Program } from '../../strategies/types.js';

/**
 * The effects a program yields (PinContext methods that return an Effect). Queueing into the batch is not among
 * them: it is a plain call, local to the vCPU. Kinds from E_LOCK on are visible to other vCPUs: guest work owed is
 * paid before them.
 */
export const E_NONE = 0;
export const E_MC_FLUSH = 1;
export const E_MC_ISSUE = 2;
export const E_CALL = 3;
export const E_LOCK = 4;
export const E_UNLOCK = 5;
export const E_HC_UVM = 6;
export const E_HC_MMUEXT = 7;
export const E_STORE = 8;
export const E_SLEEP = 9;
/** The first kind that another vCPU can observe. */
export const E_FIRST_VISIBLE = E_LOCK;

/** What each kind is, for errors and fault reports (the names of the context calls in Linux terms). */
export const EFFECT_NAMES = [
  'none',
  'xen_mc_flush',
  'xen_mc_issue',
  'call',
  'lock',
  'unlock',
  'update_va_mapping hypercall',
  'mmuext_op hypercall',
  'PTE store',
  'sleep',
] as const;

/** The one effect record of a vCPU: a context method fills it, the program yields it, the vCPU executes it. */
export class EffectRecord implements Effect {
  readonly __effect = true as const;
  kind = E_NONE;
  a = 0;
  b = 0;
  c = 0;
  flag = false;
  sub: Program | null = null;
}
