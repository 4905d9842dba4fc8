import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XEON_2007, MODERN } from '../../src/hv/cost-profiles.js';
import { KERNEL_ERAS, LOCKDEP_REFERENCES_BITS, PREEMPT_WARN_MARGIN } from '../../src/mmu/index.js';
import { resolveParams, runScenario } from '../../src/scenarios/index.js';
import type { KernelVersion, PagingMode } from '../../src/scenarios/types.js';
import { pinsL1 } from '../strategies/helpers.js';

const PAIRS: [KernelVersion, PagingMode][] = [
  ['2.6.24', '2level'],
  ['2.6.24', 'pae'],
  ['current', 'pae'],
  ['current', '4level'],
];
const STRATEGIES = ['unlocked', 'mm-lock', 'whole-lock', 'per-pte-deferred', 'unbatched', 'per-pte-early-unlock'];

/**
 * Type-change flushes of one pin + unpin cycle on one vCPU. A strategy that pins each PTE page right after its RO
 * remap flushes at every PIN_L1 (the page was stamped after the last flush), and at every RW remap that follows a
 * PTE page's own UNPIN; besides, the first RW remap after the top-level UNPIN's cascade flushes once (a PMD on pae,
 * the user pgd on 4level; on 2level that is the first PTE page's, already counted). A strategy that remaps
 * everything first flushes on the pin never (the pgd's UVMF_TLB_FLUSH made the vCPU newer than every stamp) and on
 * the unpin once. Today's pae pin remaps the kernel PMD after the pgd's flush, so its PIN_L3 flushes once more.
 */
function flushesPerCycle(strategy: string, kernel: KernelVersion, mode: PagingMode, n: number): number {
  const perPage = pinsL1(strategy) || strategy === 'unbatched';
  const lateKernelPmd = mode === 'pae' && !KERNEL_ERAS[kernel].paeKernelPmdInWalk ? 1 : 0;
  return (perPage ? 2 * n + (mode === '2level' ? 0 : 1) : 1) + lateKernelPmd;
}

describe("Xen's type-change TLB flushes", () => {
  for (const strategy of STRATEGIES) {
    for (const [kernel, mode] of PAIRS) {
      it(`${strategy} ${kernel} ${mode}, 1 vCPU: flushes per cycle from the walk, no IPI`, () => {
        const n = 40;
        const iterations = 3;
        const { metrics: m } = runScenario(resolveParams({ strategy, kernel, mode, ptePages: n, iterations }));
        assert.equal(m.xen.tlbFlushes, iterations * flushesPerCycle(strategy, kernel, mode, n));
        assert.equal(m.xen.flushIpis, 0);
        // UVMF_TLB_FLUSH on the pgd's remaps, and on 4level on the user pgd's.
        assert.equal(m.xen.guestFlushes, iterations * (mode === '4level' ? 4 : 2));
      });
    }
  }

  for (const mode of ['2level', 'pae'] as const) {
    it(`unlocked ${mode} with racing writers: one flush per pin and one per unpin, each reaching the V-1 others`, () => {
      // Writers never flush on their own: the pin's first type change finds them stale (the pinner is fresh from
      // the pgd's UVMF_TLB_FLUSH), and the unpin's first RW remap finds everyone older than the cascade's stamps.
      const vcpus = 4;
      const iterations = 3;
      const { metrics: m } = runScenario(resolveParams({ strategy: 'unlocked', mode, ptePages: 64, vcpus, iterations, seed: 1 }));
      assert.equal(m.xen.tlbFlushes, 2 * iterations);
      assert.equal(m.xen.flushIpis, 2 * iterations * (vcpus - 1));
    });
  }

  it('each local flush costs tlbFlushNs of the pinner: one vCPU, the time grows by delta x (type-change + guest flushes)', () => {
    const params = resolveParams({
      strategy: 'per-pte-deferred',
      mode: 'pae',
      ptePages: 30,
      iterations: 2,
      profile: 'xeon-2007',
    });
    const base = runScenario(params).metrics;
    const delta = 1000;
    const more = runScenario(params, { costs: { ...XEON_2007, tlbFlushNs: XEON_2007.tlbFlushNs + delta } }).metrics;
    assert.equal(more.virtualNs - base.virtualNs, delta * (base.xen.tlbFlushes + base.xen.guestFlushes));
  });

  it('each IPI costs the pinner flushIpiNs: the time grows by delta x flushIpis (unlocked: writers never block it)', () => {
    const params = resolveParams({ strategy: 'unlocked', mode: '4level', ptePages: 64, vcpus: 3, iterations: 2, seed: 4 });
    const base = runScenario(params).metrics;
    assert.ok(base.xen.flushIpis > 0);
    const delta = 777;
    const more = runScenario(params, { costs: { ...MODERN, flushIpiNs: MODERN.flushIpiNs + delta } }).metrics;
    assert.equal(more.virtualNs - base.virtualNs, delta * base.xen.flushIpis);
  });
});

describe('lockdep and the preempt count, as each kernel reports them', () => {
  it("2.6.24's plain spin_lock on the second PTE lock: one recursive-locking splat, then lockdep is off", () => {
    const { metrics: m } = runScenario(
      resolveParams({ strategy: 'per-pte-deferred', kernel: '2.6.24', mode: 'pae', ptePages: 64, iterations: 2 }),
    );
    assert.equal(m.lockdep.recursionWarnings, 1);
    assert.equal(m.lockdep.disabled, 1);
    assert.equal(m.lockdep.maxDepth, 2, 'page_table_lock and the first PTE lock');
  });

  it("today's spin_lock_nest_lock merges the PTE locks: no warning, lockdep stays on", () => {
    const { metrics: m } = runScenario(
      resolveParams({ strategy: 'per-pte-deferred', kernel: 'current', mode: 'pae', ptePages: 64, iterations: 2 }),
    );
    assert.deepEqual(
      [m.lockdep.recursionWarnings, m.lockdep.referenceOverflows, m.lockdep.overflows, m.lockdep.disabled],
      [0, 0, 0, 0],
    );
    assert.equal(m.lockdep.maxDepth, 2);
  });

  it('2.6.24 with one PTE page never holds two PTE locks: no splat', () => {
    const { metrics: m } = runScenario(
      resolveParams({ strategy: 'per-pte-deferred', kernel: '2.6.24', mode: '2level', ptePages: 1, iterations: 2 }),
    );
    assert.equal(m.lockdep.recursionWarnings, 0);
    assert.equal(m.lockdep.disabled, 0);
  });

  for (const n of [240, 250, 300]) {
    it(`whole-lock N=${n}: a DEBUG_PREEMPT warning for every lock taken at PREEMPT field >= 245`, () => {
      const iterations = 2;
      const { metrics: m } = runScenario(resolveParams({ strategy: 'whole-lock', mode: '4level', ptePages: n, iterations }));
      // Each pass holds page_table_lock (depth 1) and takes the N PTE locks at depths 2..N+1.
      let perPass = 0;
      for (let d = 2; d <= n + 1; d++) if (d % 256 >= 255 - PREEMPT_WARN_MARGIN) perPass++;
      assert.equal(m.preempt.debugWarnings, 2 * iterations * perPass);
      assert.equal(m.lockdep.disabled, perPass > 0 ? 1 : 0, 'the warning turns debug_locks off');
    });
  }

  it('whole-lock 2.6.24 pae N=300: the recursion splat comes first, the preempt checks still fire', () => {
    const { metrics: m } = runScenario(
      resolveParams({ strategy: 'whole-lock', kernel: '2.6.24', mode: 'pae', ptePages: 300, iterations: 1 }),
    );
    assert.equal(m.lockdep.recursionWarnings, 1);
    assert.equal(m.preempt.debugWarnings, 2 * (PREEMPT_WARN_MARGIN + 1));
    assert.equal(m.preempt.overflows, 2);
  });

  it('whole-lock today: the 2048th merged PTE lock overflows held_lock.references when no preempt warning came first', () => {
    const limit = 2 ** KERNEL_ERAS.current.lockdepReferencesBits;
    assert.equal(KERNEL_ERAS.current.lockdepReferencesBits, LOCKDEP_REFERENCES_BITS);
    // PREEMPT_BITS 12 keeps the preempt check quiet (it fires from depth 4085), so lockdep is still on at 2048.
    const under = runScenario(
      resolveParams({ strategy: 'whole-lock', ptePages: limit - 1, iterations: 1, preemptBits: 12 }),
    ).metrics;
    assert.deepEqual([under.lockdep.referenceOverflows, under.lockdep.disabled], [0, 0]);
    const at = runScenario(resolveParams({ strategy: 'whole-lock', ptePages: limit, iterations: 1, preemptBits: 12 })).metrics;
    assert.deepEqual([at.lockdep.referenceOverflows, at.lockdep.disabled], [1, 1]);
    // With 8 bits the preempt warning at depth 245 turns lockdep off long before: no references splat.
    const eight = runScenario(resolveParams({ strategy: 'whole-lock', ptePages: limit, iterations: 1 })).metrics;
    assert.equal(eight.lockdep.referenceOverflows, 0);
    assert.ok(eight.preempt.debugWarnings > 0);
  });
});

describe("Xen 3.1's domain big lock", () => {
  it('is taken by every sub-op entry and direct hypercall of the pinner; alone, it never waits', () => {
    for (const strategy of ['per-pte-deferred', 'unbatched']) {
      const { metrics: m } = runScenario(
        resolveParams({ strategy, mode: 'pae', ptePages: 40, iterations: 2, profile: 'xeon-2007' }),
      );
      const direct = m.hypercalls.traps - m.hypercalls.multicalls - m.hypercalls.singletons;
      assert.equal(m.xen.bigLock.acquisitions, m.hypercalls.entries + direct, strategy);
      assert.equal(m.xen.bigLock.contentions, 0, strategy);
    }
  });

  it("is absent from today's Xen", () => {
    const { metrics: m } = runScenario(
      resolveParams({ strategy: 'per-pte-deferred', mode: 'pae', ptePages: 40, vcpus: 4, iterations: 2, profile: 'modern' }),
    );
    assert.equal(m.xen.bigLock.acquisitions, 0);
  });

  it("with one vCPU it changes nothing: the same virtual time as today's Xen with the same costs", () => {
    const params = resolveParams({
      strategy: 'per-pte-deferred',
      mode: '4level',
      ptePages: 100,
      iterations: 2,
      profile: 'xeon-2007',
    });
    const withLock = runScenario(params).metrics;
    const without = runScenario(params, { costs: { ...XEON_2007, xen: 'current' } }).metrics;
    assert.equal(withLock.virtualNs, without.virtualNs);
  });

  it("serialises the pinner's sub-ops with the writers' trapped stores, which wait", () => {
    const { metrics: m } = runScenario(
      resolveParams({
        strategy: 'per-pte-deferred',
        mode: 'pae',
        ptePages: 64,
        vcpus: 4,
        iterations: 3,
        writerThinkNs: 1000,
        profile: 'xeon-2007',
        seed: 1,
      }),
    );
    const direct = m.hypercalls.traps - m.hypercalls.multicalls - m.hypercalls.singletons;
    // Trapped stores: ptwr emulations and faults (none here); direct and stale-TLB stores do not enter Xen.
    assert.equal(m.xen.bigLock.acquisitions, m.hypercalls.entries + direct + m.writes.emulated + m.faults.writeProtect);
    assert.ok(m.xen.bigLock.contentions > 0);
    assert.equal(m.xen.bigLock.waitNs.count, m.xen.bigLock.contentions);
    assert.ok(m.xen.bigLock.waitNs.maxNs > 0);
  });
});
