import type { ExactChange } from '../results/diff-exact.js';
import type { Environment, ResultSet } from '../results/types.js';
import type { PAdjustMethod } from './p-adjust.js';

export type { ExactChange } from '../results/diff-exact.js';
export type { ExactValue } from '../results/types.js';

/** Options of a comparison as given at the edge; every field optional (defaults in `options.ts`). */
export interface CompareOptions {
  /** Relative change of the median wall time that may count as a regression or improvement (0.05 = 5 %). */
  threshold?: number;
  /** Significance level of the two-sided Mann-Whitney U test on the raw samples. */
  alpha?: number;
  /** Relative change of `wall.normalisedPerEvent` that may count (wider: it crosses machines). */
  normalisedThreshold?: number;
  /** Multiple-testing correction of the per-run tests of one noisy metric (the runs are the family). */
  correction?: PAdjustMethod;
  /** Judge the wall clock at all (false: exact metrics only, as CI does against a committed baseline). */
  wall?: boolean;
}

/** Options resolved once, every field present. */
export interface ResolvedCompareOptions {
  readonly threshold: number;
  readonly alpha: number;
  readonly normalisedThreshold: number;
  readonly correction: PAdjustMethod;
  readonly wall: boolean;
}

/** How a Mann-Whitney p-value was computed. */
export type MannWhitneyMethod = 'exact' | 'asymptotic';

/** Outcome of a two-sided Mann-Whitney U test of x against y. */
export interface MannWhitneyResult {
  /** U statistic of the first sample (number of pairs with x > y, ties counting one half). */
  u: number;
  /** Two-sided p-value. */
  p: number;
  method: MannWhitneyMethod;
}

/** Noisy metrics that compare judges. */
export type NoisyMetricName = 'wall.samplesMs' | 'wall.normalisedPerEvent';

/** Facts behind a judged noisy metric. Times are medians in the metric's own unit (ms, or normalised units). */
export interface NoisyFigures {
  metric: NoisyMetricName;
  baselineMedian: number;
  currentMedian: number;
  /** currentMedian / baselineMedian: above 1 is slower. */
  ratio: number;
  baselineSamples: number;
  currentSamples: number;
}

/** Verdict on one noisy metric of one run, tagged by `state`. */
export type NoisyVerdict =
  | (NoisyFigures & {
      /**
       * `insufficient-samples`: with these sample sizes no Mann-Whitney p, once corrected over the runs, can
       * fall below alpha, whatever the samples say; it is not evidence of "no change".
       */
      state: 'regressed' | 'improved' | 'within-noise' | 'insufficient-samples';
      /** Two-sided Mann-Whitney p-value of the samples. */
      p: number;
      /** `p` corrected over the runs of the comparison (Holm or Benjamini-Hochberg): what is held against alpha. */
      pAdjusted: number;
      method: MannWhitneyMethod;
      /** Threshold the ratio was held against. */
      threshold: number;
    })
  | (NoisyFigures & { state: 'not-comparable'; reason: string })
  | { state: 'no-samples'; metric: NoisyMetricName; reason: string };

/** A run as named in a comparison. */
export interface RunRef {
  /** Pairing key: canonical JSON of the run's kind and params. */
  key: string;
  /** The run's `id`. */
  id: string;
}

/** A run parameter whose value differs between a run and the baseline run it was paired with. */
export interface ParamChange {
  name: string;
  baseline: unknown;
  current: unknown;
}

/** The comparison of one run present on both sides. */
export interface RunComparison extends RunRef {
  /** The run's `id` in the baseline (normally equal to `id`). */
  baselineId: string;
  /**
   * Parameters that differ from the baseline run's: empty for runs paired by equal parameters; set when a
   * parameter changed in every run of the suite (a new default), and the runs were paired on the others.
   */
  paramChanges: ParamChange[];
  exactChanges: ExactChange[];
  /** Number of exact metrics present on both sides with equal values. */
  exactUnchanged: number;
  noisy: NoisyVerdict[];
}

/** A field of the environment that makes raw wall times incomparable when it differs. */
export interface EnvironmentDifference {
  field: keyof Pick<Environment, 'cpuModel' | 'node'>;
  baseline: string;
  current: string;
}

/** Whether raw wall times of two result sets can be compared. */
export interface EnvironmentComparison {
  comparable: boolean;
  differences: EnvironmentDifference[];
}

/** Identity of one side of a comparison, for headings. */
export interface SideInfo {
  /** File the result set came from, as given by the user (or a label). */
  source: string;
  suite: string;
  commit: string | null;
  version: string;
  createdAt: string;
  partial: boolean;
  environment: Environment;
}

/** Counts over a whole comparison. */
export interface ComparisonSummary {
  paired: number;
  missing: number;
  added: number;
  /** Paired runs whose parameters differ (a changed default): a change of the experiment, counted like an exact change. */
  paramChanged: number;
  /** Exact metric changes over all paired runs. */
  exactChanges: number;
  runsWithExactChanges: number;
  regressed: number;
  improved: number;
  withinNoise: number;
  insufficientSamples: number;
  notComparable: number;
  noSamples: number;
}

/** Something that differs between the two result sets as a whole, and may explain exact changes. */
export interface Cause {
  /** What differs: `parameter`, `cost profile`, `pinbench version`, `commit`, `working tree`, `argv`, `suite`, `determinism`. */
  kind: string;
  /** One line: `mcBatch: 32 -> 16 in 84 runs`, `modern.hypercallTrapNs: 700 -> 750`. */
  text: string;
}

/** Baseline x current: every verdict, ready to render. */
export interface Comparison {
  baseline: SideInfo;
  current: SideInfo;
  options: ResolvedCompareOptions;
  environment: EnvironmentComparison;
  /** Paired runs, in the current result set's order. */
  runs: RunComparison[];
  /** In the baseline, not in current. */
  missing: RunRef[];
  /** In current, not in the baseline. */
  added: RunRef[];
  /** What differs between the result sets as a whole (parameters, cost profiles, version, commit, argv, ...). */
  causes: Cause[];
  summary: ComparisonSummary;
}

/** What `compareResultSets` takes: a result set and where it came from. */
export interface LabelledResultSet {
  source: string;
  resultSet: ResultSet;
}

/**
 * What a comparison calls for: `exact-change` (an exact metric changed, or a run is missing or new),
 * `regressed` (a noisy metric regressed), or `ok`. The CLI maps them to exit codes 3, 1 and 0.
 */
export type ComparisonOutcome = 'ok' | 'regressed' | 'exact-change';
