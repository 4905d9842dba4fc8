import { PAGING_MODES } from '../mmu/paging-mode.js';
import { runScenario } from '../scenarios/fork-exit.js';
import { resolveParams } from '../scenarios/params.js';
import type { ForkExitParams } from '../scenarios/types.js';
import type { RunSpec } from './types.js';

// What a run will cost, estimated before it runs: for `run --shard` (a partition balanced by cost, the same on every
// machine) and `run --trace` (refuse a matrix whose traces would not fit). Everything here is a function of the
// parameters and the model, never of the wall clock, so every machine computes the same estimates.
//
// The pinner's share is measured, not guessed: one pin + unpin cycle of the run's strategy, on its mode, kernel,
// profile and batch sizes, with one vCPU, at two small sizes (PROBE_PTE_PAGES), gives the simulated events and the
// virtual time per cycle as a line in the PTE pages (the walk visits every page once per pass). A user's own strategy
// is measured like a built-in one. The writers' share follows from that virtual time: each writer loops think, lock,
// store(s), unlock for as long as the pinner runs.

/** The two sizes of the probe cycles, PTE pages. */
export const PROBE_PTE_PAGES = [16, 64] as const;

/**
 * Virtual ns a writer spends per loop besides its think time: the lock, the stores and the unlock, and the trap and
 * emulation of stores into pages being pinned. An average over the built-in suites (docs/scaling-out.md).
 */
export const WRITER_LOOP_NS = 600;

/**
 * Wall ns per simulated event assumed for every machine (the estimate's unit). Measured on this project's 2-core
 * machine, warm samples of the default and contention suites: median 86-130 ns, 55 alone, 100-230 with racing
 * writers; 150 balanced those suites best (docs/scaling-out.md, benchmarks/speed/shard-balance.ts). It matters only
 * where the timing budget caps a run's repetitions: below it, cost is proportional to events whatever the unit.
 */
export const NOMINAL_NS_PER_EVENT = 150;

/** Wall ms a run costs besides its events (the pool task, the calibration loop, the result message). */
export const RUN_OVERHEAD_MS = 3;

/** The timing the cost model assumes (pinbench run's defaults): repeat up to 10 samples within 250 ms. */
export const MODEL_SAMPLES = 10;
export const MODEL_BUDGET_MS = 250;

/** A run's estimate. */
export interface RunEstimate {
  /** Simulated events of the run. */
  events: number;
  /** Virtual ns of the run (the pinner's cycles). */
  virtualNs: number;
  /** Wall ms of the run on the nominal machine, timed repetitions included (the unit of a partition's balance). */
  wallMs: number;
}

interface Line {
  base: number;
  perPage: number;
}

/** A probe's lines: events and virtual ns of one cycle (dwell excluded) with the run's vCPUs and think time. */
interface Probe {
  events: Line;
  virtualNs: Line;
}

/**
 * Estimates runs, measuring each distinct configuration once (a few ms each): one pin + unpin cycle at two sizes,
 * with the run's vCPUs racing. How many events writers add depends on the strategy (a writer of `mm-lock` waits on
 * page_table_lock for the whole pin) and on how much they slow the pinner (flush IPIs), which is why they are
 * measured too; writers during the dwell run unhindered: WRITER_LOOP_NS plus their think time per loop.
 */
export class CostEstimator {
  private readonly probes = new Map<string, Probe>();

  /** The estimate of one run spec (micro-benchmark tasks: one nominal run each). */
  estimate(spec: RunSpec): RunEstimate {
    if (spec.kind === 'micro') return { events: 0, virtualNs: 0, wallMs: RUN_OVERHEAD_MS + MODEL_BUDGET_MS };
    const p = spec.params;
    const probe = this.probe(p);
    const pages = ptePagesOf(p);
    const at = (line: Line) => Math.max(1, line.base + line.perPage * pages);
    const writers = p.vcpus - 1;
    const cycleEvents = at(probe.events);
    const cycleNs = at(probe.virtualNs);
    // sleep, lock, each store, unlock: the loop of a writer that is not held up.
    const eventsPerLoop = 3 + PAGING_MODES[p.mode].storesPerPteUpdate;
    const dwellEvents = (p.dwellNs / (p.writerThinkNs + WRITER_LOOP_NS)) * eventsPerLoop * writers;
    const events = Math.round(p.iterations * (cycleEvents + dwellEvents));
    return { events, virtualNs: (cycleNs + p.dwellNs) * p.iterations, wallMs: wallWithRepeats(events) };
  }

  /** The probe of the run's configuration (strategy, mode, kernel, profile, batch sizes, think time). */
  private probe(p: ForkExitParams): Probe {
    const key = [p.strategy, p.mode, p.kernel, p.profile, p.mcBatch, p.mcArgs, p.preemptBits, p.vcpus, p.writerThinkNs].join(' ');
    const known = this.probes.get(key);
    if (known !== undefined) return known;
    const [small, large] = PROBE_PTE_PAGES;
    const at = (ptePages: number) => {
      const out = runScenario(
        resolveParams({
          strategy: p.strategy,
          mode: p.mode,
          kernel: p.kernel,
          profile: p.profile,
          mcBatch: p.mcBatch,
          mcArgs: p.mcArgs,
          preemptBits: p.preemptBits,
          writerThinkNs: p.writerThinkNs,
          ptePages,
          vcpus: p.vcpus,
          iterations: 1,
          dwellNs: 0,
          seed: PROBE_SEED,
        }),
      );
      return { events: out.events, virtualNs: out.metrics.virtualNs };
    };
    const line = (ya: number, yb: number): Line => {
      const perPage = (yb - ya) / (large - small);
      return { base: ya - perPage * small, perPage };
    };
    const [a, b] = [at(small), at(large)];
    const result: Probe = { events: line(a.events, b.events), virtualNs: line(a.virtualNs, b.virtualNs) };
    this.probes.set(key, result);
    return result;
  }
}

/** The seed of every probe: an estimate must not depend on which seeds a matrix has. */
const PROBE_SEED = 1;

/** PTE pages of a run (a VMA layout: the pages its VMAs span, at most the mode's maximum). */
function ptePagesOf(p: ForkExitParams): number {
  if (p.vmas === undefined) return p.ptePages;
  const span = PAGING_MODES[p.mode].ptePageSpanBytes / 4096;
  return p.vmas.reduce((n, v) => n + Math.ceil(v.length / span) + 1, 0);
}

/**
 * Wall ms of a run of `events` on the nominal machine, as executeRun times it: a first run, then repetitions while
 * the budget allows, at most MODEL_SAMPLES in all.
 */
function wallWithRepeats(events: number): number {
  const t = (events * NOMINAL_NS_PER_EVENT) / 1e6;
  const repeats = Math.min(MODEL_SAMPLES - 1, Math.max(0, Math.floor((MODEL_BUDGET_MS - t) / Math.max(t, 1e-3))));
  return RUN_OVERHEAD_MS + t * (1 + repeats);
}
