import type { ForkExitParams, RunMetrics } from '../scenarios/index.js';
import { MATRIX_AXES } from '../runner/matrix.js';
import type { ResultSet, RunResult, WallStats } from '../runner/types.js';
import { formatNumber, renderTable } from './text-table.js';

type OkScenario = Extract<RunResult, { kind: 'scenario'; status: 'ok' }>;
type OkMicro = Extract<RunResult, { kind: 'micro'; status: 'ok' }>;

/** A key metric of the summary: how to read it from one run and how to combine the seeds of a row. */
interface SummaryColumn {
  header: string;
  kind: 'exact' | 'noisy';
  read: (metrics: RunMetrics, wall: WallStats) => number;
  combine: 'mean' | 'max' | 'sum';
}

/** Marks of the two kinds in headers (legend printed under the table). */
const EXACT_MARK = '*';
const NOISY_MARK = '~';

const perCycle = (count: number, m: RunMetrics): number => (m.counts.pins > 0 ? count / m.counts.pins : 0);

/** The key metrics, in column order. Per-cycle figures are run totals divided by the pins (one per cycle). */
const COLUMNS: readonly SummaryColumn[] = [
  { header: 'traps/cycle', kind: 'exact', read: (m) => perCycle(m.hypercalls.traps, m), combine: 'mean' },
  { header: 'entries/cycle', kind: 'exact', read: (m) => perCycle(m.hypercalls.entries, m), combine: 'mean' },
  { header: 'ptl hold p99 ns', kind: 'exact', read: (m) => m.locks.ptl.holdNs.p99Ns, combine: 'max' },
  { header: 'ptl wait p99 ns', kind: 'exact', read: (m) => m.locks.ptl.waitNs.p99Ns, combine: 'max' },
  { header: 'preempt max', kind: 'exact', read: (m) => m.preempt.maxDepth, combine: 'max' },
  { header: 'overflows', kind: 'exact', read: (m) => m.preempt.overflows, combine: 'sum' },
  { header: 'WP faults', kind: 'exact', read: (m) => m.faults.writeProtect, combine: 'sum' },
  { header: 'pins/s', kind: 'exact', read: (m) => m.throughput.pinsPerSec, combine: 'mean' },
  { header: 'wall ms', kind: 'noisy', read: (_m, w) => w.durationMs, combine: 'mean' },
];

/**
 * The end-of-run summary: one row per strategy and size (and any other parameter that varies), the seeds
 * of a row combined (mean, max or sum, as the header says). Exact columns are marked `*`, noisy ones `~`.
 */
export function summaryTable(set: ResultSet): string {
  const scenario = set.runs.filter((r): r is OkScenario => r.kind === 'scenario' && r.status === 'ok');
  const micro = set.runs.filter((r): r is OkMicro => r.kind === 'micro' && r.status === 'ok');
  const failed = set.runs.filter((r) => r.status === 'error');
  const parts: string[] = [];
  if (scenario.length > 0) parts.push(scenarioTable(scenario, failed));
  if (micro.length > 0) parts.push(microTable(micro));
  const okCount = scenario.length + micro.length;
  parts.push(
    `${set.runs.length} run${set.runs.length === 1 ? '' : 's'}: ${okCount} ok, ${failed.length} failed${set.partial ? ' (interrupted: partial results)' : ''}`,
  );
  return parts.join('\n\n') + '\n';
}

function scenarioTable(runs: OkScenario[], failed: RunResult[]): string {
  // Parameters shown: strategy, mode, size and vCPUs always; the others when they vary. Seeds are combined.
  const always: Array<keyof ForkExitParams> = ['strategy', 'mode', 'ptePages', 'vcpus'];
  const shown = MATRIX_AXES.filter(
    (axis) => axis !== 'seed' && (always.includes(axis) || new Set(runs.map((r) => r.params[axis])).size > 1),
  );
  const rows = new Map<string, OkScenario[]>();
  for (const run of runs) {
    const key = shown.map((axis) => String(run.params[axis])).join('\u0000');
    const group = rows.get(key);
    if (group === undefined) rows.set(key, [run]);
    else group.push(run);
  }
  const errorsByKey = new Map<string, number>();
  for (const run of failed) {
    const key = shown.map((axis) => String((run.params as Record<string, unknown>)[axis])).join('\u0000');
    errorsByKey.set(key, (errorsByKey.get(key) ?? 0) + 1);
  }

  const header = [
    ...shown.map((axis) => (axis === 'ptePages' ? 'PTE pages' : axis)),
    'seeds',
    ...COLUMNS.map((c) => c.header + (c.kind === 'exact' ? EXACT_MARK : NOISY_MARK)),
  ];
  const body: string[][] = [];
  for (const [key, group] of rows) {
    const cells = shown.map((axis) => String(group[0].params[axis]));
    const errors = errorsByKey.get(key) ?? 0;
    cells.push(errors > 0 ? `${group.length} (+${errors} failed)` : String(group.length));
    for (const column of COLUMNS) {
      const values = group.map((r) => column.read(r.metrics, r.wall));
      cells.push(formatNumber(combine(values, column.combine)));
    }
    body.push(cells);
  }
  const numericFrom = shown.length;
  const table = renderTable(header, body, (i) => i >= numericFrom);
  const legend =
    `${EXACT_MARK} exact: a function of the parameters and seed, reproducible bit for bit; ` +
    `${NOISY_MARK} noisy: wall clock of this machine. Seeds combined: per-cycle figures and pins/s averaged, ` +
    'p99 and preempt max the maximum, overflows and WP faults summed.';
  return `${table}\n${legend}`;
}

function microTable(runs: OkMicro[]): string {
  const header = ['micro-benchmark', `mean ms${NOISY_MARK}`, `p50 ms${NOISY_MARK}`, `p99 ms${NOISY_MARK}`, `±rme %${NOISY_MARK}`, 'samples'];
  const body = runs.map((r) => [
    r.params.name,
    formatNumber(r.wall.meanMs ?? r.wall.durationMs),
    formatNumber(r.wall.p50Ms ?? r.wall.durationMs),
    formatNumber(r.wall.p99Ms ?? r.wall.durationMs),
    formatNumber(r.wall.rme ?? 0),
    String(r.wall.samples ?? r.wall.samplesMs?.length ?? 1),
  ]);
  return renderTable(header, body, (i) => i > 0);
}

function combine(values: number[], how: SummaryColumn['combine']): number {
  if (values.length === 0) return Number.NaN;
  if (how === 'max') return Math.max(...values);
  const sum = values.reduce((a, b) => a + b, 0);
  return how === 'sum' ? sum : sum / values.length;
}
