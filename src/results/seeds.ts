import { flattenMetrics, flattenWall } from '../metrics/metric-names.js';
import { canonicalJson } from '../shared/canonical-json.js';
import { elementAt } from '../shared/element-at.js';
import type { ExactValue, InvalidRun, RunResult, ScenarioRun } from './types.js';

// The one seed aggregation, used by the CLI summary and the HTML report: the runs of one group (the same
// parameters but the seed) read as one long run. Its rule for each exact metric follows from the metric's name,
// so that a new metric is aggregated without a rule of its own:
//
// - `...PerSec` (a rate): the mean over seeds.
// - `max...`: the largest; `min...`: the smallest.
// - `pNN...` (a percentile): the largest of the seeds' percentiles. The pooled percentile cannot be recovered
//   from per-seed summaries, and the largest is an upper bound of it: never better than the worst seed.
// - `mean...`: the mean of the pooled samples (weighted by the sibling `count` where there is one), exact.
// - any other number (a count, a total time): the sum, a total over the pooled runs. Divide by the pooled
//   `counts.pins` for a figure per pin/unpin cycle (`perCycle`), by the number of runs for one per run.
// - a flag: true when true in any seed; a string: the first seed's (null when no seed has one).
//
// The fields of a distribution summary (an object with a `count`: `locks.ptl.holdNs.p99Ns`) are taken only from
// the seeds where that count is above 0: a seed without a sample has no minimum or percentile to pool.

/** How the seeds' values of one exact metric combine. */
export type SeedRule = 'sum' | 'mean' | 'max' | 'min' | 'pooled-mean' | 'any' | 'first';

/** The rule for a flattened metric name, from its last segment (see the comment above). */
export function seedRule(name: string, sample: ExactValue): SeedRule {
  if (typeof sample === 'boolean') return 'any';
  if (typeof sample !== 'number') return 'first';
  const last = name.slice(name.lastIndexOf('.') + 1);
  if (/PerSec$/.test(last)) return 'mean';
  if (/^max/.test(last)) return 'max';
  if (/^min/.test(last)) return 'min';
  if (/^p\d+/.test(last)) return 'max';
  if (/^mean/.test(last)) return 'pooled-mean';
  return 'sum';
}

/** Which lock racing PTE writers take: the split PTE lock, or mm->page_table_lock when split locks are off. */
export type WriterLock = 'ptl' | 'page_table_lock';

/** A scenario run with metrics: a correct one, or an invalid one (kept apart, never pooled with correct ones). */
export type MeasuredRun = ScenarioRun | InvalidRun;

/** The runs of one parameter point over its seeds, pooled. */
export interface SeedGroup {
  /** Parameters of the first run (the seed is the only one that differs within the group). */
  params: ScenarioRun['params'];
  seeds: number[];
  runs: MeasuredRun[];
  /** Whether split PTE locks were on (absent in a 0.1 file: true, the Strategy default). */
  splitPtlocks: boolean;
  /** Whether the strategy claims to be race-free (false: a deliberately racy variant; absent in a 0.1 file: true). */
  raceFree: boolean;
  /** Why the group's runs are invalid, each reason once; empty for a group of correct runs. */
  invalidReasons: string[];
  writerLock: WriterLock;
  /** Exact metrics pooled over the seeds, by flattened name. */
  exact: Record<string, ExactValue>;
  /** Runs in which each numeric or boolean exact metric was not 0 (or false). */
  nonZeroRuns: Record<string, number>;
  /** Noisy: the mean over seeds of each wall figure (`wall.durationMs`, `wall.rme`, ...). */
  wall: Record<string, number>;
}

/** Whether a run is a successful scenario run. */
export function isScenarioRun(run: RunResult): run is ScenarioRun {
  return run.kind === 'scenario' && run.status === 'ok';
}

/** The key of a run's group: its kind and parameters but the seed, as canonical JSON. */
export function seedGroupKey(run: Pick<RunResult, 'kind' | 'params'>): string {
  const { seed: _seed, ...rest } = run.params as Record<string, unknown>;
  return canonicalJson({ kind: run.kind, params: rest });
}

/** Whether a run is an invalid scenario run (completed, with metrics, but not a result: see InvalidRun). */
export function isInvalidRun(run: RunResult): run is InvalidRun {
  return run.kind === 'scenario' && run.status === 'invalid';
}

/**
 * Group scenario runs by every parameter but the seed, in order of first appearance, and pool each group: the
 * correct runs (`which: 'ok'`, the default), or the invalid ones (`'invalid'`), which are never pooled with
 * correct runs.
 */
export function groupBySeed(runs: readonly RunResult[], which: 'ok' | 'invalid' = 'ok'): SeedGroup[] {
  const groups = new Map<string, MeasuredRun[]>();
  for (const run of runs) {
    const measured: MeasuredRun | undefined =
      which === 'ok' ? (isScenarioRun(run) ? run : undefined) : isInvalidRun(run) ? run : undefined;
    if (measured === undefined) continue;
    const key = seedGroupKey(measured);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [measured]);
    else group.push(measured);
  }
  return [...groups.values()].map(poolSeeds);
}

/** Pool the runs of one group (at least one run). */
export function poolSeeds(runs: readonly MeasuredRun[]): SeedGroup {
  const [first] = runs;
  if (first === undefined) throw new RangeError('poolSeeds: no runs');
  const flat = runs.map((run) => flattenMetrics(run.metrics));
  const names = [...new Set(flat.flatMap((f) => Object.keys(f)))];
  const exact: Record<string, ExactValue> = {};
  const nonZeroRuns: Record<string, number> = {};
  for (const name of names) {
    const values = flat.map((f) => (Object.hasOwn(f, name) ? f[name] : undefined));
    const sample = values.find((v) => v !== undefined) ?? null;
    exact[name] = combine(seedRule(name, sample), name, values, flat);
    if (typeof sample === 'number' || typeof sample === 'boolean') {
      nonZeroRuns[name] = values.filter((v) => (typeof v === 'number' && v !== 0) || v === true).length;
    }
  }
  const splitPtlocks = first.splitPtlocks !== false;
  return {
    params: first.params,
    seeds: runs.map((run) => run.params.seed),
    runs: [...runs],
    splitPtlocks,
    raceFree: first.raceFree !== false,
    invalidReasons: [...new Set(runs.flatMap((run) => (run.status === 'invalid' ? run.reasons : [])))],
    writerLock: splitPtlocks ? 'ptl' : 'page_table_lock',
    exact,
    nonZeroRuns,
    wall: meanOfWall(runs),
  };
}

/** A pooled numeric metric, 0 when absent or not a number. */
export function pooled(group: SeedGroup, name: string): number {
  const value = group.exact[name];
  return typeof value === 'number' ? value : 0;
}

/** A pooled total per pin/unpin cycle: the total over the seeds divided by their pins (at least 1). */
export function perCycle(group: SeedGroup, name: string): number {
  return pooled(group, name) / Math.max(1, pooled(group, 'counts.pins'));
}

/** A pooled total per run: the total over the seeds divided by the number of seeds. */
export function perRun(group: SeedGroup, name: string): number {
  return pooled(group, name) / group.runs.length;
}

function combine(
  rule: SeedRule,
  name: string,
  values: ReadonlyArray<ExactValue | undefined>,
  flat: ReadonlyArray<Record<string, ExactValue>>,
): ExactValue {
  if (rule === 'any') return values.some((v) => v === true);
  if (rule === 'first') return values.find((v) => v !== undefined && v !== null) ?? null;
  const sibling = siblingCount(name);
  const countName = sibling !== undefined && flat.some((f) => typeof f[sibling] === 'number') ? sibling : undefined;
  const numbers: number[] = [];
  const weights: number[] = [];
  values.forEach((v, i) => {
    if (typeof v !== 'number') return;
    // values[i] was read from flat[i]: the same run.
    const weight = countName === undefined ? 1 : flat[i]?.[countName];
    // A distribution field of a seed without a sample has no value to pool (except its totals).
    if (countName !== undefined && rule !== 'sum' && !(typeof weight === 'number' && weight > 0)) return;
    numbers.push(v);
    weights.push(typeof weight === 'number' ? weight : 1);
  });
  if (numbers.length === 0) return 0;
  switch (rule) {
    case 'sum':
      return numbers.reduce((a, b) => a + b, 0);
    case 'mean':
      return numbers.reduce((a, b) => a + b, 0) / numbers.length;
    case 'max':
      return Math.max(...numbers);
    case 'min':
      return Math.min(...numbers);
    case 'pooled-mean': {
      const total = weights.reduce((a, b) => a + b, 0);
      return numbers.reduce((a, v, i) => a + v * elementAt(weights, i, 'weight'), 0) / total;
    }
  }
}

/** `a.b.count` for a field `a.b.x` of a distribution summary; undefined for the count itself or a top-level name. */
function siblingCount(name: string): string | undefined {
  const dot = name.lastIndexOf('.');
  if (dot < 0 || name.slice(dot + 1) === 'count') return undefined;
  return `${name.slice(0, dot)}.count`;
}

function meanOfWall(runs: readonly MeasuredRun[]): Record<string, number> {
  const sums = new Map<string, { total: number; n: number }>();
  for (const run of runs) {
    for (const [name, value] of Object.entries(flattenWall(run.wall))) {
      const s = sums.get(name) ?? { total: 0, n: 0 };
      s.total += value;
      s.n++;
      sums.set(name, s);
    }
  }
  return Object.fromEntries([...sums].map(([name, s]) => [name, s.total / s.n]));
}
