import { describeChangeRange, summariseExactChanges } from '../exact-summary.js';
import { formatExact, formatExactDelta } from '../format-values.js';
import { P_ADJUST_LABELS } from '../p-adjust.js';
import { intervalText, MIN_AB_BLOCKS, percentText, pValueText } from './judge.js';
import type { AbComparison, AbEstimator, AbOutcome, AbRunVerdict, AbSideInfo, AbState } from './types.js';

/** Label of a verdict, as tables show it. */
export const AB_STATE_LABELS: Readonly<Record<AbState, string>> = {
  regressed: 'REGRESSED',
  improved: 'improved',
  'no-change': 'no change',
  'insufficient-samples': 'insufficient samples',
};

/** Rank of a verdict when runs are listed: what needs attention first. */
const STATE_ORDER: Readonly<Record<AbState, number>> = { regressed: 0, improved: 1, 'no-change': 2, 'insufficient-samples': 3 };

/** What a run's ms and ratio are, per estimator. */
export const ESTIMATOR_LABELS: Readonly<Record<AbEstimator, string>> = {
  min: 'ms per repetition of the fastest round of each side, ratio head/base of those',
  median: 'ms per repetition of the median round of each side, ratio the median of the per-round ratios head/base',
};

/** Most runs listed in the text and Markdown tables (regressions and improvements first). */
export const AB_TABLE_ROWS = 25;
/** Most cell-by-cell exact changes listed. */
const EXACT_ROWS = 30;

/** A table of display strings. */
interface Table {
  headers: string[];
  rows: string[][];
  omitted: number;
}

/** `HEAD~1: git 1a2b3c4d5e6f, pinbench 0.1.0` (with `, dirty` when its tree had uncommitted changes). */
export function describeAbSide(side: AbSideInfo): string {
  const where =
    side.kind === 'git-ref' ? 'git revision' : side.kind === 'directory' ? `directory ${side.root}` : 'strategy module';
  const commit = side.commit === null ? '' : ` ${side.commit.slice(0, 12)}`;
  const dirty = side.dirty === true ? ' with uncommitted changes' : '';
  const modules = side.strategyModules.length > 0 ? `; strategy modules ${side.strategyModules.join(', ')}` : '';
  return `${side.label}: ${where}${commit}${dirty}, pinbench ${side.version}${modules}`;
}

/** The one-line outcome, as the last line of the text. */
export function describeAbOutcome(comparison: AbComparison, outcome: AbOutcome): string {
  const s = comparison.suite;
  const wall = `wall clock ${AB_STATE_LABELS[s.state]} (head/base ${ratioText(s.ratio)}, ${percentText(comparison.options.confidence)} ${s.ci ? intervalText(s.ci) : 'no interval'})`;
  const exact =
    comparison.exact.length === 0 ? 'exact metrics identical' : `exact metrics changed in ${comparison.exact.length} run(s)`;
  const failed = comparison.failedBoth.length > 0 ? `; ${comparison.failedBoth.length} run(s) failed on both sides` : '';
  const head = outcome === 'exact-change' ? 'EXACT CHANGE' : outcome === 'regressed' ? 'REGRESSION' : 'OK';
  return `${head}: ${wall}; ${exact}${failed}`;
}

/** The A/B comparison as plain text for a terminal. */
export function renderAbText(comparison: AbComparison, outcome: AbOutcome, { maxRows = AB_TABLE_ROWS } = {}): string {
  const { measurement: m, suite: s, options } = comparison;
  const lines = [
    `pinbench ab: suite ${m.suite}, ${s.runs} run(s) timed x ${m.rounds} round(s) (A B / B A pairs) in ${m.blocks ?? 1} block(s), ${seconds(m.durationMs)}${m.partial ? ', INTERRUPTED' : ''}`,
    `  base     ${describeAbSide(m.base)}`,
    `  head     ${describeAbSide(m.head)}`,
    `  machine  ${machineLine(comparison)}`,
    '',
    ...exactLines(comparison, maxRows).map((line) => line),
    '',
    `Wall clock, head / base (median over runs of each run's ratio; ${comparison.options.estimator === 'min' ? "a run's ratio is its fastest round on head over its fastest on base" : "a run's ratio is the median of its per-round paired ratios"}):`,
    `  ${ratioText(s.ratio)}  ${percentText(options.confidence)} interval ${s.ci ? intervalText(s.ci) : '—'}  Wilcoxon p = ${pValueText(s.p)} over ${s.runs} runs`,
    `  ${AB_STATE_LABELS[s.state].toUpperCase()}: ${s.reason}`,
    '',
    runsHeading(comparison),
    ...textTable(runsTable(comparison.runs, maxRows)),
  ];
  for (const failed of comparison.failedBoth) lines.push(`  failed on both sides: ${failed.id}: ${failed.error}`);
  lines.push('', describeAbOutcome(comparison, outcome));
  return lines.join('\n') + '\n';
}

/** The A/B comparison as GitHub-flavoured Markdown (a job summary, a PR comment). */
export function renderAbMarkdown(comparison: AbComparison, outcome: AbOutcome, { maxRows = AB_TABLE_ROWS } = {}): string {
  const { measurement: m, suite: s, options } = comparison;
  const mark = outcome === 'ok' ? '✅' : outcome === 'regressed' ? '⚠️' : '❌';
  const out = [
    '## pinbench ab',
    '',
    `${mark} **${escapeCell(describeAbOutcome(comparison, outcome))}**`,
    '',
    `- suite \`${m.suite}\`: ${s.runs} run(s) timed x ${m.rounds} round(s), interleaved A B / B A, in ${m.blocks ?? 1} block(s) (fresh worker threads), ${seconds(m.durationMs)}${m.partial ? ', **interrupted**' : ''}`,
    `- base: ${escapeCell(describeAbSide(m.base))}`,
    `- head: ${escapeCell(describeAbSide(m.head))}`,
    `- machine: ${escapeCell(machineLine(comparison))}`,
    '',
    '### Wall clock',
    '',
    `Head / base: **${ratioText(s.ratio)}**, ${percentText(options.confidence)} interval ${s.ci ? intervalText(s.ci) : '—'}, Wilcoxon signed-rank p = ${pValueText(s.p)} over ${s.runs} runs: **${AB_STATE_LABELS[s.state]}** (${escapeCell(s.reason)}).`,
    '',
    `Rule: regression only when the whole interval lies above ${1 + options.threshold} and p < ${options.alpha}; improvement symmetrically.`,
    '',
    escapeCell(runsHeading(comparison)),
    '',
    ...markdownTable(runsTable(comparison.runs, maxRows)),
    '',
    '### Exact metrics',
    '',
    ...exactLines(comparison, maxRows, true),
  ];
  if (comparison.failedBoth.length > 0) {
    out.push('', '### Failed on both sides', '', ...comparison.failedBoth.map((f) => `- \`${f.id}\`: ${escapeCell(f.error)}`));
  }
  return out.join('\n') + '\n';
}

function machineLine(comparison: AbComparison): string {
  const { environment, loadAverage } = comparison.measurement;
  const load = (values: number[]) => values.map((v) => v.toFixed(2)).join(' ');
  return `${environment.cpuModel}, ${environment.cores} cores, node ${environment.node}; load average ${load(loadAverage.start)} at the start, ${load(loadAverage.end)} at the end`;
}

function runsHeading(comparison: AbComparison): string {
  const counts = new Map<AbState, number>();
  for (const run of comparison.runs) counts.set(run.state, (counts.get(run.state) ?? 0) + 1);
  const summary = (['regressed', 'improved', 'no-change', 'insufficient-samples'] as const)
    .map((state) => `${counts.get(state) ?? 0} ${AB_STATE_LABELS[state]}`)
    .join(', ');
  const { correction, alpha, threshold, estimator } = comparison.options;
  const blocks = comparison.runs[0]?.blockRatios.length ?? 0;
  if (blocks < MIN_AB_BLOCKS) {
    return (
      `Per run (${summary}): ${ESTIMATOR_LABELS[estimator]}; no per-run verdict from ${blocks} block(s): the rounds of one ` +
      'worker thread share its JIT decisions, which alone moved identical code by up to 15% (use --blocks 2 or more):'
    );
  }
  return (
    `Per run (${summary}): ${ESTIMATOR_LABELS[estimator]}, in each of ${blocks} blocks (fresh worker threads), and their geometric mean; ` +
    `verdict from a t-test over the blocks that the ratio lies beyond the noise band ${1 + threshold} (between-block variance pooled over the runs), ` +
    `${P_ADJUST_LABELS[correction]} over ${comparison.runs.length} runs: adjusted p < ${alpha} and every block's ratio beyond the band:`
  );
}

function runsTable(runs: readonly AbRunVerdict[], maxRows: number): Table {
  // Attention first, then the largest departures from 1.
  const sorted = [...runs].sort(
    (a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || Math.abs(Math.log(b.ratio)) - Math.abs(Math.log(a.ratio)),
  );
  const rows = sorted.map((run) => [
    run.id,
    run.baseMs.toPrecision(4),
    run.headMs.toPrecision(4),
    ratioText(run.ratio),
    intervalText(run.ci),
    run.blockRatios.map((r) => r.toFixed(3)).join(' '),
    pValueText(run.pAdjusted),
    AB_STATE_LABELS[run.state],
  ]);
  return {
    headers: ['run', 'base ms', 'head ms', 'head/base', 'interval', 'per block', 'p (adjusted)', 'verdict'],
    rows: rows.slice(0, maxRows),
    omitted: Math.max(0, rows.length - maxRows),
  };
}

function exactLines(comparison: AbComparison, maxRows: number, markdown = false): string[] {
  if (comparison.exact.length === 0) return [`Exact metrics: all ${comparison.exactUnchanged} identical.`];
  const summary = summariseExactChanges(comparison.exact);
  const changes = comparison.exact.reduce((sum, run) => sum + run.changes.length, 0);
  const lines = [
    `Exact metrics: ${changes} value(s) changed in ${comparison.exact.length} run(s), ${comparison.exactUnchanged} identical. Per metric:`,
  ];
  const perMetric: Table = {
    headers: ['metric', 'runs', 'change'],
    rows: summary.slice(0, maxRows).map((s) => [s.metric, String(s.runs), describeChangeRange(s)]),
    omitted: Math.max(0, summary.length - maxRows),
  };
  const cells: string[][] = [];
  for (const run of comparison.exact) {
    for (const c of run.changes)
      cells.push([run.id, c.metric, formatExact(c.baseline), formatExact(c.current), formatExactDelta(c.baseline, c.current)]);
  }
  const cellTable: Table = {
    headers: ['run', 'metric', 'base', 'head', 'change'],
    rows: cells.slice(0, EXACT_ROWS),
    omitted: Math.max(0, cells.length - EXACT_ROWS),
  };
  if (markdown) return [...lines, '', ...markdownTable(perMetric), '', 'Cell by cell:', '', ...markdownTable(cellTable)];
  return [...lines, ...textTable(perMetric), 'Cell by cell:', ...textTable(cellTable)];
}

/** 1.0123 -> `1.012 (+1.2%)`. */
export function ratioText(ratio: number): string {
  if (!Number.isFinite(ratio)) return String(ratio);
  const percent = (ratio - 1) * 100;
  return `${ratio.toFixed(3)} (${percent >= 0 ? '+' : ''}${percent.toFixed(1)}%)`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function textTable(table: Table): string[] {
  const widths = table.headers.map((h, c) => Math.max(h.length, ...table.rows.map((row) => row[c]?.length ?? 0)));
  const format = (cells: string[]) => `  ${cells.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ')}`.trimEnd();
  const out = [format(table.headers), format(widths.map((w) => '-'.repeat(w))), ...table.rows.map(format)];
  if (table.omitted > 0) out.push(`  ... and ${table.omitted} more`);
  return out;
}

function markdownTable(table: Table): string[] {
  const row = (cells: string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  const out = [row(table.headers), `|${table.headers.map(() => ' --- ').join('|')}|`, ...table.rows.map(row)];
  if (table.omitted > 0) out.push('', `… and ${table.omitted} more.`);
  return out;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\n/g, ' ');
}
