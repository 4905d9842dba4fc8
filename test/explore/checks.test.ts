import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { explore } from '../../src/explore/index.js';
import { registerStrategy } from '../../src/strategies/registry.js';
import type { Strategy } from '../../src/strategies/types.js';
import { leaky, pinWritable, unlockedClaimsSafe } from '../fixtures/broken-strategies.js';
import { shape } from '../strategies/helpers.js';
import { config } from './helpers.js';

// What every schedule is checked for, and the shortest counterexamples, with their lengths derived from the walk.
// A step is one action: vCPU 0 takes page_table_lock (1); a queued walk's batch is one trap (its walk steps paid in
// it) and one step per entry; a PTE lock taken after walk steps is preceded by a guest-work step (the walk steps
// paid before a visible action); the writer locks the PTE page (1) and stores (1). On 4level the walk remaps the
// G PUD pages and U PMD pages before the first PTE page; 2level has none.

describe('explore finds what the racy strategies let through', () => {
  for (const mode of ['2level', '4level'] as const) {
    it(`unlocked (${mode}): a write-protect fault with 1 preemption, between the first PTE page's RO remap and the pin`, () => {
      const { g, u } = shape(mode, 2);
      const o = explore(config({ strategy: 'unlocked', mode }), { writerUpdates: 1 });
      assert.equal(o.verdict, 'violation');
      assert.equal(o.expected, true, 'unlocked declares itself racy');
      const cx = o.counterexample;
      assert.ok(cx);
      assert.equal(cx.violation.kind, 'write-protect-fault');
      assert.equal(cx.violation.expected, true);
      assert.equal(cx.preemptions, 1);
      // lock page_table_lock, trap, the remaps up to the first PTE page's, then the writer's lock and store.
      assert.equal(cx.violation.step, 1 + 1 + g + u + 1 + 2);
      assert.equal(cx.schedule.steps.length, cx.violation.step);
      assert.equal(o.boundCovered, 2, 'a racy strategy is searched to its bound, for anything unexpected');
    });

    it(`per-pte-early-unlock (${mode}): a write-protect fault with 1 preemption, in the window its early unlock opens`, () => {
      const { g, u, n } = shape(mode, 2);
      const o = explore(config({ strategy: 'per-pte-early-unlock', mode }), { writerUpdates: 1 });
      const cx = o.counterexample;
      assert.ok(cx);
      assert.equal(cx.violation.kind, 'write-protect-fault');
      assert.equal(cx.preemptions, 1);
      // lock page_table_lock; per PTE page: guest work, lock, unlock; trap; remaps up to the first PTE page's; writer.
      assert.equal(cx.violation.step, 1 + 3 * n + 1 + g + u + 1 + 2);
    });
  }

  it('with two updates per writer, some schedule stores through a stale writable TLB entry', () => {
    const o = explore(config({ strategy: 'unlocked', mode: '2level' }), { writerUpdates: 2, collectFinalStates: true });
    const stale = [...(o.finalStates ?? [])].filter((s) => /writes \d+\/[1-9]/.test(s));
    assert.ok(stale.length > 0);
  });
});

describe('explore finds no violation where the strategies claim none', () => {
  for (const strategy of ['mm-lock', 'whole-lock', 'per-pte-deferred', 'unbatched']) {
    for (const mode of ['2level', '4level'] as const) {
      it(`${strategy} (${mode}): no violation up to bound 2, the bound covered`, () => {
        const o = explore(config({ strategy, mode }), { writerUpdates: 1 });
        assert.equal(o.verdict, 'no-violation');
        assert.equal(o.expected, true);
        assert.equal(o.boundCovered, 2);
        assert.equal(o.limitHit, null);
        assert.equal(o.counterexample, null);
      });
    }
  }
});

describe('explore catches broken strategies', () => {
  const fixtures: Strategy[] = [leaky, pinWritable, unlockedClaimsSafe];
  before(() => {
    for (const s of fixtures) registerStrategy(s, { replace: true });
  });

  it('a racy walk that claims to be race-free: an unexpected write-protect fault', () => {
    const o = explore(config({ strategy: unlockedClaimsSafe.name, mode: '2level' }), { writerUpdates: 1 });
    assert.equal(o.verdict, 'violation');
    assert.equal(o.expected, false);
    assert.equal(o.counterexample?.violation.kind, 'write-protect-fault');
    assert.equal(o.counterexample?.violation.expected, false);
    assert.equal(o.counterexample?.preemptions, 1);
  });

  it('a PIN_L1 of a page still mapped writable: a failed hypercall, without any preemption', () => {
    const o = explore(config({ strategy: pinWritable.name, mode: '2level' }), { writerUpdates: 1 });
    assert.equal(o.counterexample?.violation.kind, 'hypercall-error');
    assert.match(o.counterexample?.violation.message ?? '', /PIN_L1_TABLE/);
    assert.equal(o.counterexample?.preemptions, 0);
  });

  it('a PTE lock left held: the writer that needs it spins for ever, a deadlock without any preemption', () => {
    // On 2level the first frame of the walk is a PTE page, and the writer's first choice is the first PTE page.
    const o = explore(config({ strategy: leaky.name, mode: '2level' }), { writerUpdates: 1 });
    assert.equal(o.counterexample?.violation.kind, 'deadlock');
    assert.match(o.counterexample?.violation.message ?? '', /vCPU 1 spinning/);
    assert.equal(o.counterexample?.preemptions, 0);
  });

  it('a PTE lock left held with no writer to need it: the end-of-run invariant', () => {
    const o = explore(config({ strategy: leaky.name, mode: '2level', vcpus: 1 }), {});
    assert.equal(o.counterexample?.violation.kind, 'invariant');
    assert.match(o.counterexample?.violation.message ?? '', /locks still held/);
  });

  it("whole-lock's preempt count overflows at the 2^bits-th lock: page_table_lock and 2^bits - 1 PTE locks", () => {
    for (const bits of [2, 8]) {
      const ptePages = 2 ** bits; // more PTE pages than the field holds
      const o = explore(config({ strategy: 'whole-lock', mode: '4level', ptePages, preemptBits: bits, vcpus: 1 }), {});
      assert.equal(o.counterexample?.violation.kind, 'preempt-overflow');
      assert.equal(o.counterexample?.violation.step, 2 ** bits, `PREEMPT_BITS ${bits}`);
      assert.equal(o.expected, false);
    }
  });
});
