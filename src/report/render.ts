import type { ResultSet } from '../results/types.js';
import { elementAt } from '../shared/element-at.js';
import { buildFilters, errorRows, microRows, scenarioRows, setHeader } from './aggregate.js';
import { CHARTS, comparisonChart, MICRO_CHART } from './charts.js';
import { clientScript } from './client-script.js';
import { buildComparison, MAX_CHANGED_ROWS } from './comparison.js';
import { renderPage } from './html.js';
import { orderStrategies, strategyStyles } from './palette.js';
import { raceTimelinesHtml, traceRows, tracesSectionHtml } from './traces.js';
import type { ReportOptions } from './options.js';
import type { ReportData } from './types.js';

/** Where the page finds plotly.js unless told otherwise: a copy beside index.html (writeReport makes it). */
export const PLOTLY_FILE = 'plotly.js';

function defaultLabel(set: ResultSet, index: number): string {
  return `#${index + 1} ${set.suite} (${set.createdAt.slice(0, 16).replace('T', ' ')})`;
}

/** Everything the page draws, from one or more result sets (the first is the baseline of comparisons). */
export function buildReportData(resultSets: readonly ResultSet[], options: ReportOptions = {}): ReportData {
  const [baseline] = resultSets;
  const last = resultSets.at(-1);
  if (baseline === undefined || last === undefined) throw new RangeError('buildReportData: no result sets');
  const labels = resultSets.map((s, i) => options.labels?.[i] ?? defaultLabel(s, i));
  const rows = resultSets.flatMap((s, i) => scenarioRows(i, s));
  const strategies = orderStrategies(rows.map((r) => r.strategy));
  const { colours, symbols } = strategyStyles(strategies);
  // Each strategy's series: its correct rows (marked racy when it does not claim to be race-free), then its invalid ones.
  const series: string[] = [];
  const invalidSeries: string[] = [];
  for (const strategy of strategies) {
    for (const invalid of [false, true]) {
      for (const r of rows) {
        if (r.strategy !== strategy || r.invalid.length > 0 !== invalid || series.includes(r.series)) continue;
        series.push(r.series);
        if (invalid) invalidSeries.push(r.series);
        colours[r.series] = colours[strategy] ?? '#777777';
        symbols[r.series] = invalid ? 'x' : (symbols[strategy] ?? 'circle');
      }
    }
  }
  const comparisons = resultSets
    .slice(1)
    .map((s, i) => buildComparison(baseline, s, { baseline: 0, current: i + 1 }, options.maxChangedRows ?? MAX_CHANGED_ROWS))
    .map((c, i) => ({ ...c, verdicts: i === 0 ? (options.verdicts ?? null) : null }));
  const micro = resultSets.flatMap((s, i) => microRows(i, s));
  const view = options.view ?? 'full';
  const charts = [
    ...(view === 'full' && rows.length > 0 ? CHARTS : []),
    ...(view === 'full' && micro.length > 0 ? [MICRO_CHART] : []),
    ...comparisons.map((_, i) => comparisonChart(i)),
  ];
  return {
    title: options.title ?? `pinbench: ${last.suite}`,
    view,
    sets: resultSets.map((s, i) => setHeader(s, elementAt(labels, i, 'result set'))),
    strategies,
    series,
    colours,
    symbols,
    invalidSeries,
    filters: buildFilters(resultSets),
    rows,
    micro,
    errors: resultSets.flatMap((s, i) => errorRows(i, s)),
    comparisons,
    charts,
  };
}

/**
 * The HTML report of one or more result sets, as a string. Pure. With two or more sets, adds a comparison
 * of every later set against the first. The page loads plotly.js from `options.plotly` (default: `plotly.js`
 * beside it) and fetches nothing else.
 */
export function renderReport(resultSets: readonly ResultSet[], options: ReportOptions = {}): string {
  const data = buildReportData(resultSets, options);
  const extras = {
    race: raceTimelinesHtml(options.timelines ?? []),
    traces: tracesSectionHtml(
      traceRows(resultSets, options.traceDirs),
      data.sets.map((s) => s.label),
    ),
  };
  return renderPage(data, options.plotly ?? { src: PLOTLY_FILE }, clientScript(), extras);
}

/** A page with only the header and the comparison of `current` against `baseline` (for `pinbench compare`). */
export function renderComparison(baseline: ResultSet, current: ResultSet, options: ReportOptions = {}): string {
  return renderReport([baseline, current], {
    title: `pinbench: ${current.suite} against its baseline`,
    ...options,
    view: 'comparison',
  });
}
