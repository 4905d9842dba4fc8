/**
 * The floor of the engine's per-pte-deferred cycle (issue 12): the model objects a Machine builds (the vCPU's
 * batcher, preempt count and lockdep; the Hypervisor; the SpinLockTable; the engine's clock and event count) driven
 * directly, in the order per-pte-deferred's pin and unpin and fork-exit's pinner drive them through a GuestCpu, with
 * no engine loop, no GuestCpu dispatch, no effect records and no generators. What a cycle costs here is the work of
 * the model itself; what the engine measures beyond it is the cost of running a strategy as a program.
 *
 * It is honest by check, not by construction: before it is timed, `checkFloor` runs the real scenario (a Machine,
 * its GuestCpu running fork-exit's pinner with per-pte-deferred) for one and for two cycles, and the floor on a fresh
 * Machine for one and two cycles, and compares everything the cycle leaves: Xen's statistics and per-frame state
 * (types, counts, pins, validation stamps, TLB-flush stamps and clock), the batcher's statistics (batch histogram,
 * flush reasons, sub-ops), both lock classes' statistics (acquisitions, contentions, most held, the hold and wait
 * histograms' summaries), the preempt count's and lockdep's depths, the guest's frame flags, the virtual time and
 * the events. Any difference is an error that names the field.
 *
 * Scope: one vCPU, 4level, kernel `current` (the cycle); other layouts and eras are refused.
 *
 *   node floor.js CYCLES REPS [PTE_PAGES]   -> JSON: { values: ms per cycle of each repetition, reference: ModelCounts }
 */
import { isDeepStrictEqual } from 'node:util';
import {
  CB_UNLOCK,
  MMUEXT_PIN_L1_TABLE,
  MMUEXT_UNPIN_TABLE,
  pinCommandForLevel,
  UVMF_NONE,
  UVMF_TLB_FLUSH,
} from '../../src/hv/index.js';
import type { McBuffer } from '../../src/hv/index.js';
import type { FlushReason } from '../../src/hv/types.js';
import { PG_PINNED } from '../../src/mmu/frame-flags.js';
import { PT_PGD, PT_PTE } from '../../src/mmu/types.js';
import { forkExitPinner, Machine, resolveParams } from '../../src/scenarios/index.js';
import type { ForkExitParams, PinnerTally } from '../../src/scenarios/index.js';
import { COST_PROFILES } from '../../src/hv/cost-profiles.js';
import { defined } from '../../src/shared/defined.js';
import { getStrategy } from '../../src/strategies/registry.js';

/** The strategy whose order the floor follows. */
export const FLOOR_STRATEGY = 'per-pte-deferred';

/** The scenario's parameters for a cycle of `ptePages` PTE pages (the issue's: 4level, current, 1 vCPU, no dwell). */
export function floorParams(ptePages: number, iterations: number): ForkExitParams {
  return resolveParams({
    strategy: FLOOR_STRATEGY,
    mode: '4level',
    kernel: 'current',
    ptePages,
    vcpus: 1,
    iterations,
    dwellNs: 0,
  }) as ForkExitParams;
}

/** A fresh Machine for the parameters, as runScenario builds it. */
export function machineFor(params: ForkExitParams): Machine {
  const costs = COST_PROFILES[params.profile];
  if (costs === undefined) throw new Error(`floor: unknown profile ${params.profile}`);
  return new Machine(params, costs, getStrategy(params.strategy).splitPtlocks !== false);
}

/**
 * Per-pte-deferred's cycle on the model objects of `m` (vCPU 0), without the engine: lock mm->page_table_lock, pin
 * (walk, top level, xen_mc_issue), unlock; lock, unpin, unlock. Virtual time and events go on `m.engine` as the
 * GuestCpu puts them there (each event: the engine's clock moves by the action's cost and its count by one).
 */
export class Floor {
  /** One cycle; its helpers are made once, with the machine's objects and the guest work owed in their closure. */
  readonly cycle: () => void;

  constructor(m: Machine) {
    const { params } = m;
    if (params.vcpus !== 1 || params.mode !== '4level' || params.kernel !== 'current' || m.domainLock !== null)
      throw new Error('floor: only one vCPU, 4level, kernel current, a Xen without the big lock');
    m.hv.current = 0;
    this.cycle = floorCycle(m);
  }
}

function floorCycle(m: Machine): () => void {
  const cpu = defined(m.cpus[0]);
  const b = cpu.batcher;
  const hv = m.hv;
  const locks = m.locks;
  const preempt = cpu.preempt;
  const lockdep = cpu.lockdep;
  const engine = m.engine;
  const costs = m.costs;
  const flags = m.mm.flags;
  const { walkFrames, walkLevels, pgd, userPgd } = m.mm.view;
  const walkStepNs = costs.walkStepNs;
  const trapNs = costs.hypercallTrapNs;
  const acquireNs = costs.spinAcquireNs;
  const releaseNs = costs.spinReleaseNs;
  const mmuextBytes = m.mm.mode.mmuextOpBytes;
  const topPin = pinCommandForLevel(m.mm.mode.topLevel);
  const ptl = locks.pageTableLock;
  /** Guest work (walk steps) owed: the next trap or visible action pays it. */
  let debt = 0;

  const payDebt = (): void => {
    if (debt > 0) {
      engine.now += debt;
      engine.events++;
      debt = 0;
    }
  };
  const release = (id: number): void => {
    locks.release(id, 0);
    preempt.sub(1);
    lockdep.release(locks.classOf(id));
    engine.now += releaseNs;
    engine.events++;
  };
  const flush = (reason: FlushReason | null): void => {
    const single = b.flushIsSingleton;
    const buf: McBuffer = b.take(reason);
    if (buf.entries > 0) {
      engine.now += trapNs + debt;
      engine.events++;
      debt = 0;
    }
    for (let i = 0; i < buf.entries; i++) {
      const cost = hv.executeEntryNow(buf, i, !single);
      if (hv.entryErrors > 0) throw new Error(`floor: Xen refused an entry: ${hv.entryFirstError}`);
      engine.now += cost;
      engine.events++;
    }
    for (let k = 0; k < buf.callbacks; k++) {
      if (buf.cbKind[k] !== CB_UNLOCK) throw new Error('floor: a callback that does not unlock');
      release(buf.cbData[k] as number); // k < callbacks
    }
    b.recycle(buf);
  };
  const uva = (f: number, rw: boolean, fl: number): void => {
    if (!b.tryQueueUpdateVaMapping(f, rw, fl)) {
      flush(b.entryFlushReason(0));
      b.queueUpdateVaMapping(f, rw, fl);
    }
  };
  const ext = (cmd: number, f: number): void => {
    if (!b.tryQueueMmuextOp(cmd, f, mmuextBytes)) {
      flush(b.entryFlushReason(mmuextBytes));
      b.tryQueueMmuextOp(cmd, f, mmuextBytes);
    }
  };
  const callbackUnlock = (id: number): void => {
    if (!b.tryQueueCallback(CB_UNLOCK, id, null)) {
      flush('callbacks');
      b.queueCallback(CB_UNLOCK, id);
    }
  };
  const lock = (id: number, nest: boolean): void => {
    payDebt();
    preempt.add(1, engine.now);
    lockdep.acquire(locks.classOf(id), nest);
    if (!locks.tryAcquire(id, 0)) throw new Error(`floor: lock ${id} is busy`);
    engine.now += acquireNs;
    engine.events++;
  };
  const unlock = (id: number): void => {
    payDebt();
    release(id);
  };
  const testSet = (f: number): boolean => {
    debt += walkStepNs;
    const old = flags[f] as number; // f is a walked frame
    flags[f] = old | PG_PINNED;
    return (old & PG_PINNED) !== 0;
  };
  const testClear = (f: number): boolean => {
    debt += walkStepNs;
    const old = flags[f] as number;
    flags[f] = old & ~PG_PINNED;
    return (old & PG_PINNED) !== 0;
  };
  const remap = (level: number): number => (level === PT_PGD ? UVMF_TLB_FLUSH : UVMF_NONE);

  return (): void => {
    // pin: dup_mmap holds page_table_lock around xen_pgd_pin.
    lock(ptl, false);
    for (let i = 0; i < walkFrames.length; i++) {
      const f = walkFrames[i] as number; // i < walkFrames.length, and walkLevels is as long
      if (testSet(f)) continue;
      const level = walkLevels[i] as number;
      uva(f, false, remap(level));
      if (level === PT_PTE) {
        lock(f, true);
        ext(MMUEXT_PIN_L1_TABLE, f);
        callbackUnlock(f);
      }
    }
    ext(topPin, pgd);
    if (userPgd >= 0 && !testSet(userPgd)) {
      uva(userPgd, false, UVMF_TLB_FLUSH);
      ext(topPin, userPgd);
    }
    flush(null);
    unlock(ptl);
    // unpin: exit_mmap holds page_table_lock around xen_pgd_unpin.
    lock(ptl, false);
    ext(MMUEXT_UNPIN_TABLE, pgd);
    if (userPgd >= 0) {
      ext(MMUEXT_UNPIN_TABLE, userPgd);
      if (testClear(userPgd)) uva(userPgd, true, UVMF_TLB_FLUSH);
    }
    for (let i = 0; i < walkFrames.length; i++) {
      const f = walkFrames[i] as number;
      if (!testClear(f)) continue;
      const level = walkLevels[i] as number;
      const locked = level === PT_PTE;
      if (locked) {
        lock(f, true);
        ext(MMUEXT_UNPIN_TABLE, f);
      }
      uva(f, true, remap(level));
      if (locked) callbackUnlock(f);
    }
    flush(null);
    unlock(ptl);
  };
}

/** Everything a cycle leaves in a Machine that the check compares. */
export interface MachineState {
  virtualNs: number;
  events: number;
  hv: Record<string, number>;
  tlbflushClock: number;
  batcher: unknown;
  locks: unknown;
  preempt: { value: number; maxDepth: number; overflows: number; debugWarnings: number };
  lockdep: { depth: number; maxDepth: number; overflows: number; referenceOverflows: number; recursionWarnings: number };
  debugLocksOn: boolean;
  frames: Record<string, number[]>;
}

export function machineState(m: Machine): MachineState {
  const cpu = defined(m.cpus[0]);
  const hv = m.hv;
  return {
    virtualNs: m.engine.now,
    events: m.engine.events,
    hv: { ...hv.stats },
    tlbflushClock: hv.tlbflushClock,
    batcher: cpu.batcher.stats,
    locks: m.locks.classes.map((c) => ({
      acquisitions: c.acquisitions,
      contentions: c.contentions,
      maxHeld: c.maxHeld,
      hold: c.hold.summary(),
      wait: c.wait.summary(),
    })),
    preempt: {
      value: cpu.preempt.value,
      maxDepth: cpu.preempt.maxDepth,
      overflows: cpu.preempt.overflows,
      debugWarnings: cpu.preempt.debugWarnings,
    },
    lockdep: {
      depth: cpu.lockdep.depth,
      maxDepth: cpu.lockdep.maxDepth,
      overflows: cpu.lockdep.overflows,
      referenceOverflows: cpu.lockdep.referenceOverflows,
      recursionWarnings: cpu.lockdep.recursionWarnings,
    },
    debugLocksOn: m.debugLocks.on,
    frames: {
      flags: [...m.mm.flags],
      typeLevel: [...hv.typeLevel],
      typeCount: [...hv.typeCount],
      pinned: [...hv.pinned],
      validatedAtNs: [...hv.validatedAtNs],
      tlbflushTimestamp: [...hv.tlbflushTimestamp],
      cpuFlushTime: [...hv.cpuFlushTime],
      owners: [...m.locks.owner],
    },
  };
}

/** The fields where two states differ (paths such as `hv.typeChangeFlushes`, `frames.pinned`); empty when equal. */
export function stateDifferences(a: unknown, b: unknown, path = ''): string[] {
  if (isDeepStrictEqual(a, b)) return [];
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b))
    return [`${path || '(state)'}: ${JSON.stringify(a)?.slice(0, 80)} != ${JSON.stringify(b)?.slice(0, 80)}`];
  if (Array.isArray(a) && Array.isArray(b)) {
    const i = a.findIndex((x, k) => !isDeepStrictEqual(x, b[k]));
    const at = i < 0 ? Math.min(a.length, b.length) : i;
    return [`${path}[${at}]: ${JSON.stringify(a[at])} != ${JSON.stringify(b[at])} (lengths ${a.length}, ${b.length})`];
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(ao), ...Object.keys(bo)])];
  return keys.flatMap((k) => stateDifferences(ao[k], bo[k], path ? `${path}.${k}` : k));
}

/** The state a real run of `iterations` cycles leaves: a Machine whose GuestCpu runs fork-exit's pinner. */
export function realState(ptePages: number, iterations: number): MachineState {
  const params = floorParams(ptePages, iterations);
  const m = machineFor(params);
  const cpu = defined(m.cpus[0]);
  const tally: PinnerTally = { pins: 0, unpins: 0, endNs: 0 };
  cpu.start(forkExitPinner(cpu, m, getStrategy(FLOOR_STRATEGY), tally));
  while (!m.run()) {
    // no watch: run() returns true at the end
  }
  return machineState(m);
}

/**
 * The counts of one cycle the fidelity-matched C (pinref-model.c) must reproduce: taken from the real run of one
 * cycle. `events` counts the engine's events of the run, the vCPU's first step included.
 */
export interface ModelCounts {
  ptePages: number;
  slots: number;
  multicalls: number;
  singletons: number;
  batches: number;
  typeChangeFlushes: number;
  guestFlushes: number;
  tablesValidated: number;
  tablesDevalidated: number;
  events: number;
  virtualNs: number;
  ptlHoldCount: number;
  ptlHoldTotalNs: number;
  ptlHoldMinNs: number;
  ptlHoldMaxNs: number;
  ptlMaxHeld: number;
  pageTableLockHoldTotalNs: number;
  preemptMaxDepth: number;
  lockdepMaxDepth: number;
}

export function modelCounts(ptePages: number, s: MachineState): ModelCounts {
  const batcher = s.batcher as { entries: number; multicalls: number; singletons: number; batches: number };
  const [ptl, ptLock] = s.locks as Array<{
    maxHeld: number;
    hold: { count: number; totalNs: number; minNs: number; maxNs: number };
  }>;
  if (ptl === undefined || ptLock === undefined) throw new Error('floor: the lock table has no classes');
  return {
    ptePages,
    slots: batcher.entries,
    multicalls: batcher.multicalls,
    singletons: batcher.singletons,
    batches: batcher.batches,
    typeChangeFlushes: defined(s.hv.typeChangeFlushes),
    guestFlushes: defined(s.hv.guestFlushes),
    tablesValidated: defined(s.hv.tablesValidated),
    tablesDevalidated: defined(s.hv.tablesDevalidated),
    events: s.events,
    virtualNs: s.virtualNs,
    ptlHoldCount: ptl.hold.count,
    ptlHoldTotalNs: ptl.hold.totalNs,
    ptlHoldMinNs: ptl.hold.minNs,
    ptlHoldMaxNs: ptl.hold.maxNs,
    ptlMaxHeld: ptl.maxHeld,
    pageTableLockHoldTotalNs: ptLock.hold.totalNs,
    preemptMaxDepth: s.preempt.maxDepth,
    lockdepMaxDepth: s.lockdep.maxDepth,
  };
}

/**
 * The floor leaves what the real run leaves, after one cycle and after two (a fresh Machine each): throws, naming
 * every field that differs, if not. Returns the counts of the real run's one cycle.
 */
export function checkFloor(ptePages: number): ModelCounts {
  let reference: ModelCounts | undefined;
  const m = machineFor(floorParams(ptePages, 2));
  const floor = new Floor(m);
  for (let cycles = 1; cycles <= 2; cycles++) {
    floor.cycle();
    const real = realState(ptePages, cycles);
    const mine = machineState(m);
    // The engine counts the vCPU's first step as an event (the run's one trip into the vCPU); the floor has none.
    mine.events += 1;
    const diff = stateDifferences(real, mine);
    if (diff.length > 0)
      throw new Error(
        `floor: after ${cycles} cycle(s) the floor's state differs from the real ${FLOOR_STRATEGY} run's (real != floor): ${diff.slice(0, 8).join('; ')}`,
      );
    if (cycles === 1) reference = modelCounts(ptePages, real);
  }
  return defined(reference);
}
