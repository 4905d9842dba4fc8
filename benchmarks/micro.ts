import { MMUEXT_PIN_L1_TABLE, UVMF_NONE } from '../src/hv/abi.js';
import { MulticallBatcher } from '../src/hv/multicall-batcher.js';
import { PG_PINNED } from '../src/mmu/frame-flags.js';
import { Mm } from '../src/mmu/mm.js';
import { PreemptCount } from '../src/mmu/preempt-count.js';
import { SpinLockTable } from '../src/mmu/spin-lock.js';
import type { MicroSuite, MicroTask } from '../src/runner/types.js';
import { DEFAULT_PARAMS } from '../src/scenarios/defaults.js';
import { runScenario } from '../src/scenarios/fork-exit.js';
import type { ForkExitParams } from '../src/scenarios/types.js';
import { getStrategy, listStrategies } from '../src/strategies/index.js';
import type { Effect, PinContext, Program } from '../src/strategies/types.js';

// Each task's function does a fixed batch of operations per call, so one tinybench sample is tens of
// microseconds or more: well above the timer's resolution, and comparable across runs.

/** Full batches flushed per call of the batcher tasks. */
const BATCHES_PER_CALL = 256;
/** Lock and unlock pairs per call of the lock task. */
const LOCKS_PER_CALL = 4096;
/** PTE pages of the mm the walk and build tasks use. */
const WALK_PTE_PAGES = 4096;
/** PTE pages and cycles of the per-strategy pin + unpin tasks. */
const PIN_PTE_PAGES = 256;

/** A virtual clock the lock table reads; advanced by hand. */
const clock = { now: 0 };

function batcherEntryAndFlush(): MicroTask {
  return {
    name: 'batcher: update_va_mapping entries + flush',
    description: `${BATCHES_PER_CALL} batches of MC_BATCH update_va_mapping entries, each flushed for 'slots' (MulticallBatcher)`,
    setup: () => {
      const batcher = new MulticallBatcher();
      return () => {
        let frame = 0;
        for (let b = 0; b < BATCHES_PER_CALL; b++) {
          while (batcher.tryQueueUpdateVaMapping(frame, false, UVMF_NONE)) frame++;
          batcher.recycle(batcher.take('slots'));
        }
        return frame;
      };
    },
  };
}

function batcherExtend(): MicroTask {
  return {
    name: 'batcher: mmuext_op coalescing (xen_extend_mmuext_op)',
    description: `${BATCHES_PER_CALL} batches filled with PIN_L1_TABLE sub-ops coalesced by tryQueueMmuextOp (xen_extend_mmuext_op) until MC_ARGS, then flushed for 'args'`,
    setup: () => {
      const batcher = new MulticallBatcher();
      const opBytes = 24;
      return () => {
        let frame = 0;
        for (let b = 0; b < BATCHES_PER_CALL; b++) {
          while (batcher.tryQueueMmuextOp(MMUEXT_PIN_L1_TABLE, frame, opBytes)) frame++;
          batcher.recycle(batcher.take('args'));
        }
        return frame;
      };
    },
  };
}

function lockUnlock(): MicroTask {
  return {
    name: 'spinlock: uncontended lock + unlock',
    description: `${LOCKS_PER_CALL} spin_lock/spin_unlock pairs on distinct split PTE locks, with preempt_count inc/dec (SpinLockTable, PreemptCount)`,
    setup: () => {
      const locks = new SpinLockTable(LOCKS_PER_CALL, 1, clock);
      const preempt = new PreemptCount();
      return () => {
        for (let id = 0; id < LOCKS_PER_CALL; id++) {
          locks.tryAcquire(id, 0);
          preempt.add(1, clock.now);
          clock.now += 10;
          locks.release(id, 0);
          preempt.sub(1);
        }
        return clock.now;
      };
    },
  };
}

function mmBuild(): MicroTask {
  return {
    name: `mm: build a 4level tree of ${WALK_PTE_PAGES} PTE pages`,
    description: `new Mm('4level', dense ${WALK_PTE_PAGES} PTE pages): typed-array tree, walk order, present-PTE totals`,
    setup: () => () => new Mm('4level', { kind: 'dense', ptePages: WALK_PTE_PAGES }).frameCount,
  };
}

/** The stub's effect of `ctx.call(program)`: the driver runs the sub-program in place. */
interface CallEffect extends Effect {
  readonly program: Program;
}

/**
 * A context that costs nothing: queries and PG_pinned updates act on the mm, queueing does nothing, every yielded
 * effect is one constant. Driving a strategy's program through it times the walk itself (generator steps, flag tests).
 */
function stubContext(mm: Mm): PinContext {
  // Every effect is free: as the vCPU does with an effect it performed inside the call, `yield*` of it iterates
  // nothing and the program goes on (a plain `yield` yields it).
  const nothing: Iterator<Effect, void, void> = { next: () => ({ done: true, value: undefined }) };
  const effect: Effect = { __effect: true, [Symbol.iterator]: () => nothing };
  const none = (): Effect => effect;
  const queue = (): void => {};
  return {
    call: (program): CallEffect => {
      const e: CallEffect = {
        __effect: true,
        program,
        *[Symbol.iterator]() {
          yield e;
        },
      };
      return e;
    },
    mm: mm.view,
    vcpu: 0,
    splitPtlocks: true,
    ptl: (frame) => frame,
    pageTableLock: mm.frameCount,
    // The walk names only frames of this mm: `as number` drops the `undefined` of a read that cannot miss, and
    // adds no check to the timed walk.
    testSetPinned: (frame) => {
      const flags = mm.flags[frame] as number;
      mm.flags[frame] = flags | PG_PINNED;
      return (flags & PG_PINNED) !== 0;
    },
    testClearPinned: (frame) => {
      const flags = mm.flags[frame] as number;
      mm.flags[frame] = flags & ~PG_PINNED;
      return (flags & PG_PINNED) !== 0;
    },
    lock: none,
    unlock: none,
    mcUpdateVaMapping: queue,
    mcMmuextOp: queue,
    mcMmuUpdate: queue,
    mcCallbackUnlock: queue,
    mcCallback: queue,
    mcFlush: none,
    mcIssue: none,
    hypercallUpdateVaMapping: none,
    hypercallMmuextOp: none,
    store: none,
    sleep: none,
  };
}

/** Step a program to its end, sub-programs of `ctx.call` included; returns the effects yielded (`yield*` of a free effect yields none). */
function drive(program: Program): number {
  let steps = 0;
  for (const effect of program) {
    steps++;
    const sub = (effect as Partial<CallEffect>).program;
    if (sub !== undefined) steps += drive(sub);
  }
  return steps;
}

function walk(strategy: string): MicroTask {
  return {
    name: `walk: ${strategy} pin + unpin programs, ${WALK_PTE_PAGES} PTE pages`,
    description: `the ${strategy} pin and unpin generators stepped to the end over a 4level mm of ${WALK_PTE_PAGES} PTE pages, every effect free (the walk alone)`,
    setup: () => {
      const mm = new Mm('4level', { kind: 'dense', ptePages: WALK_PTE_PAGES });
      const ctx = stubContext(mm);
      const s = getStrategy(strategy);
      return () => drive(s.pin(ctx)) + drive(s.unpin(ctx));
    },
  };
}

function pinUnpin(strategy: string): MicroTask {
  // DEFAULT_PARAMS are 4level's (kernel current): these fields need no validation, and listing the suite loads no zod.
  const params: ForkExitParams = {
    ...DEFAULT_PARAMS,
    strategy,
    mode: '4level',
    ptePages: PIN_PTE_PAGES,
    vcpus: 1,
    iterations: 1,
    seed: 1,
  };
  return {
    name: `fork-exit: ${strategy}, 1 pin + unpin, ${PIN_PTE_PAGES} PTE pages`,
    description: `runScenario of one pin + unpin cycle on 1 vCPU, 4level, ${PIN_PTE_PAGES} PTE pages (machine set-up included)`,
    setup: () => () => runScenario(params).events,
  };
}

const suite: MicroSuite = {
  kind: 'micro',
  name: 'micro',
  description:
    'tinybench micro-benchmarks of the hot paths (batcher, locks, mm build, walk) and a wall-clock pin + unpin per strategy',
  tasks: () => [
    batcherEntryAndFlush(),
    batcherExtend(),
    lockUnlock(),
    mmBuild(),
    walk('unlocked'),
    walk('per-pte-deferred'),
    ...listStrategies().map(pinUnpin),
  ],
};

export default suite;
