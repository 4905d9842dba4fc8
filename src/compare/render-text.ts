import { comparisonTables, type Table } from './comparison-tables.js';
import { describeMachines, describeOutcome, describeSide, percent, SEPARATE_JOBS_NOTE } from './format-values.js';
import { P_ADJUST_LABELS } from './p-adjust.js';
import type { Comparison, ComparisonOutcome } from './types.js';

/** Options of renderComparisonText. */
export interface TextOptions {
  /** Most rows per table (default MAX_TABLE_ROWS). */
  maxRows?: number;
  /** Include the wall-clock table (default true); `baseline update` shows only the exact changes. */
  wall?: boolean;
}

/** The comparison as plain text for a terminal: header, exact changes, wall-clock verdicts, outcome. */
export function renderComparisonText(
  comparison: Comparison,
  outcome: ComparisonOutcome,
  { maxRows, wall = true }: TextOptions = {},
): string {
  const tables = comparisonTables(comparison, maxRows);
  const s = comparison.summary;
  const lines: string[] = [
    'pinbench compare',
    `  baseline  ${comparison.baseline.source}: ${describeSide(comparison.baseline)}`,
    `  current   ${comparison.current.source}: ${describeSide(comparison.current)}`,
    `  machines  ${describeMachines(comparison)}`,
    `  runs      ${s.paired} paired, ${s.missing} missing, ${s.added} new`,
    '',
  ];
  const unchanged = comparison.runs.reduce((sum, run) => sum + run.exactUnchanged, 0);
  if (tables.causes.length > 0) {
    lines.push('What differs between the result sets:', ...tables.causes.map((c) => `  ${c}`), '');
  }
  if (tables.exact.rows.length === 0) lines.push(`Exact metrics: all ${unchanged} identical.`);
  else {
    lines.push(
      `Exact metrics: ${s.exactChanges} changed in ${s.runsWithExactChanges} run(s), ${unchanged} identical. Per metric:`,
    );
    lines.push(...textTable(tables.perMetric), 'Cell by cell:');
    lines.push(...textTable(tables.exact));
  }
  if (wall) {
    lines.push('');
    if (tables.noisy.rows.length === 0) lines.push('Wall clock: nothing judged.');
    else {
      const { threshold, alpha, normalisedThreshold, correction } = comparison.options;
      lines.push(
        `Wall clock (regressed or improved: median moved by more than ${percent(threshold)} ` +
          `(normalised: ${percent(normalisedThreshold)}) and Mann-Whitney p < ${alpha} after ${P_ADJUST_LABELS[correction]} correction over the runs):`,
      );
      lines.push(...textTable(tables.noisy));
      lines.push(`  ${SEPARATE_JOBS_NOTE}`);
    }
    for (const line of tables.notJudged) lines.push(`  not judged: ${line}`);
  }
  if (tables.missing.length > 0)
    lines.push('', `Missing runs (in the baseline only): ${tables.missing.map((r) => r.id).join(', ')}`);
  if (tables.added.length > 0) lines.push('', `New runs (in current only): ${tables.added.map((r) => r.id).join(', ')}`);
  lines.push('', describeOutcome(comparison, outcome));
  return lines.join('\n') + '\n';
}

/** Columns padded to their widest cell, two spaces apart, indented by two. */
function textTable(table: Table): string[] {
  const widths = table.headers.map((header, column) =>
    Math.max(header.length, ...table.rows.map((row) => row[column]?.length ?? 0)),
  );
  const format = (cells: string[]) =>
    '  ' +
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  const out = [format(table.headers), format(widths.map((w) => '-'.repeat(w))), ...table.rows.map(format)];
  if (table.omitted > 0) out.push(`  ... and ${table.omitted} more row(s)`);
  return out;
}
