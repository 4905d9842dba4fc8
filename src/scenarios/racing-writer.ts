import type { RngStream } from '../sim/rng.js';
import type { Effect, PinContext, Program } from '../strategies/types.js';

/** Where the writer is in its loop: the next effect it yields. */
const SLEEP = 0;
const LOCK = 1;
const STORE = 2;
const UNLOCK = 3;
const DONE = 4;

/**
 * A racing PTE writer of the fork-exit scenario (an rmap walker: try_to_unmap_one, page_referenced_one,
 * page_mkclean_one), until the pinner is done. It is this program, written as a hand-made iterator instead of a
 * generator because writers make most of a racing run's events and resuming a generator costs more than a writer's
 * own work (issue 12); it yields the same effects in the same order:
 *
 *     while (!run.pinnerDone) {
 *       yield* ctx.sleep(rng.exponentialNs(thinkNs));          // think
 *       if (run.pinnerDone) break;
 *       k = rng.int(0, mm.presentPtes - 1);                   // a present PTE, uniformly
 *       frame, index = the PTE page and slot of the k-th present PTE
 *       yield* ctx.lock(ctx.ptl(frame));                       // pte_lockptr
 *       value++;
 *       for (s = 0; s < storesPerUpdate; s++) yield* ctx.store(frame, index, value);  // two 32-bit halves on pae
 *       yield* ctx.unlock(ptl);
 *     }
 */
export class RacingWriter implements Program {
  private state = SLEEP;
  private frame = 0;
  private index = 0;
  private ptl = 0;
  private value = 0;
  private stores = 0;
  /** The one result object this iterator hands out (read at once by the vCPU). */
  private readonly result: IteratorResult<Effect, void> = { done: false, value: undefined as unknown as Effect };

  constructor(
    private readonly ctx: PinContext,
    private readonly rng: RngStream,
    private readonly run: { readonly pinnerDone: boolean },
    private readonly thinkNs: number,
    private readonly storesPerUpdate: number,
  ) {}

  next(): IteratorResult<Effect, void> {
    const ctx = this.ctx;
    switch (this.state) {
      case SLEEP:
        if (this.run.pinnerDone) return this.finish();
        this.state = LOCK;
        return this.yield(ctx.sleep(this.rng.exponentialNs(this.thinkNs)));
      case LOCK: {
        if (this.run.pinnerDone) return this.finish();
        const mm = ctx.mm;
        const k = this.rng.int(0, mm.presentPtes - 1);
        // 0 <= k < presentPtes, so `page` is a PTE page's index, in range of the three per-PTE-page arrays.
        const page = mm.ptePageOfPte(k);
        this.index = k - ((mm.pteCumulative[page] as number) - (mm.ptePresent[page] as number));
        this.frame = mm.pteFrames[page] as number;
        this.ptl = ctx.ptl(this.frame);
        this.value++;
        this.stores = 0;
        this.state = this.storesPerUpdate > 0 ? STORE : UNLOCK;
        return this.yield(ctx.lock(this.ptl));
      }
      case STORE:
        if (++this.stores === this.storesPerUpdate) this.state = UNLOCK;
        return this.yield(ctx.store(this.frame, this.index, this.value));
      case UNLOCK:
        this.state = SLEEP;
        return this.yield(ctx.unlock(this.ptl));
      default:
        return this.finish();
    }
  }

  return(): IteratorResult<Effect, void> {
    return this.finish();
  }

  throw(error: unknown): IteratorResult<Effect, void> {
    this.finish();
    throw error;
  }

  [Symbol.iterator](): this {
    return this;
  }

  private yield(effect: Effect): IteratorResult<Effect, void> {
    const r = this.result as { done: boolean; value: Effect | undefined };
    r.done = false;
    r.value = effect;
    return this.result;
  }

  private finish(): IteratorResult<Effect, void> {
    this.state = DONE;
    const r = this.result as { done: boolean; value: Effect | undefined };
    r.done = true;
    r.value = undefined;
    return this.result;
  }
}
