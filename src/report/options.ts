// Options of the report's Node entry points (renderReport, writeReport). Kept apart from types.ts, which the
// browser client compiles too (tsconfig.client.json): these reach into traces.ts and the model's trace types.
import type { TimelineExcerpt } from './traces.js';
import type { CompareVerdicts } from './types.js';

/** Options of renderReport. */
export interface ReportOptions {
  /** Page title. Default: `pinbench: SUITE` of the last result set. */
  title?: string;
  /**
   * How the page gets plotly.js: `{ src }` a relative URL of a copied file (writeReport copies it),
   * `{ inline }` the library's source itself. Default: `{ src: 'plotly.js' }`.
   */
  plotly?: { src: string } | { inline: string };
  /** `full` (default) shows everything; `comparison` only the header and the comparison view. */
  view?: 'full' | 'comparison';
  /** Most changed-metric rows listed per comparison table. Default: MAX_CHANGED_ROWS. */
  maxChangedRows?: number;
  /** A short name per result set, e.g. its file. Default: `#i SUITE (date)`. */
  labels?: string[];
  /** compare's verdicts, shown with the first comparison (`compare --html`). */
  verdicts?: CompareVerdicts;
  /** Per result set, its results.json's directory as seen from the page (posix, '' when the same): trace links. */
  traceDirs?: string[];
  /** The race timelines to draw (write.ts reads the traces: traces.ts). */
  timelines?: TimelineExcerpt[];
}

/** Options of writeReport. */
export interface WriteReportOptions {
  /** compare's verdicts, shown with the first comparison (`compare --html`). */
  verdicts?: CompareVerdicts;
  title?: string;
  /** Inline plotly.js into index.html instead of copying it beside it. Default false. */
  inlinePlotly?: boolean;
  view?: 'full' | 'comparison';
  /** A short name per result set, e.g. its file. */
  labels?: string[];
  /** Per result set, the directory of its results.json (trace links are relative to it). Default: the report's own. */
  resultsDirs?: string[];
}
