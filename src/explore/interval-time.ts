import type { DomainLock } from '../hv/domain-lock.js';
import type { Hypervisor } from '../hv/hypervisor.js';
import { ModelError } from '../shared/errors.js';
import type { ExploreEngine } from './explore-engine.js';

/**
 * Virtual ns between two steps of an exploration: step i (from 0) runs at `(i + 1) * STEP_NS`, after the instant 0
 * at which the machine was built. Far longer than any one action (a check below enforces it), and small enough that
 * ns stay exact in a double for 2^21 steps.
 */
export const STEP_NS = 2 ** 32;

/** Most steps of one schedule (the clock above stays exact below it). */
export const MAX_STEPS_PER_SCHEDULE = 2 ** 20;

/**
 * What time means under exploration: the schedule decides the order of the actions, not their costs. Each step is
 * one action of one vCPU; the action takes effect at its start, as in the timed engine, and it lasts until that
 * vCPU's next step: other vCPUs' steps in between happen while it runs. Two rules of the model depend on an action
 * lasting:
 *
 * - a table validated by a sub-op is validated only when the sub-op ends (Xen sets PGT_validated at the end of
 *   alloc_lN_table; a store meanwhile is not emulated): it stays pending until the validating vCPU's next step;
 * - Xen 3.1's domain big lock, held by a sub-op or a trapped store, is free again only at the holder's next step:
 *   a vCPU that wants it meanwhile waits (it is not schedulable) until then.
 *
 * The model computes both from virtual time (hv.validatedAtNs, domainLock.freeAtNs). This class keeps them open:
 * after each step it marks what the step validated or took as lasting for ever, and at the owner's next step it
 * closes them at that step's instant. Nothing else of the model reads the clock for a decision.
 */
export class IntervalTime {
  /** The vCPU whose running action is validating each frame, or -1. */
  private readonly validating: Int16Array;
  private pendingCount = 0;
  /** The vCPU whose running action holds the big lock, or -1. */
  private bigLockHolder = -1;

  constructor(
    private readonly engine: ExploreEngine,
    private readonly hv: Hypervisor,
    private readonly domainLock: DomainLock | null,
  ) {
    this.validating = new Int16Array(hv.validatedAtNs.length).fill(-1);
  }

  /** The vCPU holding the big lock through its running action, or -1. */
  get bigLockOwner(): number {
    return this.bigLockHolder;
  }

  /** The vCPU whose running action validates `frame`, or -1. */
  validator(frame: number): number {
    return this.validating[frame] ?? -1;
  }

  /**
   * vCPU `v` starts step `step`: the clock moves there, and what v's previous action kept open closes now.
   * Returns true when that released the big lock (vCPUs waiting for it become schedulable).
   */
  begin(v: number, step: number): boolean {
    const now = (step + 1) * STEP_NS;
    this.engine.now = now;
    if (this.pendingCount > 0) {
      const at = this.hv.validatedAtNs;
      const validating = this.validating;
      for (let f = 0; f < validating.length; f++) {
        if (validating[f] !== v) continue;
        validating[f] = -1;
        // Done just before this step: `end` must not take it for a validation of this step.
        at[f] = now - 1;
        this.pendingCount--;
      }
    }
    if (this.bigLockHolder === v) {
      this.bigLockHolder = -1;
      (this.domainLock as DomainLock).freeAtNs = now;
      return true;
    }
    return false;
  }

  /** vCPU `v` has done step `step`: what it validated or took lasts until its next step. */
  end(v: number, step: number): void {
    const start = (step + 1) * STEP_NS;
    const limit = start + STEP_NS;
    const at = this.hv.validatedAtNs;
    for (let f = 0; f < at.length; f++) {
      const t = at[f] ?? Number.POSITIVE_INFINITY;
      if (t < start || t === Number.POSITIVE_INFINITY) continue;
      if (t >= limit) throw new ModelError(`an action of vCPU ${v} lasts more than ${STEP_NS} ns: too long to explore`);
      at[f] = Number.POSITIVE_INFINITY;
      if ((this.validating[f] ?? -1) < 0) this.pendingCount++;
      this.validating[f] = v;
    }
    const lock = this.domainLock;
    if (lock !== null && lock.freeAtNs > start && lock.freeAtNs !== Number.POSITIVE_INFINITY) {
      if (lock.freeAtNs >= limit) throw new ModelError(`an action of vCPU ${v} holds the big lock more than ${STEP_NS} ns`);
      lock.freeAtNs = Number.POSITIVE_INFINITY;
      this.bigLockHolder = v;
    }
  }

  /** Append the open intervals to a state fingerprint: who validates what, who holds the big lock. */
  writeState(out: number[]): void {
    if (this.pendingCount > 0) {
      this.validating.forEach((v, f) => {
        if (v >= 0) out.push(f, v);
      });
    }
    out.push(-1, this.bigLockHolder, this.domainLock?.spinning ?? 0);
  }
}
