import { comparisonTables, type Table } from './comparison-tables.js';
import { describeMachines, describeOutcome, describeSide, percent, SEPARATE_JOBS_NOTE } from './format-values.js';
import { P_ADJUST_LABELS } from './p-adjust.js';
import type { Comparison, ComparisonOutcome } from './types.js';

/** The comparison as GitHub-flavoured Markdown (a job summary, a PR comment, a file). */
export function renderComparisonMarkdown(comparison: Comparison, outcome: ComparisonOutcome, maxRows?: number): string {
  const tables = comparisonTables(comparison, maxRows);
  const s = comparison.summary;
  const mark = outcome === 'ok' ? '✅' : outcome === 'regressed' ? '⚠️' : '❌';
  const unchanged = comparison.runs.reduce((sum, run) => sum + run.exactUnchanged, 0);
  const out: string[] = [
    '## pinbench compare',
    '',
    `${mark} **${escapeCell(describeOutcome(comparison, outcome))}**`,
    '',
    `- baseline: \`${comparison.baseline.source}\`: ${escapeCell(describeSide(comparison.baseline))}`,
    `- current: \`${comparison.current.source}\`: ${escapeCell(describeSide(comparison.current))}`,
    `- machines: ${escapeCell(describeMachines(comparison))}`,
    `- runs: ${s.paired} paired, ${s.missing} missing, ${s.added} new`,
    '',
  ];
  if (tables.causes.length > 0)
    out.push('### What differs between the result sets', '', ...tables.causes.map((c) => `- ${escapeCell(c)}`), '');
  out.push('### Exact metrics', '');
  if (tables.exact.rows.length === 0) out.push(`All ${unchanged} exact metrics identical.`);
  else
    out.push(
      `${s.exactChanges} changed in ${s.runsWithExactChanges} run(s), ${unchanged} identical. Per metric:`,
      '',
      ...markdownTable(tables.perMetric),
      '',
      'Cell by cell:',
      '',
      ...markdownTable(tables.exact),
    );
  out.push('', '### Wall clock', '');
  if (tables.noisy.rows.length === 0) out.push('Nothing judged.');
  else {
    const { threshold, alpha, normalisedThreshold, correction } = comparison.options;
    out.push(
      `Regressed or improved only when the median moved by more than ${percent(threshold)} (normalised figure: ${percent(normalisedThreshold)}) ` +
        `and a two-sided Mann-Whitney U test gives p < ${alpha} after ${P_ADJUST_LABELS[correction]} correction over the runs.`,
      '',
      ...markdownTable(tables.noisy),
      '',
      SEPARATE_JOBS_NOTE,
    );
  }
  if (tables.notJudged.length > 0) out.push('', ...tables.notJudged.map((line) => `- not judged: ${escapeCell(line)}`));
  if (tables.missing.length > 0)
    out.push('', '### Missing runs (baseline only)', '', ...tables.missing.map((r) => `- \`${r.id}\``));
  if (tables.added.length > 0) out.push('', '### New runs (current only)', '', ...tables.added.map((r) => `- \`${r.id}\``));
  return out.join('\n') + '\n';
}

function markdownTable(table: Table): string[] {
  const row = (cells: string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
  const out = [row(table.headers), `|${table.headers.map(() => ' --- ').join('|')}|`, ...table.rows.map(row)];
  if (table.omitted > 0) out.push('', `… and ${table.omitted} more row(s).`);
  return out;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\n/g, ' ');
}
