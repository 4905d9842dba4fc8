// A synthetic result-set generator for the report's tests and speed benchmark. It fills every metric with
// numbers that follow the section 9 formulas of xen-semantics.md roughly (slots, batches, lock depth), so the
// charts look like real ones; it is not the model and its numbers are not to be trusted for anything else.
import type { DistSummary } from '../../src/metrics/types.js';
import { RESULTS_SCHEMA } from '../../src/results/schema.js';
import type { ResultSet, RunResult, WallStats } from '../../src/results/types.js';
import type { ForkExitParams, LockClassStats, PagingMode, RunMetrics } from '../../src/scenarios/types.js';
import { defined } from '../../src/shared/defined.js';

export interface FixtureOptions {
  suite?: string;
  strategies?: string[];
  modes?: PagingMode[];
  sizes?: number[];
  vcpus?: number[];
  seeds?: number;
  iterations?: number;
  writerThinkNs?: number[];
  /** Add micro-benchmark runs. */
  micro?: boolean;
  /** Turn this many scenario runs into error entries (the last ones). */
  errors?: number;
  /** The last this many runs before the failed ones are invalid: one failed hypercall each. */
  invalid?: number;
  createdAt?: string;
  commit?: string | null;
  /** Multiply the wall times by this (to fake a slower toolkit). */
  wallFactor?: number;
}

export const FIVE_STRATEGIES = ['unlocked', 'mm-lock', 'whole-lock', 'per-pte-deferred', 'unbatched'];

/** mulberry32: a small seeded PRNG, enough for fixture noise. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

function dist(count: number, p50: number, p99: number, max: number, min: number): DistSummary {
  if (count === 0) return { count: 0, minNs: 0, meanNs: 0, p50Ns: 0, p99Ns: 0, maxNs: 0, totalNs: 0 };
  const mean = p50 * 0.7 + p99 * 0.3;
  return {
    count,
    minNs: min,
    meanNs: Math.round(mean),
    p50Ns: Math.round(p50),
    p99Ns: Math.round(p99),
    maxNs: Math.round(max),
    totalNs: Math.round(mean * count),
  };
}

function lock(acq: number, cont: number, maxHeld: number, hold: DistSummary, wait: DistSummary): LockClassStats {
  return { acquisitions: acq, contentions: cont, maxHeld, holdNs: hold, waitNs: wait };
}

/** Slots of one pin and one unpin, section 9. */
function slots(strategy: string, mode: PagingMode, n: number): { pin: number; unpin: number; directPerCycle: number } {
  const u = Math.ceil(n / 512);
  const g = Math.ceil(u / 512);
  const upper = mode === '4level' ? g + u : mode === 'pae' ? u : 0;
  const top = mode === '4level' ? 4 : 2;
  switch (strategy) {
    case 'per-pte-deferred':
      return { pin: upper + 2 * n + top, unpin: upper + 2 * n + top - 1, directPerCycle: 0 };
    case 'unbatched':
      return { pin: 0, unpin: 0, directPerCycle: 2 * (upper + 2 * n + top) };
    default:
      return { pin: upper + n + top, unpin: upper + n + top - 1, directPerCycle: 0 };
  }
}

function scenarioMetrics(p: ForkExitParams, r: () => number): RunMetrics {
  const n = p.ptePages;
  const it = p.iterations;
  const s = slots(p.strategy, p.mode, n);
  const mcPin = Math.ceil(s.pin / p.mcBatch);
  const mcUnpin = Math.ceil(s.unpin / p.mcBatch);
  const multicalls = (mcPin + mcUnpin) * it;
  const entries = (s.pin + s.unpin) * it;
  const traps = multicalls + s.directPerCycle * it;
  const hist = new Array<number>(p.mcBatch + 1).fill(0);
  for (const sl of [s.pin, s.unpin]) {
    if (sl === 0) continue;
    const full = p.mcBatch;
    const rest = sl % p.mcBatch;
    hist[full] = defined(hist[full]) + Math.floor(sl / p.mcBatch) * it;
    if (rest) hist[rest] = defined(hist[rest]) + it;
  }
  const flushSlots = (Math.max(0, mcPin - 1) + Math.max(0, mcUnpin - 1)) * it;
  const pinNs = s.pin * 180 + s.directPerCycle * 250 + n * 40;
  const writers = p.vcpus - 1;
  const cycleNs = p.dwellNs + 2 * pinNs;
  const virtualNs = Math.round(it * cycleNs * (1 + 0.05 * writers * r()));
  const writes = writers === 0 ? 0 : Math.round((writers * virtualNs) / (p.writerThinkNs + 60));
  const emulated = Math.round(writes * (p.dwellNs / cycleNs));
  const racy = p.strategy === 'unlocked' && writers > 0;
  const faults = racy ? Math.round(r() * 3 * writers * Math.log2(n + 1)) : 0;
  const perPte = p.strategy === 'per-pte-deferred' || p.strategy === 'unbatched';
  const wholeLock = p.strategy === 'whole-lock';
  const mmLock = p.strategy === 'mm-lock';
  const ptlHolds = (perPte || wholeLock ? 2 * n * it : 0) + (mmLock ? 0 : writes);
  const holdP99 = wholeLock ? pinNs : perPte ? 16 * 180 * (p.strategy === 'unbatched' ? 0.2 : 1) : 25;
  const ptlCont = mmLock ? 0 : Math.round(writes * 0.02 * writers * (wholeLock ? 8 : 1) * r());
  const waitP99 = wholeLock ? pinNs * 0.8 : perPte ? holdP99 * 0.9 : 40;
  const ptlockWaitP99 = mmLock ? pinNs * 0.9 : 0;
  const depth = wholeLock ? n + 1 : p.strategy === 'per-pte-deferred' ? 18 : 2;
  const limit = 2 ** p.preemptBits;
  const pins = it;
  const pinsPerSec = (pins / virtualNs) * 1e9;
  return {
    hypercalls: {
      traps,
      multicalls,
      singletons: 0,
      entries,
      argBytes: entries * 24,
      batches: multicalls + 2 * it,
      subops: {
        update_va_mapping: (perPte ? 2 * n : n) * it,
        mmu_update: 0,
        mmuext_op: { PIN_L1_TABLE: perPte ? n * it : 0, UNPIN_TABLE: (perPte ? n + 1 : 1) * it, PIN_L4_TABLE: it },
      },
      batchHistogram: hist,
      flushReasons: { slots: flushSlots, args: 0, callbacks: p.strategy === 'per-pte-deferred' && n % 16 === 3 ? it : 0 },
    },
    locks: {
      ptl: lock(
        ptlHolds,
        ptlCont,
        wholeLock ? n : perPte ? 17 : writers > 0 ? 1 : 0,
        dist(ptlHolds, perPte ? holdP99 * 0.5 : 25, holdP99, holdP99 * 1.3, 12),
        dist(ptlCont, waitP99 * 0.2, waitP99, waitP99 * 1.5, 30),
      ),
      page_table_lock: lock(
        2 * it + (mmLock ? writes : 0),
        mmLock ? Math.round(writes * 0.3) : 0,
        1,
        dist(2 * it + (mmLock ? writes : 0), mmLock ? 30 : pinNs, pinNs * 1.05, pinNs * 1.1, 20),
        dist(mmLock ? Math.round(writes * 0.3) : 0, ptlockWaitP99 * 0.4, ptlockWaitP99, ptlockWaitP99 * 1.2, 50),
      ),
    },
    xen: {
      tlbFlushes: (perPte ? 2 * n : 1) * it,
      flushIpis: (perPte ? 2 * n : 1) * it * writers,
      guestFlushes: 4 * it,
      bigLock: lock(0, 0, 0, dist(0, 0, 0, 0, 0), dist(0, 0, 0, 0, 0)),
    },
    preempt: { maxDepth: depth, overflows: depth >= limit ? 2 * it : 0, debugWarnings: depth >= limit - 11 ? 2 * it : 0 },
    lockdep: {
      maxDepth: Math.min(depth, 48),
      overflows: depth > 48 ? 2 * it : 0,
      recursionWarnings: 0,
      referenceOverflows: 0,
      disabled: depth >= 48 ? 1 : 0,
    },
    writes: { direct: writes - emulated - faults, emulated, staleTlb: 0 },
    faults: {
      writeProtect: faults,
      hypercallErrors: 0,
      firstHypercallError: null,
      details: Array.from({ length: Math.min(faults, 4) }, (_, i) => ({
        vcpu: 1 + (i % writers),
        frame: 4096 + Math.floor(r() * n),
        atNs: Math.round(r() * virtualNs),
        pinner: `pin #${i}`,
      })),
    },
    counts: { pins, unpins: pins, writes, events: Math.round(entries * 3 + writes * 4 + it * 10) },
    throughput: { pinsPerSec, unpinsPerSec: pinsPerSec, writesPerSec: (writes / virtualNs) * 1e9 },
    virtualNs,
  };
}

function wallOf(events: number, r: () => number, factor: number): WallStats {
  const base = (events * 0.00012 + 0.05) * factor;
  const samplesMs = Array.from({ length: 8 }, () => base * (0.95 + 0.1 * r()));
  const meanMs = samplesMs.reduce((a, b) => a + b, 0) / samplesMs.length;
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return {
    durationMs: defined(sorted[sorted.length - 1]) * 1.3,
    eventsPerSec: events / (meanMs / 1000),
    samplesMs,
    meanMs,
    p50Ms: sorted[4],
    p99Ms: sorted[7],
    rme: 1 + 4 * r(),
    samples: samplesMs.length,
  };
}

/** A plausible `pinbench.results/v1` result set; the same options give the same set. */
export function makeResultSet(options: FixtureOptions = {}): ResultSet {
  const strategies = options.strategies ?? FIVE_STRATEGIES;
  const modes = options.modes ?? ['4level'];
  const sizes = options.sizes ?? [64, 256, 300, 1024];
  const vcpus = options.vcpus ?? [1, 4];
  const seeds = options.seeds ?? 2;
  const thinks = options.writerThinkNs ?? [2000];
  const factor = options.wallFactor ?? 1;
  const runs: RunResult[] = [];
  for (const strategy of strategies)
    for (const mode of modes)
      for (const ptePages of sizes)
        for (const v of vcpus)
          for (const writerThinkNs of thinks)
            for (let seed = 1; seed <= seeds; seed++) {
              const params: ForkExitParams = {
                scenario: 'fork-exit',
                strategy,
                mode,
                kernel: mode === '4level' ? 'current' : '2.6.24',
                ptePages,
                vcpus: v,
                iterations: options.iterations ?? 10,
                dwellNs: 100_000,
                writerThinkNs,
                seed,
                profile: 'modern',
                mcBatch: 32,
                mcArgs: 512,
                preemptBits: 8,
              };
              const id = `${strategy} ${mode} ptePages=${ptePages} vcpus=${v}${thinks.length > 1 ? ` think=${writerThinkNs}` : ''} seed=${seed}`;
              const r = rng(hash(id));
              const metrics = scenarioMetrics(params, r);
              // As the runner records it from the Strategy: mm-lock turns split PTE locks off.
              runs.push({
                id,
                kind: 'scenario',
                params,
                status: 'ok',
                splitPtlocks: strategy !== 'mm-lock',
                // As the runner records it from the Strategy: the deliberately racy variants do not claim to be race-free.
                raceFree: strategy !== 'unlocked' && strategy !== 'per-pte-early-unlock',
                metrics,
                wall: wallOf(metrics.counts.events, rng(hash(id) ^ 0x5bd1e995), factor),
              });
            }
  const errors = Math.min(options.errors ?? 0, runs.length);
  for (let i = runs.length - errors; i < runs.length; i++) {
    const run = defined(runs[i]);
    runs[i] = {
      id: run.id,
      kind: 'scenario',
      params: run.params as unknown as Record<string, unknown>,
      status: 'error',
      error: 'ModelError: a preempt count did not return to 0 on vCPU 0',
    };
  }
  const invalid = Math.min(options.invalid ?? 0, runs.length - errors);
  for (let i = runs.length - errors - invalid; i < runs.length - errors; i++) {
    const run = defined(runs[i]);
    if (run.status !== 'ok' || run.kind !== 'scenario') continue;
    const first = 'PIN_L1_TABLE: Bad type (saw writable != exp L1)';
    run.metrics.faults.hypercallErrors = 1;
    (run.metrics.faults as { firstHypercallError: string | null }).firstHypercallError = first;
    runs[i] = { ...run, status: 'invalid', reasons: [`1 hypercall sub-op failed (the first: ${first})`] };
  }
  if (options.micro ?? true) {
    const names = [
      'MulticallBatcher entry + flush',
      'SpinLock lock + unlock',
      'walk 4level 1024 PTE pages',
      'pin + unpin per-pte-deferred 1024',
      'pin + unpin unlocked 1024',
    ];
    names.forEach((name, i) => {
      const w = wallOf(1000 * (i + 1) ** 2, rng(hash(name)), factor);
      runs.push({
        id: `micro ${name}`,
        kind: 'micro',
        params: { name },
        status: 'ok',
        wall: { ...w, meanMs: (w.meanMs ?? 0) / 1000, p50Ms: (w.p50Ms ?? 0) / 1000, p99Ms: (w.p99Ms ?? 0) / 1000 },
      });
    });
  }
  return {
    schema: RESULTS_SCHEMA,
    tool: { name: 'pinbench', version: '0.1.0', commit: options.commit === undefined ? 'd210565' : options.commit },
    environment: {
      node: 'v20.19.0',
      os: 'linux 6.1.0 x64',
      cpuModel: 'Synthetic CPU @ 2.40GHz',
      cores: 2,
      memoryBytes: 8 * 2 ** 30,
    },
    suite: options.suite ?? 'fixture',
    profiles: { modern: { name: 'modern', description: 'A current x86-64 server.', hypercallTrapNs: 400, remapNs: 120 } },
    createdAt: options.createdAt ?? '2025-01-02T03:04:05.000Z',
    partial: false,
    runs,
  };
}

/** A 500-run scenario set: 5 strategies x 4 sizes x 5 vCPU counts x 5 seeds (plus micro runs). */
export function makeLargeResultSet(): ResultSet {
  return makeResultSet({ suite: 'large', sizes: [64, 256, 1024, 4096], vcpus: [1, 2, 4, 8, 16], seeds: 5 });
}
