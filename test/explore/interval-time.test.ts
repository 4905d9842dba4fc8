import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BIG_LOCK_WAIT, Execution, RUNNABLE } from '../../src/explore/execution.js';
import type { Workload } from '../../src/explore/types.js';
import { MMUEXT_PIN_L1_TABLE, UVMF_NONE } from '../../src/hv/abi.js';
import type { Program } from '../../src/strategies/types.js';
import { config } from './helpers.js';

// Under exploration an action lasts from its step to its vCPU's next step. A table a sub-op validates is validated
// only when that action ends, and Xen 3.1's big lock, taken by a sub-op or a trapped store, is free again only then.
// The pin changes the page's type, so Xen flushes vCPU 1's TLB with an IPI: vCPU 1's next step after the pin is the
// guest work that flush costs it, and the step after that its store.

/** vCPU 0 remaps a PTE page read-only, pins it as an L1, then sleeps; vCPU 1 stores into it once. */
const pinAndStore: Workload = (ctx) =>
  (function* (): Program {
    const frame = ctx.mm.pteFrames[0] as number;
    if (ctx.vcpu === 0) {
      yield ctx.hypercallUpdateVaMapping(frame, false, UVMF_NONE);
      yield ctx.hypercallMmuextOp(MMUEXT_PIN_L1_TABLE, frame);
      yield ctx.sleep(1);
    } else yield ctx.store(frame, 0, 1);
  })();

/** Run `steps` (the vCPU of each step) and return the store's outcome counts. */
function run(
  steps: number[],
  profile = 'modern',
): { x: Execution; writes: { direct: number; emulated: number; staleTlb: number; faults: number } } {
  const x = new Execution(config({ strategy: 'unbatched', mode: '2level', ptePages: 1, profile }), {
    writerUpdates: 0,
    workload: pinAndStore,
    choose: () => 0,
  });
  for (const v of steps) x.advance(v);
  return { x, writes: { ...x.machine.writes } };
}

describe('time under exploration', () => {
  it('a store before the remap goes straight to memory', () => {
    assert.equal(run([1]).writes.direct, 1);
  });

  it('a store between the RO remap and the pin faults: read-only and not a pagetable', () => {
    assert.equal(run([0, 1]).writes.faults, 1);
  });

  it('a store while the pin of its page runs (after its step, before vCPU 0 steps again) faults: not validated yet', () => {
    assert.equal(run([0, 0, 1, 1]).writes.faults, 1);
  });

  it('a store after vCPU 0 has moved on from the pin is emulated: the validation is done', () => {
    assert.equal(run([0, 0, 0, 1, 1]).writes.emulated, 1);
  });

  it('under Xen 3.1 a trapped store waits for the big lock while the pin runs, and is emulated once vCPU 0 moves on', () => {
    const { x } = run([0, 0, 1, 1], 'xeon-2007');
    assert.equal(x.status[1], BIG_LOCK_WAIT, 'the store spins for the big lock');
    assert.deepEqual(x.enabled(), [0], 'only the holder can step');
    x.advance(0); // vCPU 0's next action: the pin has ended, the big lock is free
    assert.equal(x.status[1], RUNNABLE);
    x.advance(1);
    assert.equal(x.machine.writes.emulated, 1);
    assert.equal(x.machine.writes.faults, 0);
  });
});
