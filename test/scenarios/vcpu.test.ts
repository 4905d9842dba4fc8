import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MMUEXT_PIN_L1_TABLE } from '../../src/hv/abi.js';
import { resolveParams, runScenario } from '../../src/scenarios/index.js';
import {
  ACTION_EXIT,
  ACTION_LOCK,
  ACTION_MC_ENTRY,
  ACTION_MC_TRAP,
  ACTION_NAMES,
  ACTION_SLEEP,
  type ActionObserver,
} from '../../src/scenarios/vcpu/index.js';
import { ModelError } from '../../src/shared/errors.js';
import type { PinContext, Program } from '../../src/strategies/types.js';
import { makeMachine, runProgram } from '../strategies/helpers.js';
import { defined } from '../../src/shared/defined.js';

interface Seen {
  vcpu: number;
  kind: string;
  atNs: number;
  durationNs: number;
  a: number;
  b: number;
}

/** An observer that keeps every action. */
function recorder(): ActionObserver & { seen: Seen[] } {
  const seen: Seen[] = [];
  return {
    seen,
    action(vcpu, kind, atNs, durationNs, a, b) {
      seen.push({ vcpu, kind: defined(ACTION_NAMES[kind]), atNs, durationNs, a, b });
    },
  };
}

describe('GuestCpu: where programs interleave', () => {
  it('runs a batch that a queueing call took before the next yielded effect, at the instants of the call', () => {
    const m = makeMachine({ ptePages: 40, mode: '4level', profile: 'modern' });
    const obs = recorder();
    defined(m.cpus[0]).observer = obs;
    const frames = m.mm.pteFrames;
    defined(m.cpus[0]).start(
      (function* (ctx: PinContext): Program {
        // 33 entries: the 33rd finds the 32 slots full and takes the batch ('slots'), then is queued itself.
        for (let i = 0; i < 33; i++) ctx.mcUpdateVaMapping(defined(frames[i]), false, 0);
        yield ctx.lock(ctx.pageTableLock);
        yield ctx.mcIssue();
        yield ctx.unlock(ctx.pageTableLock);
      })(defined(m.cpus[0])),
    );
    m.run();
    const c = m.costs;
    const entryNs = c.mcEntryDispatchNs + c.remapNs;
    const kinds = obs.seen.map((s) => s.kind);
    // trap, 32 entries, then the lock; no guest work owed (no walk steps).
    assert.deepEqual(kinds.slice(0, 34), [
      ACTION_NAMES[ACTION_MC_TRAP],
      ...Array(32).fill(ACTION_NAMES[ACTION_MC_ENTRY]),
      ACTION_NAMES[ACTION_LOCK],
    ]);
    assert.equal(defined(obs.seen[0]).atNs, 0);
    assert.equal(defined(obs.seen[0]).durationNs, c.hypercallTrapNs);
    obs.seen.slice(1, 33).forEach((s, k) => {
      assert.equal(s.atNs, c.hypercallTrapNs + k * entryNs, `entry ${k}`);
    });
    assert.equal(defined(obs.seen[33]).atNs, c.hypercallTrapNs + 32 * entryNs, 'the lock comes after the whole batch');
    assert.deepEqual(defined(m.cpus[0]).batcher.stats.flushReasons, { slots: 1, args: 0, callbacks: 0 });
    // The 33rd entry went out with mcIssue: a singleton today (a trap, no dispatch).
    assert.equal(defined(m.cpus[0]).batcher.stats.singletons, 1);
  });

  it('lets another vCPU run between the entries of a batch that a queueing call took', () => {
    const m = makeMachine({ ptePages: 40, mode: '4level', profile: 'modern', vcpus: 2 });
    const obs = recorder();
    for (const cpu of m.cpus) cpu.observer = obs;
    const frames = m.mm.pteFrames;
    defined(m.cpus[0]).start(
      (function* (ctx: PinContext): Program {
        for (let i = 0; i < 33; i++) ctx.mcUpdateVaMapping(defined(frames[i]), false, 0);
        yield ctx.mcIssue();
      })(defined(m.cpus[0])),
    );
    defined(m.cpus[1]).start(
      (function* (ctx: PinContext): Program {
        for (let i = 0; i < 20; i++) yield ctx.sleep(100);
      })(defined(m.cpus[1])),
    );
    m.run();
    const entries = obs.seen.filter((s) => s.vcpu === 0 && s.kind === ACTION_NAMES[ACTION_MC_ENTRY]);
    const first = defined(entries[0]).atNs;
    const last = defined(entries[31]).atNs;
    const between = obs.seen.filter(
      (s) => s.vcpu === 1 && s.kind === ACTION_NAMES[ACTION_SLEEP] && s.atNs > first && s.atNs < last,
    );
    assert.ok(between.length > 0, 'vCPU 1 acted while the batch was executing');
    // And the order of actions is the order of their instants.
    for (let i = 1; i < obs.seen.length; i++)
      assert.ok(defined(obs.seen[i]).atNs >= defined(obs.seen[i - 1]).atNs, `action ${i} in time order`);
  });

  it('reports every simulated event to the observer exactly once', () => {
    for (const strategy of ['per-pte-deferred', 'unlocked', 'whole-lock', 'unbatched', 'mm-lock']) {
      const obs = recorder();
      const params = resolveParams({
        strategy,
        ptePages: 64,
        vcpus: 3,
        iterations: 2,
        dwellNs: 20_000,
        writerThinkNs: 1_000,
        seed: 4,
      });
      const out = runScenario(params, { observer: obs });
      assert.equal(obs.seen.length, out.events, strategy);
      assert.equal(obs.seen.filter((s) => s.kind === ACTION_NAMES[ACTION_EXIT]).length, 3, `${strategy}: each vCPU exits once`);
      assert.deepEqual(out.metrics, runScenario(params).metrics, `${strategy}: the observer changes nothing`);
    }
  });

  it('yielding a queueing call is a ModelError that says queueing calls are not yielded', () => {
    assert.throws(
      () =>
        runProgram({ ptePages: 2 }, function* (ctx) {
          yield ctx.mcMmuextOp(MMUEXT_PIN_L1_TABLE, defined(ctx.mm.pteFrames[0])) as never;
        }),
      (e: Error) =>
        e instanceof ModelError &&
        /yielded undefined \(queueing calls such as mcUpdateVaMapping are not yielded\)/.test(e.message),
    );
  });

  it('queueing between requesting an effect and yielding it is a ModelError', () => {
    assert.throws(
      () =>
        runProgram({ ptePages: 2 }, function* (ctx) {
          const lock = ctx.lock(ctx.pageTableLock);
          ctx.mcUpdateVaMapping(defined(ctx.mm.pteFrames[0]), false, 0);
          yield lock;
        }),
      /mcUpdateVaMapping called before the previous lock was yielded/,
    );
  });

  it('gives a strategy a frozen view of the mm without its frame flags', () => {
    let view: PinContext['mm'] | undefined;
    runProgram({ ptePages: 3 }, function* (ctx) {
      view = ctx.mm;
      yield ctx.sleep(0);
    });
    assert.ok(view !== undefined);
    assert.equal('flags' in view, false);
    assert.equal(Object.isFrozen(view), true);
    assert.equal(view.ptePages, 3);
    assert.throws(() => {
      (view as unknown as Record<string, unknown>).flags = new Uint8Array(8);
    }, TypeError);
  });
});
