import {
  formatExact,
  formatExactDelta,
  formatMedian,
  formatP,
  formatRatio,
  MAX_TABLE_ROWS,
  VERDICT_LABELS,
  VERDICT_ORDER,
} from './format-values.js';
import { describeChangeRange, summariseExactChanges } from './exact-summary.js';
import type { Comparison, NoisyVerdict, RunRef } from './types.js';

/** A table ready to render as text or Markdown: cells are display strings. */
export interface Table {
  headers: string[];
  rows: string[][];
  /** Rows left out beyond the cap. */
  omitted: number;
}

/** Every table of a comparison, shared by the text and Markdown renderers. */
export interface ComparisonTables {
  /** What differs between the result sets as a whole: `kind: text` lines. */
  causes: string[];
  /** Per changed metric: runs, and the range of the change. */
  perMetric: Table;
  exact: Table;
  noisy: Table;
  /** Noisy figures not judged for want of samples: one line per distinct reason with its count. */
  notJudged: string[];
  missing: RunRef[];
  added: RunRef[];
}

/** Build the tables of a comparison, each capped at `maxRows` rows (regressions sorted first). */
export function comparisonTables(comparison: Comparison, maxRows = MAX_TABLE_ROWS): ComparisonTables {
  const exactRows: string[][] = [];
  for (const run of comparison.runs) {
    for (const change of run.exactChanges) {
      exactRows.push([
        run.id,
        change.metric,
        formatExact(change.baseline),
        formatExact(change.current),
        formatExactDelta(change.baseline, change.current),
      ]);
    }
  }

  const summary = summariseExactChanges(comparison.runs.map((run) => ({ changes: run.exactChanges })));
  const perMetricRows = summary.map((m) => [m.metric, String(m.runs), describeChangeRange(m)]);

  const judged: { id: string; verdict: Exclude<NoisyVerdict, { state: 'no-samples' }> }[] = [];
  const notJudged = new Map<string, number>();
  for (const run of comparison.runs) {
    for (const verdict of run.noisy) {
      if (verdict.state === 'no-samples') {
        const line = `${verdict.metric}: ${verdict.reason}`;
        notJudged.set(line, (notJudged.get(line) ?? 0) + 1);
      } else judged.push({ id: run.id, verdict });
    }
  }
  // Stable sort: within a state, runs keep the result set's order.
  judged.sort((a, b) => VERDICT_ORDER[a.verdict.state] - VERDICT_ORDER[b.verdict.state]);
  const noisyRows = judged.map(({ id, verdict }) => [
    id,
    verdict.metric,
    `${formatMedian(verdict.metric, verdict.baselineMedian)} (n=${verdict.baselineSamples})`,
    `${formatMedian(verdict.metric, verdict.currentMedian)} (n=${verdict.currentSamples})`,
    formatRatio(verdict.ratio),
    verdict.state === 'not-comparable' ? '' : `${formatP(verdict.pAdjusted)} (${verdict.method}, raw ${formatP(verdict.p)})`,
    VERDICT_LABELS[verdict.state],
  ]);

  return {
    causes: comparison.causes.map((c) => `${c.kind}: ${c.text}`),
    perMetric: cap(['exact metric', 'runs', 'change (min to max)'], perMetricRows, maxRows),
    exact: cap(['run', 'exact metric', 'baseline', 'current', 'change'], exactRows, maxRows),
    noisy: cap(
      ['run', 'noisy metric', 'baseline median', 'current median', 'change', 'p (Mann-Whitney, corrected)', 'verdict'],
      noisyRows,
      maxRows,
    ),
    notJudged: [...notJudged].map(([line, count]) => `${line} (${count} run${count === 1 ? '' : 's'})`),
    missing: comparison.missing,
    added: comparison.added,
  };
}

function cap(headers: string[], rows: string[][], maxRows: number): Table {
  return { headers, rows: rows.slice(0, maxRows), omitted: Math.max(0, rows.length - maxRows) };
}
