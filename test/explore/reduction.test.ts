import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explore } from '../../src/explore/index.js';
import type { ForkExitParams } from '../../src/scenarios/types.js';
import { config, sleepers } from './helpers.js';

// State hashing must lose nothing: every final state the unreduced search reaches (every schedule with at most K
// preemptions, run to its end) is reached with it too, and the counterexample is the same (fewest preemptions, then
// fewest steps). Configurations: every built-in strategy, both kernel eras, Xen 3.1's big lock, two writer updates
// (so a store can go through a stale TLB entry), three vCPUs.

interface Case {
  name: string;
  params: Partial<ForkExitParams>;
  writerUpdates: number;
  bound: number;
}

const CASES: Case[] = [
  { name: 'unlocked, 4level', params: { strategy: 'unlocked', mode: '4level' }, writerUpdates: 1, bound: 2 },
  {
    name: 'per-pte-early-unlock, 2level (2.6.24)',
    params: { strategy: 'per-pte-early-unlock', mode: '2level' },
    writerUpdates: 2,
    bound: 2,
  },
  { name: 'per-pte-deferred, pae (2.6.24)', params: { strategy: 'per-pte-deferred', mode: 'pae' }, writerUpdates: 2, bound: 2 },
  {
    name: 'per-pte-deferred, pae (current)',
    params: { strategy: 'per-pte-deferred', mode: 'pae', kernel: 'current' },
    writerUpdates: 1,
    bound: 3,
  },
  { name: 'mm-lock, 4level', params: { strategy: 'mm-lock', mode: '4level' }, writerUpdates: 2, bound: 2 },
  { name: 'whole-lock, 2level', params: { strategy: 'whole-lock', mode: '2level' }, writerUpdates: 2, bound: 2 },
  {
    name: 'unbatched, 4level, Xen 3.1 big lock',
    params: { strategy: 'unbatched', mode: '4level', profile: 'xeon-2007' },
    writerUpdates: 2,
    bound: 2,
  },
  {
    name: 'unlocked, pae, Xen 3.1 big lock',
    params: { strategy: 'unlocked', mode: 'pae', profile: 'xeon-2007' },
    writerUpdates: 2,
    bound: 2,
  },
  {
    name: 'per-pte-deferred, 3 vCPUs, 1 PTE page',
    params: { strategy: 'per-pte-deferred', mode: '2level', vcpus: 3, ptePages: 1 },
    writerUpdates: 1,
    bound: 2,
  },
];

describe('state hashing', () => {
  for (const c of CASES) {
    it(`reaches every final state of the unreduced search, with the same verdict and counterexample: ${c.name}`, () => {
      const params = config(c.params);
      const common = { writerUpdates: c.writerUpdates, preemptionBound: c.bound, collectFinalStates: true };
      const full = explore(params, { ...common, reduction: 'none' });
      const reduced = explore(params, { ...common, reduction: 'state-hashing' });
      assert.ok(full.finalStates && reduced.finalStates);
      assert.ok(full.finalStates.size > 1, 'the configuration has more than one outcome');
      assert.deepEqual([...reduced.finalStates].sort(), [...full.finalStates].sort());
      assert.equal(reduced.verdict, full.verdict);
      assert.equal(reduced.boundCovered, full.boundCovered);
      assert.equal(reduced.counterexample?.violation.kind, full.counterexample?.violation.kind);
      assert.equal(reduced.counterexample?.preemptions, full.counterexample?.preemptions);
      assert.equal(reduced.counterexample?.violation.step, full.counterexample?.violation.step);
      assert.ok(reduced.schedules <= full.schedules);
    });
  }

  it('runs fewer schedules than there are interleavings of vCPUs that share nothing', () => {
    // Two vCPUs of 6 steps each: C(12, 6) = 924 interleavings all end in the same state; their prefixes meet at the
    // 7 x 7 points (steps taken by each), so most schedules stop where another has been.
    const params = config({ strategy: 'unlocked', ptePages: 1 });
    const options = { workload: sleepers([6, 6]), preemptionBound: 12 };
    const full = explore(params, { ...options, reduction: 'none' });
    const reduced = explore(params, { ...options, reduction: 'state-hashing' });
    assert.equal(full.schedules, 924);
    assert.ok(reduced.schedules < full.schedules / 5, `${reduced.schedules} schedules`);
    assert.ok(reduced.pruned > 0);
  });
});
