import { paramLabel, SCENARIO_PARAMS } from '../results/params.js';
import { groupBySeed, perCycle, pooled, type SeedGroup } from '../results/seeds.js';
import type { MicroRun, ResultSet, RunResult } from '../results/types.js';
import { formatNumber, renderTable } from './text-table.js';

/**
 * A column of the summary: a figure of a group of seeds, pooled by results' one seed aggregation (the HTML
 * report uses the same). To show a new metric, add one line here naming it.
 */
interface SummaryColumn {
  header: string;
  kind: 'exact' | 'noisy';
  value: (group: SeedGroup) => number;
}

/** Marks of the two kinds in headers (legend printed under the table). */
const EXACT_MARK = '*';
const NOISY_MARK = '~';

/** The key figures, in column order. */
export const SUMMARY_COLUMNS: readonly SummaryColumn[] = [
  { header: 'traps/cycle', kind: 'exact', value: (g) => perCycle(g, 'hypercalls.traps') },
  { header: 'entries/cycle', kind: 'exact', value: (g) => perCycle(g, 'hypercalls.entries') },
  { header: 'ptl hold p99 ns', kind: 'exact', value: (g) => pooled(g, 'locks.ptl.holdNs.p99Ns') },
  // The lock the racing writers take: recorded per run (splitPtlocks), never guessed from the strategy's name.
  { header: 'writer wait p99 ns', kind: 'exact', value: (g) => pooled(g, `locks.${g.writerLock}.waitNs.p99Ns`) },
  { header: 'preempt max', kind: 'exact', value: (g) => pooled(g, 'preempt.maxDepth') },
  { header: 'overflows', kind: 'exact', value: (g) => pooled(g, 'preempt.overflows') },
  { header: 'WP faults', kind: 'exact', value: (g) => pooled(g, 'faults.writeProtect') },
  { header: 'hcall errors', kind: 'exact', value: (g) => pooled(g, 'faults.hypercallErrors') },
  { header: 'pins/s', kind: 'exact', value: (g) => pooled(g, 'throughput.pinsPerSec') },
  {
    header: 'wall ms/cycle',
    kind: 'noisy',
    value: (g) => (g.wall['wall.durationMs'] ?? Number.NaN) / Math.max(1, pooled(g, 'counts.pins') / g.runs.length),
  },
];

/** Warnings the model may record (a result set without a metric shows nothing for it). */
const WARNINGS: ReadonlyArray<readonly [metric: string, label: string]> = [
  ['lockdep.recursionWarnings', 'lockdep "possible recursive locking"'],
  ['lockdep.overflows', 'lockdep "MAX_LOCK_DEPTH too low"'],
  ['preempt.debugWarnings', 'preempt count debug warnings'],
];

/**
 * The end-of-run summary: one row per strategy and size (and any other parameter that varies), the seeds of a
 * row pooled by results' seed rule. Exact columns are marked `*`, noisy ones `~`. Below the table, one line per
 * group whose runs recorded a failed hypercall (with Xen's first reason, when recorded) or a kernel warning.
 */
export function summaryTable(set: ResultSet): string {
  const groups = groupBySeed(set.runs);
  const micro = set.runs.filter((r): r is MicroRun => r.kind === 'micro' && r.status === 'ok');
  const failed = set.runs.filter((r) => r.status === 'error');
  const parts: string[] = [];
  if (groups.length > 0) parts.push(scenarioTable(groups, failed));
  const warnings = groups.flatMap(warningLines);
  if (warnings.length > 0) parts.push(['Warnings recorded by the model:', ...warnings].join('\n'));
  if (micro.length > 0) parts.push(microTable(micro));
  const okCount = set.runs.length - failed.length;
  parts.push(
    `${set.runs.length} run${set.runs.length === 1 ? '' : 's'}: ${okCount} ok, ${failed.length} failed${set.partial ? ' (interrupted: partial results)' : ''}`,
  );
  return parts.join('\n\n') + '\n';
}

function warningLines(group: SeedGroup): string[] {
  const lines: string[] = [];
  const errors = pooled(group, 'faults.hypercallErrors');
  const id = group.runs[0]?.id.replace(/ seed=\d+$/, '') ?? '';
  if (errors > 0) {
    const first = group.exact['faults.firstHypercallError'];
    lines.push(`  ${id}: ${formatNumber(errors)} failed hypercall(s)${typeof first === 'string' ? `, the first: ${first}` : ''}`);
  }
  for (const [metric, label] of WARNINGS) {
    const n = pooled(group, metric);
    if (n > 0) lines.push(`  ${id}: ${formatNumber(n)} ${label}`);
  }
  if (group.exact['lockdep.disabled'] === true) lines.push(`  ${id}: lockdep turned itself off`);
  return lines;
}

function scenarioTable(groups: readonly SeedGroup[], failed: readonly RunResult[]): string {
  // Parameters shown: strategy, mode, size and vCPUs always; the others when they vary. Seeds are pooled.
  const always = new Set(['strategy', 'mode', 'ptePages', 'vcpus']);
  const param = (params: object, name: string): string => String((params as Record<string, unknown>)[name]);
  const shown = SCENARIO_PARAMS.map((p) => p.name).filter(
    (name) => name !== 'seed' && (always.has(name) || new Set(groups.map((g) => param(g.params, name))).size > 1),
  );
  const keyOf = (params: object): string => shown.map((name) => param(params, name)).join('\u0000');
  const errorsByKey = new Map<string, number>();
  for (const run of failed) errorsByKey.set(keyOf(run.params), (errorsByKey.get(keyOf(run.params)) ?? 0) + 1);

  const header = [
    ...shown.map((name) =>
      name === 'ptePages' ? 'PTE pages' : name === 'strategy' || name === 'mode' || name === 'vcpus' ? name : paramLabel(name),
    ),
    'seeds',
    ...SUMMARY_COLUMNS.map((c) => c.header + (c.kind === 'exact' ? EXACT_MARK : NOISY_MARK)),
  ];
  const body = groups.map((group) => {
    const errors = errorsByKey.get(keyOf(group.params)) ?? 0;
    return [
      ...shown.map((name) => param(group.params, name)),
      errors > 0 ? `${group.runs.length} (+${errors} failed)` : String(group.runs.length),
      ...SUMMARY_COLUMNS.map((c) => formatNumber(c.value(group))),
    ];
  });
  const table = renderTable(header, body, (i) => i >= shown.length);
  const legend =
    `${EXACT_MARK} exact: a function of the parameters and seed, reproducible bit for bit; ` +
    `${NOISY_MARK} noisy: wall clock of this machine. Seeds pooled as one long run: counts summed, per-cycle figures ` +
    'divided by all pins, pins/s averaged, p99 and maxima the largest over seeds (the same rule as the HTML report).';
  return `${table}\n${legend}`;
}

function microTable(runs: readonly MicroRun[]): string {
  const header = [
    'micro-benchmark',
    `mean ms${NOISY_MARK}`,
    `p50 ms${NOISY_MARK}`,
    `p99 ms${NOISY_MARK}`,
    `±rme %${NOISY_MARK}`,
    'samples',
  ];
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
