import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explore } from '../../src/explore/index.js';
import type { PinContext, Program } from '../../src/strategies/types.js';
import { binomial, config, sleepers } from './helpers.js';

// The number of schedules of small workloads, derived by hand, against the unreduced search (every schedule run to
// its end). Two vCPUs of a and b steps that share nothing interleave in C(a + b, a) ways. Preemptions: a schedule is
// a sequence of blocks of steps of one vCPU; switching to the other vCPU while the current one could go on is a
// preemption, switching when it has finished is not, and the first pick is free. With two vCPUs the switch into the
// last block always follows the end of the other vCPU, so a schedule of r blocks has r - 2 preemptions.

const machine = config({ strategy: 'unlocked', ptePages: 1 });

/** Schedules of two vCPUs of a and b steps made of exactly r >= 2 blocks: compositions of a and b into the blocks. */
function blocks(a: number, b: number, r: number): number {
  const first = Math.ceil(r / 2);
  const second = Math.floor(r / 2);
  return binomial(a - 1, first - 1) * binomial(b - 1, second - 1) + binomial(b - 1, first - 1) * binomial(a - 1, second - 1);
}

describe('schedule counts without reduction', () => {
  it('two vCPUs of a and b steps that share nothing give C(a + b, a) schedules', () => {
    for (const [a, b] of [
      [1, 1],
      [2, 3],
      [4, 4],
      [3, 6],
    ] as const) {
      const o = explore(machine, { workload: sleepers([a, b]), reduction: 'none', preemptionBound: a + b });
      assert.equal(o.schedules, binomial(a + b, a), `a = ${a}, b = ${b}`);
      assert.equal(o.pruned, 0);
      assert.equal(o.verdict, 'no-violation');
      assert.equal(o.boundCovered, a + b);
    }
  });

  it('with at most K preemptions, only the schedules of at most K + 2 blocks', () => {
    const [a, b] = [4, 5];
    let total = 0;
    for (let k = 0; k <= a + b; k++) {
      total += blocks(a, b, k + 2);
      const o = explore(machine, { workload: sleepers([a, b]), reduction: 'none', preemptionBound: k });
      assert.equal(o.schedules, total, `K = ${k}`);
    }
    assert.equal(total, binomial(a + b, a), 'every schedule has at most a + b - 1 preemptions');
  });

  it('three vCPUs of a, b and c steps that share nothing give the multinomial (a + b + c)! / (a! b! c!)', () => {
    const o = explore(config({ strategy: 'unlocked', ptePages: 1, vcpus: 3 }), {
      workload: sleepers([2, 2, 3]),
      reduction: 'none',
      preemptionBound: 7,
    });
    assert.equal(o.schedules, binomial(7, 2) * binomial(5, 2));
  });

  it('two vCPUs that take one lock in turn: 14 of the 20 interleavings of their 3 steps', () => {
    // Each vCPU: lock, unlock, end (3 steps). A lock found held is a step too (it spins), and the vCPU's next step,
    // once the lock is handed over, is its unlock: 3 steps either way. With vCPU 0 locking first: vCPU 1 locks after
    // vCPU 0's unlock (its 3 steps after vCPU 0's first two, vCPU 0's end in any of 4 places), or spins between vCPU
    // 0's lock and unlock (then its unlock and end after vCPU 0's unlock, vCPU 0's end in any of 3 places): 7. The
    // same with vCPU 1 first: 14. Two different locks: all C(6, 3) = 20.
    const sharing = (ctx: PinContext): Program =>
      (function* () {
        yield ctx.lock(ctx.pageTableLock);
        yield ctx.unlock(ctx.pageTableLock);
      })();
    const separate = (ctx: PinContext): Program =>
      (function* () {
        const id =
          ctx.mm.pteFrames[0] === undefined
            ? ctx.pageTableLock
            : ctx.vcpu === 0
              ? ctx.pageTableLock
              : ctx.ptl(ctx.mm.pteFrames[0]);
        yield ctx.lock(id);
        yield ctx.unlock(id);
      })();
    assert.equal(explore(machine, { workload: sharing, reduction: 'none', preemptionBound: 6 }).schedules, 14);
    assert.equal(explore(machine, { workload: separate, reduction: 'none', preemptionBound: 6 }).schedules, 20);
  });
});
