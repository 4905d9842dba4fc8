// The data of the A/B page (`pinbench ab`): built in Node (ab-page.ts), drawn in the browser (client/ab.ts).
// Types only, and no Node types: the browser client's tsconfig compiles this file too.

/** A verdict, as compare/ab names it. */
export type AbPageState = 'regressed' | 'improved' | 'no-change' | 'insufficient-samples';

/** One run of the job on the page. */
export interface AbPageRun {
  id: string;
  /** Median over rounds of head / base. */
  ratio: number;
  low: number;
  high: number;
  state: AbPageState;
  baseMs: number;
  headMs: number;
  pAdjusted: number;
}

/** Everything the A/B page draws. */
export interface AbPageData {
  title: string;
  /** The one-line outcome. */
  outcome: string;
  state: AbPageState;
  reason: string;
  ratio: number;
  ci: { low: number; high: number } | null;
  threshold: number;
  confidence: number;
  /** How a run's ratio was estimated: `min` (fastest rounds) or `median` (median per-round ratio). */
  estimator: 'min' | 'median';
  runs: AbPageRun[];
  /** Per round (1-based), the median over runs of that round's head / base. */
  rounds: { round: number; ratio: number }[];
}
