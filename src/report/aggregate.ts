import { groupBySeed, isScenarioRun, perCycle, perRun, pooled, type SeedGroup } from '../results/seeds.js';
import type { MicroRun, ResultSet, RunResult } from '../results/types.js';
import type { DistAgg, ErrorRow, LockAgg, MicroRow, ReportFilter, ReportRow, SetHeader } from './types.js';

/** Labels with units of the scenario parameters, as the filters and the header show them. */
export const PARAM_LABELS: Readonly<Record<string, string>> = {
  scenario: 'scenario',
  mode: 'paging mode',
  kernel: 'guest kernel',
  ptePages: 'PTE pages',
  vmas: 'VMA layout',
  vcpus: 'vCPUs',
  iterations: 'iterations (pin/unpin cycles)',
  dwellNs: 'dwell (ns)',
  writerThinkNs: 'writer think (ns, mean)',
  profile: 'cost profile',
  mcBatch: 'MC_BATCH (slots)',
  mcArgs: 'MC_ARGS (bytes)',
  preemptBits: 'PREEMPT_BITS',
  seed: 'seed',
  strategy: 'strategy',
};

/** Parameters that are not filters: strategy is the colour of every chart, seeds are pooled. */
const NOT_FILTERS = new Set(['strategy', 'seed']);

/** Order of the filters in the page's bar; others follow by name. */
const FILTER_ORDER = [
  'mode',
  'kernel',
  'vcpus',
  'ptePages',
  'writerThinkNs',
  'dwellNs',
  'profile',
  'iterations',
  'mcBatch',
  'mcArgs',
  'preemptBits',
];

/** A parameter value as the page shows and compares it. */
export function paramString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Sort values numerically when they all are numbers, else as strings. */
function sortValues(values: Iterable<string>): string[] {
  const list = [...new Set(values)];
  const numeric = list.every((v) => v !== '' && Number.isFinite(Number(v)));
  return numeric ? list.sort((a, b) => Number(a) - Number(b)) : list.sort();
}

function isMicroOk(run: RunResult): run is MicroRun {
  return run.kind === 'micro' && run.status === 'ok';
}

/** The parameters of a scenario run except strategy and seed, as display strings. */
function groupKey(params: Record<string, unknown>): Record<string, string> {
  const key: Record<string, string> = {};
  for (const name of Object.keys(params).sort()) {
    if (NOT_FILTERS.has(name)) continue;
    const value = params[name];
    if (value !== undefined) key[name] = paramString(value);
  }
  return key;
}

/** A distribution pooled over seeds (results' seed rule): `locks.ptl.holdNs` -> count, min, p50, p99, mean, max. */
function distAgg(group: SeedGroup, prefix: string): DistAgg {
  const at = (field: string): number => pooled(group, `${prefix}.${field}`);
  return {
    count: at('count'),
    minNs: at('minNs'),
    p50Ns: at('p50Ns'),
    p99Ns: at('p99Ns'),
    meanNs: at('meanNs'),
    maxNs: at('maxNs'),
  };
}

function lockAgg(group: SeedGroup, lock: string): LockAgg {
  return {
    acquisitionsPerCycle: perCycle(group, `locks.${lock}.acquisitions`),
    contentions: pooled(group, `locks.${lock}.contentions`),
    maxHeld: pooled(group, `locks.${lock}.maxHeld`),
    hold: distAgg(group, `locks.${lock}.holdNs`),
    wait: distAgg(group, `locks.${lock}.waitNs`),
  };
}

/** Wall ms of one run of the scenario (noisy): its median sample, `wall.durationMs`. */
export function wallMsPerRun(wall: { durationMs: number }): number {
  return wall.durationMs;
}

/** Marks a deliberately racy strategy (one that does not claim to be race-free) in legends and tables. */
export const RACY_MARK = ' (racy)';
/** Marks an invalid group: drawn apart, never ranked with correct runs. */
export const INVALID_MARK = ' ✗ invalid';

/** The label a group has in legends, chart categories and the table: its strategy, marked racy or invalid. */
export function seriesOf(group: Pick<SeedGroup, 'params' | 'raceFree' | 'invalidReasons'>): string {
  const strategy = group.params.strategy;
  if (group.invalidReasons.length > 0) return strategy + INVALID_MARK;
  return group.raceFree ? strategy : strategy + RACY_MARK;
}

/**
 * One row of the report: a group of seeds pooled by results' one seed aggregation (the CLI summary uses the
 * same). Per-cycle figures are pooled totals divided by pooled pins.
 */
export function buildRow(set: number, group: SeedGroup): ReportRow {
  const params = group.params;
  const histogram: number[] = [];
  for (let k = 0; Object.hasOwn(group.exact, `hypercalls.batchHistogram.${k}`); k++) {
    histogram.push(perCycle(group, `hypercalls.batchHistogram.${k}`));
  }
  const firstError = group.exact['faults.firstHypercallError'];
  return {
    set,
    strategy: params.strategy,
    series: seriesOf(group),
    raceFree: group.raceFree,
    invalid: group.invalidReasons,
    key: groupKey(params),
    mode: params.mode,
    ptePages: params.ptePages,
    vcpus: params.vcpus,
    seeds: group.seeds,
    cycles: pooled(group, 'counts.pins') / group.runs.length,
    trapsPerCycle: perCycle(group, 'hypercalls.traps'),
    tlbFlushesPerCycle: perCycle(group, 'xen.tlbFlushes'),
    flushIpisPerCycle: perCycle(group, 'xen.flushIpis'),
    entriesPerCycle: perCycle(group, 'hypercalls.entries'),
    multicallsPerCycle: perCycle(group, 'hypercalls.multicalls'),
    batchesPerCycle: perCycle(group, 'hypercalls.batches'),
    argBytesPerCycle: perCycle(group, 'hypercalls.argBytes'),
    batchHistogramPerCycle: histogram,
    flushPerCycle: {
      slots: perCycle(group, 'hypercalls.flushReasons.slots'),
      args: perCycle(group, 'hypercalls.flushReasons.args'),
      callbacks: perCycle(group, 'hypercalls.flushReasons.callbacks'),
    },
    preemptMaxDepth: pooled(group, 'preempt.maxDepth'),
    preemptOverflows: pooled(group, 'preempt.overflows'),
    preemptLimit: 2 ** params.preemptBits,
    lockdepMaxDepth: pooled(group, 'lockdep.maxDepth'),
    ptl: lockAgg(group, 'ptl'),
    pageTableLock: lockAgg(group, 'page_table_lock'),
    writerLock: group.writerLock,
    writesDirect: perRun(group, 'writes.direct'),
    writesEmulated: perRun(group, 'writes.emulated'),
    faults: pooled(group, 'faults.writeProtect'),
    faultySeeds: group.nonZeroRuns['faults.writeProtect'] ?? 0,
    hypercallErrors: pooled(group, 'faults.hypercallErrors'),
    firstHypercallError: typeof firstError === 'string' ? firstError : null,
    warnings: warningsOf(group),
    faultDetails: group.runs.flatMap((r) => r.metrics.faults.details.map((d) => ({ seed: r.params.seed, ...d }))).slice(0, 20),
    pinsPerSec: pooled(group, 'throughput.pinsPerSec'),
    unpinsPerSec: pooled(group, 'throughput.unpinsPerSec'),
    writesPerSec: pooled(group, 'throughput.writesPerSec'),
    wallMsPerCycle: (group.wall['wall.durationMs'] ?? 0) / Math.max(1, pooled(group, 'counts.pins') / group.runs.length),
    wallRmePct: group.wall['wall.rme'] ?? null,
    eventsPerSec: group.wall['wall.eventsPerSec'] ?? null,
  };
}

/**
 * Kernel warnings the model recorded, totals over the seeds: lockdep's "possible recursive locking detected",
 * the preempt-count debug warnings, lockdep switching itself off. Metrics a result set does not have are left out.
 */
export const WARNING_METRICS: ReadonlyArray<{ metric: string; label: string }> = [
  { metric: 'faults.hypercallErrors', label: 'failed hypercalls' },
  { metric: 'lockdep.recursionWarnings', label: 'lockdep: possible recursive locking' },
  { metric: 'lockdep.overflows', label: 'lockdep: MAX_LOCK_DEPTH too low' },
  { metric: 'lockdep.referenceOverflows', label: 'lockdep: held_lock.references overflows' },
  { metric: 'preempt.debugWarnings', label: 'preempt count debug warnings' },
  { metric: 'preempt.overflows', label: 'PREEMPT field overflows' },
];

function warningsOf(group: SeedGroup): Array<{ label: string; count: number }> {
  const out: Array<{ label: string; count: number }> = [];
  for (const { metric, label } of WARNING_METRICS) {
    const value = group.exact[metric];
    if (typeof value === 'number' && value > 0) out.push({ label, count: value });
  }
  // lockdep.disabled is 1 or 0 per run (a flag in older files): count the runs where lockdep turned itself off.
  const disabled = group.nonZeroRuns['lockdep.disabled'] ?? 0;
  if (disabled > 0) out.push({ label: 'runs where lockdep turned itself off', count: disabled });
  return out;
}

/**
 * The rows of one set: its correct scenario runs grouped by every parameter but the seed, in first-appearance
 * order, then its invalid runs grouped the same way (rows of their own, marked, never pooled with correct runs).
 */
export function scenarioRows(set: number, resultSet: ResultSet): ReportRow[] {
  return [...groupBySeed(resultSet.runs), ...groupBySeed(resultSet.runs, 'invalid')].map((group) => buildRow(set, group));
}

export function microRows(set: number, resultSet: ResultSet): MicroRow[] {
  return resultSet.runs.filter(isMicroOk).map((run) => ({
    set,
    name: run.params.name,
    meanMs: run.wall.meanMs ?? run.wall.durationMs,
    rmePct: run.wall.rme ?? null,
    p50Ms: run.wall.p50Ms ?? null,
    p99Ms: run.wall.p99Ms ?? null,
    samples: run.wall.samples ?? run.wall.samplesMs?.length ?? null,
  }));
}

/** The runs that are not results: failed ones (with their error) and invalid ones (with their reasons). */
export function errorRows(set: number, resultSet: ResultSet): ErrorRow[] {
  const rows: ErrorRow[] = [];
  for (const run of resultSet.runs) {
    if (run.status === 'ok') continue;
    const params = run.params as Record<string, unknown>;
    rows.push({
      set,
      id: run.id,
      kind: run.kind,
      status: run.status,
      strategy: typeof params.strategy === 'string' ? params.strategy : null,
      vcpus: typeof params.vcpus === 'number' ? params.vcpus : null,
      params: JSON.stringify(run.params),
      error: run.status === 'error' ? run.error : run.reasons.join('; '),
    });
  }
  return rows;
}

/** Values of every parameter across the ok scenario runs. */
function paramValues(resultSets: readonly ResultSet[]): Map<string, string[]> {
  const values = new Map<string, Set<string>>();
  for (const set of resultSets) {
    for (const run of set.runs) {
      if (!isScenarioRun(run)) continue;
      for (const [name, value] of Object.entries(run.params)) {
        if (value === undefined) continue;
        let seen = values.get(name);
        if (!seen) {
          seen = new Set();
          values.set(name, seen);
        }
        seen.add(paramString(value));
      }
    }
  }
  const out = new Map<string, string[]>();
  for (const [name, seen] of values) out.set(name, sortValues(seen));
  return out;
}

/** The value a filter starts at: 4-level, the most vCPUs and the largest mm show the most; else the first. */
function initialValue(name: string, values: string[]): string {
  if (name === 'mode' && values.includes('4level')) return '4level';
  const last = values.at(-1);
  const first = values[0];
  if (first === undefined || last === undefined) throw new RangeError(`filter ${name} has no values`);
  return name === 'vcpus' || name === 'ptePages' ? last : first;
}

/** One filter per parameter that varies (strategy and seed excepted), in FILTER_ORDER. */
export function buildFilters(resultSets: readonly ResultSet[]): ReportFilter[] {
  const rank = (n: string): number => {
    const i = FILTER_ORDER.indexOf(n);
    return i < 0 ? FILTER_ORDER.length : i;
  };
  return [...paramValues(resultSets)]
    .filter(([name, values]) => !NOT_FILTERS.has(name) && values.length > 1)
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([name, values]) => ({ name, label: PARAM_LABELS[name] ?? name, values, initial: initialValue(name, values) }));
}

function formatBytes(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

/** What the header says about one set: provenance, machine, and which parameters vary. */
export function setHeader(resultSet: ResultSet, label: string): SetHeader {
  const values = paramValues([resultSet]);
  const fixed: Record<string, string> = {};
  const varying: Record<string, string[]> = {};
  for (const [name, vs] of values) {
    const [only, ...more] = vs;
    if (only !== undefined && more.length === 0) fixed[name] = only;
    else varying[name] = vs;
  }
  const env = resultSet.environment;
  const errors = resultSet.runs.filter((r) => r.status === 'error').length;
  const invalid = resultSet.runs.filter((r) => r.status === 'invalid').length;
  return {
    label,
    suite: resultSet.suite,
    createdAt: resultSet.createdAt,
    tool: `${resultSet.tool.name} ${resultSet.tool.version} (commit ${resultSet.tool.commit ?? 'unknown'})`,
    machine: `${env.cpuModel}, ${env.cores} cores, ${formatBytes(env.memoryBytes)}, ${env.os}`,
    node: env.node,
    partial: resultSet.partial,
    runs: resultSet.runs.length,
    plannedRuns: resultSet.plannedRuns ?? null,
    okRuns: resultSet.runs.length - errors - invalid,
    errorRuns: errors,
    invalidRuns: invalid,
    profiles: resultSet.profiles,
    fixed,
    varying,
  };
}
