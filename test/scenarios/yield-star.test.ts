import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MMUEXT_PIN_L1_TABLE, MMUEXT_UNPIN_TABLE } from '../../src/hv/abi.js';
import { PT_PTE } from '../../src/mmu/types.js';
import { runScenario } from '../../src/scenarios/fork-exit.js';
import { resolveParams } from '../../src/scenarios/params.js';
import { registerStrategy } from '../../src/strategies/registry.js';
import type { Effect, PinContext, Program, Strategy } from '../../src/strategies/types.js';
import { batchedPinTopLevel, batchedUnpinTopLevel, remapFlags } from '../../src/strategies/walk.js';
import { defined } from '../../src/shared/defined.js';
import { makeMachine } from '../strategies/helpers.js';

/** A program that counts how often the vCPU resumes it (the vCPU calls `next` of an iterator that is not a generator). */
function counted(program: Program): { program: Program; resumes: () => number } {
  let n = 0;
  const wrapper = {
    next: () => {
      n++;
      return program.next();
    },
    return: (v: undefined) => program.return(v),
    throw: (e: unknown) => program.throw(e),
    [Symbol.iterator]() {
      return wrapper;
    },
  } as unknown as Program;
  return { program: wrapper, resumes: () => n };
}

/** Lock and unlock page_table_lock `times` times, with `yield*` (star) or `yield`. */
function lockLoop(times: number, star: boolean) {
  return function* (ctx: PinContext): Program {
    for (let i = 0; i < times; i++) {
      if (star) {
        yield* ctx.lock(ctx.pageTableLock);
        yield* ctx.unlock(ctx.pageTableLock);
      } else {
        yield ctx.lock(ctx.pageTableLock);
        yield ctx.unlock(ctx.pageTableLock);
      }
    }
  };
}

/**
 * The seed's per-PTE pin and unpin (per-pte-deferred) written with a plain `yield` per effect: the same program as
 * the built-in, which is written with `yield*`.
 */
const perPteDeferredWithYield: Strategy = {
  name: 'test-per-pte-deferred-yield',
  description: 'per-pte-deferred with plain yields (test)',
  *pin(ctx) {
    const { walkFrames, walkLevels } = ctx.mm;
    for (let i = 0; i < walkFrames.length; i++) {
      const frame = defined(walkFrames[i]);
      if (ctx.testSetPinned(frame)) continue;
      const level = defined(walkLevels[i]);
      ctx.mcUpdateVaMapping(frame, false, remapFlags(level));
      if (level === PT_PTE && ctx.splitPtlocks) {
        const ptl = ctx.ptl(frame);
        yield ctx.lock(ptl, { nest: true });
        ctx.mcMmuextOp(MMUEXT_PIN_L1_TABLE, frame);
        ctx.mcCallbackUnlock(ptl);
      }
    }
    batchedPinTopLevel(ctx);
    yield ctx.mcIssue();
  },
  *unpin(ctx) {
    const { walkFrames, walkLevels } = ctx.mm;
    batchedUnpinTopLevel(ctx);
    for (let i = 0; i < walkFrames.length; i++) {
      const frame = defined(walkFrames[i]);
      if (!ctx.testClearPinned(frame)) continue;
      const level = defined(walkLevels[i]);
      const locked = level === PT_PTE && ctx.splitPtlocks;
      if (locked) {
        yield ctx.lock(ctx.ptl(frame), { nest: true });
        ctx.mcMmuextOp(MMUEXT_UNPIN_TABLE, frame);
      }
      ctx.mcUpdateVaMapping(frame, true, remapFlags(level));
      if (locked) ctx.mcCallbackUnlock(ctx.ptl(frame));
    }
    yield ctx.mcIssue();
  },
};
registerStrategy(perPteDeferredWithYield, { replace: true });

describe('GuestCpu: yield* of an effect', () => {
  it('does not suspend the program when the vCPU performed the effect inside the call (one vCPU: never)', () => {
    const times = 10;
    for (const star of [true, false]) {
      const m = makeMachine({ ptePages: 2 });
      const c = counted(lockLoop(times, star)(defined(m.cpus[0])));
      defined(m.cpus[0]).start(c.program);
      m.run();
      // yield*: one resume runs the program to its end. yield: one resume per effect, and one that ends it.
      assert.equal(c.resumes(), star ? 1 : 2 * times + 1, star ? 'yield*' : 'yield');
      assert.equal(m.locks.classes[1].acquisitions, times);
    }
  });

  it('suspends the program where another vCPU is due first, as yield does', () => {
    // Two vCPUs taking page_table_lock in turn: each acquisition ends a vCPU's turn when the other is due first.
    const resumes: number[] = [];
    for (const star of [true, false]) {
      const m = makeMachine({ ptePages: 2, vcpus: 2 });
      const a = counted(lockLoop(3, star)(defined(m.cpus[0])));
      const b = counted(lockLoop(3, star)(defined(m.cpus[1])));
      defined(m.cpus[0]).start(a.program);
      defined(m.cpus[1]).start(b.program);
      m.run();
      assert.equal(m.locks.classes[1].acquisitions, 6);
      resumes.push(a.resumes() + b.resumes());
    }
    // Fewer resumes with yield*, but more than one per program: it did suspend.
    assert.ok(defined(resumes[0]) > 2 && defined(resumes[0]) <= defined(resumes[1]), `resumes ${resumes.join(' vs ')}`);
  });

  it('gives the same exact metrics as yield, with racing writers, on every kernel era', () => {
    for (const [mode, kernel] of [
      ['4level', 'current'],
      ['pae', '2.6.24'],
      ['2level', '2.6.24'],
    ] as const) {
      const run = (strategy: string) =>
        runScenario(
          resolveParams({ strategy, mode, kernel, ptePages: 96, vcpus: 3, iterations: 3, writerThinkNs: 700, seed: 7 }),
        );
      const star = run('per-pte-deferred');
      const plain = run(perPteDeferredWithYield.name);
      assert.deepEqual(plain.metrics, star.metrics, `${mode} ${kernel}`);
      assert.equal(plain.events, star.events);
    }
  });

  it('still catches a context call made before the previous effect was yielded, even one performed in its call', () => {
    const m = makeMachine({ ptePages: 2 });
    defined(m.cpus[0]).start(
      (function* (ctx: PinContext): Program {
        const lock: Effect = ctx.lock(ctx.pageTableLock); // performed at once: one vCPU
        ctx.mcUpdateVaMapping(defined(ctx.mm.pteFrames[0]), false, 0);
        yield* lock;
      })(defined(m.cpus[0])),
    );
    assert.throws(() => m.run(), /mcUpdateVaMapping called before the previous lock was yielded/);
  });
});
