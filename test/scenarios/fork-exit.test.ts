import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveParams, runScenario } from '../../src/scenarios/index.js';
import { ConfigError, ModelError } from '../../src/shared/errors.js';
import { claimsRaceFree, getStrategy, registerStrategy } from '../../src/strategies/index.js';
import type { Strategy } from '../../src/strategies/types.js';
import type { PinContext, Program } from '../../src/strategies/types.js';
import { makeMachine, runProgram } from '../strategies/helpers.js';
import { defined } from '../../src/shared/defined.js';

const RACE = { ptePages: 64, vcpus: 4, iterations: 3, dwellNs: 20_000, writerThinkNs: 1_000 } as const;
/** The seed in its own configuration (2.6.24 on pae, Xen 3.1), and today's (4level, current Xen). */
const ERAS = [
  { kernel: '2.6.24', mode: 'pae', profile: 'xeon-2007' },
  { kernel: 'current', mode: '4level', profile: 'modern' },
] as const;
const label = (e: (typeof ERAS)[number]) => `${e.kernel} ${e.mode} ${e.profile}`;

describe('racing PTE writers', () => {
  for (const era of ERAS) {
    for (const strategy of ['unlocked', 'per-pte-early-unlock']) {
      it(`catches the race of ${strategy} (${label(era)}): write-protect faults, all while a pin or unpin is under way`, () => {
        assert.equal(claimsRaceFree(getStrategy(strategy)), false, 'declared racy');
        const { metrics: m } = runScenario(resolveParams({ ...RACE, ...era, strategy, seed: 1 }));
        assert.ok(m.faults.writeProtect > 0, `${strategy} must fault`);
        assert.ok(m.faults.details.length > 0 && m.faults.details.length <= 5);
        for (const d of m.faults.details) {
          assert.match(d.pinner, /^(pin|unpin) #\d/, 'a fault can only happen inside a pin or an unpin');
          assert.ok(d.vcpu >= 1 && d.vcpu < 4);
        }
        assert.equal(m.faults.hypercallErrors, 0);
      });
    }

    for (const strategy of ['mm-lock', 'whole-lock', 'per-pte-deferred', 'unbatched']) {
      it(`${strategy} never faults nor stores through a stale TLB entry over 10 seeds (${label(era)})`, () => {
        assert.equal(claimsRaceFree(getStrategy(strategy)), true, 'declared race-free');
        for (let seed = 1; seed <= 10; seed++) {
          const { metrics: m } = runScenario(resolveParams({ ...RACE, ...era, strategy, seed }));
          assert.equal(m.faults.writeProtect, 0, `seed ${seed}`);
          assert.equal(m.writes.staleTlb, 0, `seed ${seed}`);
          assert.ok(m.writes.direct + m.writes.emulated > 0, `seed ${seed}: writers ran`);
        }
      });
    }
  }

  it('a writer whose TLB kept a writable entry stores without a fault: unlocked shows stale-TLB stores', () => {
    const { metrics: m } = runScenario(resolveParams({ ...RACE, ...ERAS[0], strategy: 'unlocked', seed: 1 }));
    assert.ok(m.writes.staleTlb > 0);
    assert.equal(m.counts.writes, m.writes.direct + m.writes.emulated + m.writes.staleTlb + m.faults.writeProtect);
  });

  it('on pae every PTE update of a writer is two 32-bit stores', () => {
    const n = RACE.ptePages;
    const { metrics: m } = runScenario(resolveParams({ ...RACE, ...ERAS[0], strategy: 'per-pte-deferred', seed: 2 }));
    const pinnerPtl = 2 * n * RACE.iterations; // one PTE lock per PTE page per pin and per unpin
    const updates = m.locks.ptl.acquisitions - pinnerPtl;
    assert.ok(updates > 0);
    assert.equal(m.counts.writes, 2 * updates);
    const { metrics: m4 } = runScenario(resolveParams({ ...RACE, ...ERAS[1], strategy: 'per-pte-deferred', seed: 2 }));
    assert.equal(m4.counts.writes, m4.locks.ptl.acquisitions - pinnerPtl);
  });

  it('writers do not change the pinner hypercall counts', () => {
    const one = runScenario(resolveParams({ strategy: 'per-pte-deferred', ptePages: 300, iterations: 2 })).metrics;
    const four = runScenario(resolveParams({ strategy: 'per-pte-deferred', ptePages: 300, iterations: 2, vcpus: 4 })).metrics;
    assert.deepEqual(four.hypercalls, one.hypercalls);
    assert.ok(four.virtualNs >= one.virtualNs, 'contention can only slow the pinner');
  });

  it('under mm-lock writers wait for page_table_lock', () => {
    const { metrics: m } = runScenario(resolveParams({ ...RACE, mode: '4level', strategy: 'mm-lock', seed: 3 }));
    assert.ok(m.locks.page_table_lock.contentions > 0);
    assert.equal(m.locks.ptl.acquisitions, 0);
    assert.ok(m.locks.page_table_lock.waitNs.maxNs > 0);
  });
});

describe('determinism', () => {
  it('gives identical metrics for the same parameters and seed', () => {
    const p = resolveParams({ ...RACE, ...ERAS[0], strategy: 'unlocked', seed: 9 });
    assert.deepEqual(runScenario(p), runScenario(p));
  });

  it('gives different racing histories for different seeds', () => {
    const a = runScenario(resolveParams({ ...RACE, mode: '4level', strategy: 'unlocked', seed: 1 })).metrics;
    const b = runScenario(resolveParams({ ...RACE, mode: '4level', strategy: 'unlocked', seed: 2 })).metrics;
    assert.notDeepEqual([a.writes, a.faults.writeProtect], [b.writes, b.faults.writeProtect]);
  });
});

describe('invariants and misuse', () => {
  it('a strategy that leaves a PTE lock held makes the run an error', () => {
    const leaky: Strategy = {
      name: 'test-leaky',
      description: 'forgets an unlock',
      *pin(ctx) {
        yield ctx.lock(ctx.ptl(defined(ctx.mm.pteFrames[0])), { nest: true });
        yield* getStrategy('unlocked').pin(ctx);
      },
      unpin: (ctx) => getStrategy('unlocked').unpin(ctx),
    };
    registerStrategy(leaky, { replace: true });
    assert.throws(
      () => runScenario(resolveParams({ strategy: 'test-leaky', ptePages: 4, iterations: 1 })),
      (e: Error) => e instanceof ModelError && /locks still held/.test(e.message) && /preempt count is 1/.test(e.message),
    );
  });

  it('a strategy that never unpins makes the run an error: frames left pinned', () => {
    registerStrategy(
      { name: 'test-no-unpin', description: '', pin: (ctx) => getStrategy('per-pte-deferred').pin(ctx), *unpin() {} },
      { replace: true },
    );
    assert.throws(
      () => runScenario(resolveParams({ strategy: 'test-no-unpin', ptePages: 4, iterations: 1 })),
      /still pinned after the last unpin/,
    );
  });

  it('a Xen failure is counted, not thrown: RW remap of a pinned L1', () => {
    const m = runProgram({ ptePages: 2 }, function* (ctx) {
      const f = defined(ctx.mm.pteFrames[0]);
      yield ctx.hypercallUpdateVaMapping(f, false, 0);
      yield ctx.hypercallMmuextOp(0, f);
      yield ctx.hypercallUpdateVaMapping(f, true, 0);
    });
    assert.equal(defined(m.cpus[0]).hypercallErrors, 1);
    assert.match(defined(m.cpus[0]).firstHypercallError ?? '', /Bad type/);
  });

  it('calling a context method without yielding the previous effect is a ModelError', () => {
    assert.throws(
      () =>
        runProgram({ ptePages: 2 }, function* (ctx) {
          ctx.lock(ctx.pageTableLock);
          yield ctx.unlock(ctx.pageTableLock);
        }),
      /before the previous lock was yielded/,
    );
  });

  it('runs callbacks FIFO after the whole multicall has executed', () => {
    const seen: string[] = [];
    const m = makeMachine({ ptePages: 3, profile: 'modern' });
    defined(m.cpus[0]).start(
      (function* (ctx: PinContext): Program {
        for (const f of ctx.mm.pteFrames) ctx.mcUpdateVaMapping(f, false, 0);
        ctx.mcCallback((d) => seen.push(`cb${d}@${m.engine.now}`), 1);
        ctx.mcCallback((d) => seen.push(`cb${d}@${m.engine.now}`), 2);
        yield ctx.mcIssue();
      })(defined(m.cpus[0])),
    );
    m.run();
    const c = m.costs;
    const t = c.hypercallTrapNs + 3 * (c.mcEntryDispatchNs + c.remapNs);
    assert.deepEqual(seen, [`cb1@${t}`, `cb2@${t}`]);
    assert.equal(defined(m.cpus[0]).batcher.stats.multicalls, 1);
  });
});

describe('parameters', () => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [
      { strategy: 'nope' },
      /strategy: unknown strategy 'nope'; allowed: unlocked, mm-lock, whole-lock, per-pte-deferred, unbatched, per-pte-early-unlock/,
    ],
    [{ mode: '5level' }, /mode: "5level" is not allowed; expected 2level, pae, 4level/],
    [{ kernel: '2.6.23' }, /kernel: "2.6.23" is not allowed; expected 2.6.24, current/],
    [{ mode: '2level', ptePages: 769 }, /ptePages: 769 exceeds the maximum for mode 2level; allowed: 1 to 768/],
    [{ ptePages: 1.5 }, /ptePages: 1.5 is not allowed/],
    [{ vcpus: 0 }, /vcpus: 0 is not allowed; expected an integer from 1/],
    [{ profile: 'z80' }, /profile: unknown cost profile 'z80'; allowed: /],
    [{ colour: 'red' }, /unknown field\(s\) colour/],
  ];
  for (const [input, message] of bad) {
    it(`rejects ${JSON.stringify(input)} with a ConfigError naming the field`, () => {
      assert.throws(
        () => resolveParams(input as never),
        (e: Error) => e instanceof ConfigError && message.test(e.message),
      );
    });
  }

  for (const [kernel, mode] of [
    ['2.6.24', '4level'],
    ['current', '2level'],
  ] as const) {
    it(`rejects kernel ${kernel} with mode ${mode}, which never shipped, naming both and the allowed pairs`, () => {
      assert.throws(
        () => resolveParams({ kernel, mode }),
        (e: Error) =>
          e instanceof ConfigError &&
          e.message.includes(kernel) &&
          e.message.includes(mode) &&
          e.message.includes('2.6.24/2level, 2.6.24/pae, current/pae, current/4level'),
      );
    });
  }

  it('resolves the kernel from the mode when it is not given, and records it', () => {
    assert.equal(resolveParams({ mode: '2level' }).kernel, '2.6.24');
    assert.equal(resolveParams({ mode: 'pae' }).kernel, '2.6.24');
    assert.equal(resolveParams({ mode: '4level' }).kernel, 'current');
    assert.equal(resolveParams({ mode: 'pae', kernel: 'current' }).kernel, 'current');
  });

  it('makes MC_ARGS follow MC_BATCH (16 bytes a slot) unless it is given', () => {
    assert.equal(resolveParams({}).mcArgs, 512);
    assert.equal(resolveParams({ mcBatch: 64 }).mcArgs, 64 * 16);
    assert.equal(resolveParams({ mcBatch: 64, mcArgs: 512 }).mcArgs, 512);
  });
});
