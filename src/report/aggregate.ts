import type { ResultSet, RunResult, WallStats } from '../runner/types.js';
import type { DistSummary } from '../metrics/types.js';
import type { ForkExitParams, LockClassStats, RunMetrics } from '../scenarios/types.js';
import type { DistAgg, ErrorRow, LockAgg, MicroRow, ReportFilter, ReportRow, SetHeader } from './types.js';

type ScenarioRun = Extract<RunResult, { kind: 'scenario'; status: 'ok' }>;
type MicroRun = Extract<RunResult, { kind: 'micro'; status: 'ok' }>;

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

/** Parameters that are not filters: strategy is the colour of every chart, seeds are averaged. */
const NOT_FILTERS = new Set(['strategy', 'seed']);

/** Order of the filters in the page's bar; others follow by name. */
const FILTER_ORDER = ['mode', 'kernel', 'vcpus', 'ptePages', 'writerThinkNs', 'dwellNs', 'profile', 'iterations', 'mcBatch', 'mcArgs', 'preemptBits'];

/** The strategy whose racing writers take mm->page_table_lock instead of the split PTE lock. */
const MM_LOCK_STRATEGY = 'mm-lock';

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

export function isScenarioOk(run: RunResult): run is ScenarioRun {
  return run.kind === 'scenario' && run.status === 'ok';
}

function isMicroOk(run: RunResult): run is MicroRun {
  return run.kind === 'micro' && run.status === 'ok';
}

/** The parameters of a scenario run except strategy and seed, as display strings. */
function groupKey(params: ForkExitParams): Record<string, string> {
  const key: Record<string, string> = {};
  for (const name of Object.keys(params).sort()) {
    if (NOT_FILTERS.has(name)) continue;
    const value = (params as unknown as Record<string, unknown>)[name];
    if (value !== undefined) key[name] = paramString(value);
  }
  return key;
}

const mean = (xs: number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

function distAgg(ds: DistSummary[]): DistAgg {
  const used = ds.filter((d) => d.count > 0);
  if (used.length === 0) return { count: 0, minNs: 0, p50Ns: 0, p99Ns: 0, meanNs: 0, maxNs: 0 };
  return {
    count: sum(used.map((d) => d.count)),
    minNs: Math.min(...used.map((d) => d.minNs)),
    p50Ns: mean(used.map((d) => d.p50Ns)),
    p99Ns: mean(used.map((d) => d.p99Ns)),
    meanNs: mean(used.map((d) => d.meanNs)),
    maxNs: Math.max(...used.map((d) => d.maxNs)),
  };
}

function lockAgg(ls: LockClassStats[], cycles: number[]): LockAgg {
  return {
    acquisitionsPerCycle: mean(ls.map((l, i) => l.acquisitions / cycles[i])),
    contentions: sum(ls.map((l) => l.contentions)),
    maxHeld: Math.max(...ls.map((l) => l.maxHeld)),
    hold: distAgg(ls.map((l) => l.holdNs)),
    wait: distAgg(ls.map((l) => l.waitNs)),
  };
}

/** Wall ms of one run of the scenario: tinybench's mean when the run was repeated, else its duration. */
export function wallMsPerRun(wall: WallStats): number {
  return wall.meanMs ?? wall.durationMs;
}

/** Aggregate the seeds of one group into a row. Per-cycle figures divide each run's total by its pins. */
function buildRow(set: number, runs: ScenarioRun[]): ReportRow {
  const first = runs[0].params;
  const ms: RunMetrics[] = runs.map((r) => r.metrics);
  // A run with no completed pin has nothing per cycle; divide by 1 so its totals still show.
  const cycles = ms.map((m) => Math.max(1, m.counts.pins));
  const perCycle = (pick: (m: RunMetrics) => number): number => mean(ms.map((m, i) => pick(m) / cycles[i]));
  const histLength = Math.max(...ms.map((m) => m.hypercalls.batchHistogram.length));
  const hist: number[] = [];
  for (let k = 0; k < histLength; k++) hist.push(perCycle((m) => m.hypercalls.batchHistogram[k] ?? 0));
  const faults = ms.map((m) => m.faults.writeProtect);
  const rmes = runs.map((r) => r.wall.rme).filter((x): x is number => typeof x === 'number');
  const eps = runs.map((r) => r.wall.eventsPerSec).filter((x): x is number => typeof x === 'number');
  return {
    set,
    strategy: first.strategy,
    key: groupKey(first),
    mode: first.mode,
    ptePages: first.ptePages,
    vcpus: first.vcpus,
    seeds: runs.map((r) => r.params.seed),
    cycles: ms[0].counts.pins,
    trapsPerCycle: perCycle((m) => m.hypercalls.traps),
    entriesPerCycle: perCycle((m) => m.hypercalls.entries),
    multicallsPerCycle: perCycle((m) => m.hypercalls.multicalls),
    batchesPerCycle: perCycle((m) => m.hypercalls.batches),
    argBytesPerCycle: perCycle((m) => m.hypercalls.argBytes),
    batchHistogramPerCycle: hist,
    flushPerCycle: {
      slots: perCycle((m) => m.hypercalls.flushReasons.slots),
      args: perCycle((m) => m.hypercalls.flushReasons.args),
      callbacks: perCycle((m) => m.hypercalls.flushReasons.callbacks),
    },
    preemptMaxDepth: Math.max(...ms.map((m) => m.preempt.maxDepth)),
    preemptOverflows: sum(ms.map((m) => m.preempt.overflows)),
    preemptLimit: 2 ** first.preemptBits,
    lockdepMaxDepth: Math.max(...ms.map((m) => m.lockdep.maxDepth)),
    ptl: lockAgg(ms.map((m) => m.locks.ptl), cycles),
    pageTableLock: lockAgg(ms.map((m) => m.locks.page_table_lock), cycles),
    writerLock: first.strategy === MM_LOCK_STRATEGY ? 'page_table_lock' : 'ptl',
    writesDirect: mean(ms.map((m) => m.writes.direct)),
    writesEmulated: mean(ms.map((m) => m.writes.emulated)),
    faults: sum(faults),
    faultySeeds: faults.filter((f) => f > 0).length,
    hypercallErrors: sum(ms.map((m) => m.faults.hypercallErrors)),
    faultDetails: runs.flatMap((r) => r.metrics.faults.details.map((d) => ({ seed: r.params.seed, ...d }))).slice(0, 20),
    pinsPerSec: mean(ms.map((m) => m.throughput.pinsPerSec)),
    unpinsPerSec: mean(ms.map((m) => m.throughput.unpinsPerSec)),
    writesPerSec: mean(ms.map((m) => m.throughput.writesPerSec)),
    wallMsPerCycle: mean(runs.map((r, i) => wallMsPerRun(r.wall) / cycles[i])),
    wallRmePct: rmes.length > 0 ? mean(rmes) : null,
    eventsPerSec: eps.length > 0 ? mean(eps) : null,
  };
}

/** Group the ok scenario runs of one set by every parameter but the seed, in first-appearance order. */
export function scenarioRows(set: number, resultSet: ResultSet): ReportRow[] {
  const groups = new Map<string, ScenarioRun[]>();
  for (const run of resultSet.runs) {
    if (!isScenarioOk(run)) continue;
    const id = JSON.stringify([run.params.strategy, groupKey(run.params)]);
    const group = groups.get(id);
    if (group) group.push(run);
    else groups.set(id, [run]);
  }
  return [...groups.values()].map((runs) => buildRow(set, runs));
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

export function errorRows(set: number, resultSet: ResultSet): ErrorRow[] {
  const rows: ErrorRow[] = [];
  for (const run of resultSet.runs) {
    if (run.status !== 'error') continue;
    rows.push({ set, id: run.id, kind: run.kind, params: JSON.stringify(run.params), error: run.error });
  }
  return rows;
}

/** Values of every parameter across the ok scenario runs. */
function paramValues(resultSets: readonly ResultSet[]): Map<string, string[]> {
  const values = new Map<string, Set<string>>();
  for (const set of resultSets) {
    for (const run of set.runs) {
      if (!isScenarioOk(run)) continue;
      for (const [name, value] of Object.entries(run.params)) {
        if (value === undefined) continue;
        let seen = values.get(name);
        if (!seen) values.set(name, (seen = new Set()));
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
  if (name === 'vcpus' || name === 'ptePages') return values[values.length - 1];
  return values[0];
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
    if (vs.length === 1) fixed[name] = vs[0];
    else varying[name] = vs;
  }
  const env = resultSet.environment;
  const errors = resultSet.runs.filter((r) => r.status === 'error').length;
  return {
    label,
    suite: resultSet.suite,
    createdAt: resultSet.createdAt,
    tool: `${resultSet.tool.name} ${resultSet.tool.version} (commit ${resultSet.tool.commit ?? 'unknown'})`,
    machine: `${env.cpuModel}, ${env.cores} cores, ${formatBytes(env.memoryBytes)}, ${env.os}`,
    node: env.node,
    partial: resultSet.partial,
    runs: resultSet.runs.length,
    okRuns: resultSet.runs.length - errors,
    errorRuns: errors,
    profiles: resultSet.profiles,
    fixed,
    varying,
  };
}
