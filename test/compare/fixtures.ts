// Synthetic result sets for the compare tests: small, deterministic, and every field the schema wants.
import type { DistSummary } from '../../src/metrics/types.js';
import { RESULTS_SCHEMA } from '../../src/results/schema.js';
import type { Environment, ResultSet, RunResult, WallStats } from '../../src/results/types.js';
import type { ForkExitParams, LockClassStats, RunMetrics } from '../../src/scenarios/types.js';

/** The machine of a baseline. */
export const MACHINE_A: Environment = {
  node: 'v20.19.0',
  os: 'linux 6.1.0 x64',
  cpuModel: 'AMD EPYC 7B13',
  cores: 2,
  memoryBytes: 25769803776,
};
/** Another machine: other CPU model. */
export const MACHINE_B: Environment = { ...MACHINE_A, cpuModel: 'Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz' };

/** Samples per run in the fixtures. */
export const SAMPLE_COUNT = 10;

/** Parameters of one synthetic scenario run. */
export function params(strategy: string, ptePages: number, seed = 1): ForkExitParams {
  return {
    scenario: 'fork-exit',
    strategy,
    mode: '4level',
    kernel: 'current',
    ptePages,
    vcpus: 2,
    iterations: 4,
    dwellNs: 10000,
    writerThinkNs: 5000,
    seed,
    profile: 'xen-4.17-skylake',
    mcBatch: 32,
    mcArgs: 768,
    preemptBits: 8,
  };
}

function dist(count: number, meanNs: number): DistSummary {
  return { count, minNs: meanNs / 2, meanNs, p50Ns: meanNs, p99Ns: meanNs * 2, maxNs: meanNs * 3, totalNs: count * meanNs };
}

function lockClass(acquisitions: number): LockClassStats {
  return { acquisitions, contentions: 3, maxHeld: 1, holdNs: dist(acquisitions, 120), waitNs: dist(3, 40) };
}

/** Plausible exact metrics for `ptePages` PTE pages, a function of its inputs only. */
export function metrics(ptePages: number): RunMetrics {
  const entries = ptePages * 2 + 8;
  return {
    hypercalls: {
      traps: Math.ceil(entries / 32) + 4,
      multicalls: Math.ceil(entries / 32),
      singletons: 0,
      entries,
      argBytes: entries * 24,
      batches: Math.ceil(entries / 32) + 2,
      subops: { update_va_mapping: ptePages * 2, mmu_update: 0, mmuext_op: { PIN_L4_TABLE: 4, UNPIN_TABLE: 4 } },
      batchHistogram: [0, 2, 0, 1],
      flushReasons: { slots: Math.floor(entries / 32), args: 0, callbacks: 0 },
    },
    locks: { ptl: lockClass(ptePages * 8), page_table_lock: lockClass(8) },
    xen: { tlbFlushes: ptePages * 8, flushIpis: ptePages * 8, guestFlushes: 16, bigLock: lockClass(0) },
    preempt: { maxDepth: 2, overflows: 0, debugWarnings: 0 },
    lockdep: { maxDepth: 2, overflows: 0, recursionWarnings: 0, referenceOverflows: 0, disabled: 0 },
    writes: { direct: 40, emulated: 12, staleTlb: 0 },
    faults: { writeProtect: 0, hypercallErrors: 0, firstHypercallError: null, details: [] },
    counts: { pins: 4, unpins: 4, writes: 52, events: 1000 + ptePages },
    throughput: { pinsPerSec: 12345.678, unpinsPerSec: 12345.678, writesPerSec: 160493.827 },
    virtualNs: 324000 + ptePages * 100,
  };
}

/**
 * SAMPLE_COUNT wall-clock samples around `medianMs`, spread by ±`noise` (0.01 = 1%), deterministic:
 * a fixed permutation of evenly spaced offsets, so the median is exactly `medianMs`.
 */
export function samples(medianMs: number, noise = 0.01): number[] {
  const out: number[] = [];
  for (let i = 0; i < SAMPLE_COUNT; i++) {
    const step = (i * 7) % SAMPLE_COUNT; // 7 is coprime with 10: a permutation of 0..9
    const offset = (step - (SAMPLE_COUNT - 1) / 2) / ((SAMPLE_COUNT - 1) / 2); // -1..1
    out.push(medianMs * (1 + noise * offset));
  }
  return out;
}

/** Wall statistics whose samples have median `medianMs`, and a normalised figure proportional to it. */
export function wall(medianMs: number, { noise = 0.01, normalisedPerEvent = medianMs / 4 } = {}): WallStats {
  const samplesMs = samples(medianMs, noise);
  return {
    durationMs: samplesMs.reduce((a, b) => a + b, 0),
    eventsPerSec: 1e6 / medianMs,
    normalisedPerEvent,
    samplesMs,
    meanMs: medianMs,
    p50Ms: medianMs,
    p99Ms: medianMs * (1 + noise),
    rme: noise * 100,
    samples: SAMPLE_COUNT,
  };
}

/** An ok scenario run. */
export function scenarioRun(strategy: string, ptePages: number, medianMs = 10, seed = 1): RunResult {
  return {
    id: `${strategy} 4level ptePages=${ptePages} vcpus=2 seed=${seed}`,
    kind: 'scenario',
    params: params(strategy, ptePages, seed),
    status: 'ok',
    metrics: metrics(ptePages),
    wall: wall(medianMs),
  };
}

/** A result set of three runs on MACHINE_A, every run at 10 ms. */
export function resultSet(overrides: Partial<ResultSet> = {}): ResultSet {
  return {
    schema: RESULTS_SCHEMA,
    tool: { name: 'pinbench', version: '0.1.0', commit: '0123456789abcdef0123456789abcdef01234567' },
    environment: MACHINE_A,
    suite: 'ci',
    profiles: { 'xen-4.17-skylake': { hypercallTrapNs: 700 } },
    createdAt: '2025-01-01T00:00:00.000Z',
    partial: false,
    runs: [scenarioRun('unlocked', 64), scenarioRun('per-pte-deferred', 64), scenarioRun('per-pte-deferred', 256)],
    ...overrides,
  };
}

/** A deep copy, to change one field of a fixture without touching the original. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** A result set with every run's wall samples scaled by `factor` (1.2 = 20% slower). */
export function slower(set: ResultSet, factor: number, { scaleNormalised = true } = {}): ResultSet {
  const copy = clone(set);
  for (const run of copy.runs) {
    if (run.status !== 'ok') continue;
    const median = (run.wall.p50Ms ?? 10) * factor;
    run.wall = wall(median, {
      normalisedPerEvent: scaleNormalised ? (run.wall.normalisedPerEvent ?? 0) * factor : run.wall.normalisedPerEvent,
    });
  }
  return copy;
}

export { tempDir, writeFixture } from '../support/temp.js';
