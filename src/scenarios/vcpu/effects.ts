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

/** The end of the iteration `yield*` of an effect makes: one shared result (`yield*` reads `done` and drops it). */
const NOTHING_LEFT: IteratorResult<Effect, void> = { done: true, value: undefined };

/**
 * The one effect record of a vCPU: a context method fills it, the program yields it (`yield` or `yield*`), the vCPU
 * executes it. When the vCPU could perform it inside the context call (no other vCPU is due first: the instant and
 * the events are those it would have had after the yield), `performed` is set and `yield*` iterates nothing, so the
 * program is not suspended; otherwise `yield*` yields the record once, exactly as `yield` does. The record is its own
 * iterator (no allocation, one shape at the `yield*` site).
 */
export class EffectRecord implements Effect, Iterator<Effect, void, void> {
  readonly __effect = true as const;
  kind = E_NONE;
  a = 0;
  b = 0;
  c = 0;
  flag = false;
  sub: Program | null = null;
  /** A context method filled it and the program has not yielded it yet (no other context call may come first). */
  requested = false;
  /** The vCPU started executing it inside the context call (it may still be parked: guest work paid first, big lock). */
  started = false;
  /** Done inside the context call, and the vCPU may go on: `yield*` need not suspend the program. */
  performed = false;
  /** `yield*` of the record has still to yield it once. */
  private toYield = false;
  private readonly yielded: IteratorResult<Effect, void> = { done: false, value: this };

  [Symbol.iterator](): this {
    if (this.performed) {
      this.requested = false; // yielded: the program goes on without a trip through the vCPU
      this.toYield = false;
    } else this.toYield = true;
    return this;
  }

  next(): IteratorResult<Effect, void> {
    if (!this.toYield) return NOTHING_LEFT;
    this.toYield = false;
    return this.yielded;
  }
}
