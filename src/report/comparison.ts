import { pairRuns } from '../compare/pair-runs.js';
import { diffExact, exactValues } from '../results/diff-exact.js';
import type { ExactValue, ResultSet, RunResult } from '../results/types.js';
import { wallMsPerRun } from './aggregate.js';
import type { ChangedMetric, ComparisonData, RatioCell, WallRatio } from './types.js';

/** Most changed-metric rows a comparison lists; the counts above the table cover all of them. */
export const MAX_CHANGED_ROWS = 300;

/** Exact metrics whose ratios the comparison chart shows, with their labels. */
export const HEADLINE_METRICS: ReadonlyArray<{ name: string; label: string }> = [
  { name: 'hypercalls.traps', label: 'traps' },
  { name: 'hypercalls.entries', label: 'multicall entries' },
  { name: 'preempt.maxDepth', label: 'max preempt depth' },
  { name: 'locks.ptl.holdNs.p99Ns', label: 'PTE lock hold p99' },
  { name: 'locks.page_table_lock.holdNs.p99Ns', label: 'page_table_lock hold p99' },
  { name: 'faults.writeProtect', label: 'WP faults' },
  { name: 'throughput.pinsPerSec', label: 'pins/s (virtual)' },
];

/** Label of the noisy wall-clock ratio in the chart. */
export const WALL_LABEL = 'wall time (noisy)';

function strategyOf(run: RunResult): string {
  if (run.kind === 'micro') return 'micro';
  const s = (run.params as { strategy?: unknown }).strategy;
  return typeof s === 'string' ? s : 'unknown';
}

/** An exact value as the page shows it: absent is null, a null value the word `null`, a flag its word. */
function shown(value: ExactValue | undefined): number | string | null {
  if (value === undefined) return null;
  if (value === null) return 'null';
  return typeof value === 'boolean' ? String(value) : value;
}

function geomean(xs: number[]): number {
  return Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
}

/** Ratio of two metric values for the geometric mean: 0/0 is no change, x/0 has none. */
function ratioOf(baseline: number, current: number): number | null {
  if (baseline === 0) return current === 0 ? 1 : null;
  if (baseline < 0 || current <= 0) return null;
  return current / baseline;
}

/**
 * Compare result set `current` (index `currentIndex`) with `baseline`: every exact metric of every run pair
 * (paired by params, as `pinbench compare` does), geometric-mean ratios of the headline metrics per strategy,
 * and wall-time ratios. Lists at most `maxChangedRows` changed metrics; the counts cover all.
 */
export function buildComparison(
  baseline: ResultSet,
  current: ResultSet,
  indices: { baseline: number; current: number },
  maxChangedRows = MAX_CHANGED_ROWS,
): ComparisonData {
  const { pairs, missing, added } = pairRuns(baseline.runs, current.runs);
  const changed: ChangedMetric[] = [];
  const ratios = new Map<string, number[]>();
  const wall: WallRatio[] = [];
  let changedExact = 0;
  let changedRuns = 0;
  const note = (c: ChangedMetric): void => {
    changedExact++;
    if (changed.length < maxChangedRows) changed.push(c);
  };

  for (const { baseline: b, current: c } of pairs) {
    const strategy = strategyOf(c);
    const before = changedExact;
    // The one exact diff (results' diffExact): the same rule as `pinbench compare` and `--check-determinism`.
    for (const change of diffExact(b, c).changes) {
      const vb = change.baseline;
      const vc = change.current;
      note({
        run: c.id,
        strategy,
        metric: change.metric,
        baseline: shown(vb),
        current: shown(vc),
        ratio: typeof vb === 'number' && typeof vc === 'number' && vb !== 0 ? vc / vb : null,
      });
    }
    const fb = exactValues(b);
    const fc = exactValues(c);
    for (const { name } of HEADLINE_METRICS) {
      const vb = fb[name];
      const vc = fc[name];
      if (typeof vb !== 'number' || typeof vc !== 'number') continue;
      const r = ratioOf(vb, vc);
      if (r === null) continue;
      const id = JSON.stringify([strategy, name]);
      const list = ratios.get(id);
      if (list === undefined) ratios.set(id, [r]);
      else list.push(r);
    }
    if (b.status === 'ok' && c.status === 'ok') {
      const baselineMs = wallMsPerRun(b.wall);
      const currentMs = wallMsPerRun(c.wall);
      if (baselineMs > 0 && currentMs > 0) {
        wall.push({ run: c.id, strategy, baselineMs, currentMs, ratio: currentMs / baselineMs });
      }
    }
    if (changedExact > before) changedRuns++;
  }

  const cells: RatioCell[] = [];
  for (const [id, rs] of ratios) {
    const [strategy, metric] = JSON.parse(id) as [string, string];
    const label = HEADLINE_METRICS.find((h) => h.name === metric)?.label ?? metric;
    cells.push({ strategy, metric: label, kind: 'exact', ratio: geomean(rs), pairs: rs.length });
  }
  const wallByStrategy = new Map<string, number[]>();
  for (const w of wall) {
    const list = wallByStrategy.get(w.strategy);
    if (list === undefined) wallByStrategy.set(w.strategy, [w.ratio]);
    else list.push(w.ratio);
  }
  for (const [strategy, rs] of wallByStrategy) {
    cells.push({ strategy, metric: WALL_LABEL, kind: 'noisy', ratio: geomean(rs), pairs: rs.length });
  }

  return {
    baseline: indices.baseline,
    current: indices.current,
    matched: pairs.length,
    onlyBaseline: missing.map((r) => r.id),
    onlyCurrent: added.map((r) => r.id),
    changedRuns,
    changedExact,
    changed,
    ratios: cells,
    wall,
    verdicts: null,
  };
}
