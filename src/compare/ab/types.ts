import type { ExactChange } from '../../results/diff-exact.js';
import type { Environment, RunResult } from '../../results/types.js';
import type { Interval } from '../bootstrap.js';
import type { PAdjustMethod } from '../p-adjust.js';
import type { WilcoxonMethod } from '../wilcoxon.js';

/** The two sides of an A/B job. */
export type AbSideName = 'base' | 'head';

/** What was measured on one side: a built pinbench, and the strategy modules its threads imported. */
export interface AbSideInfo {
  /** As the user named it: `HEAD~1`, `.`, `../old/pinbench`, `old/my-strategy.mjs`. */
  label: string;
  kind: 'git-ref' | 'directory' | 'strategy-module';
  /** The pinbench directory whose model ran (the built worktree of a git ref). */
  root: string;
  /** The commit of that pinbench, when known (null outside git). */
  commit: string | null;
  /** Whether that pinbench's working tree had uncommitted changes (null when unknown). */
  dirty: boolean | null;
  /** pinbench's version (package.json) on that side. */
  version: string;
  /** Absolute paths of the strategy modules the side's threads imported. */
  strategyModules: string[];
  /** The side's cost profiles by name, as its model defines them (filled in when its thread has loaded it). */
  profiles?: Record<string, unknown>;
}

/** One run (one parameter point) of an A/B job: its exact outcome on each side and its timed samples. */
export interface AbRunSamples {
  id: string;
  /** Pairing key: canonical JSON of kind and params. */
  key: string;
  /** The untimed first run of each side (metrics, or the error): the exact comparison is between these. */
  base: RunResult;
  head: RunResult;
  /** Repetitions of the scenario per timed sample (the same on both sides); a sample is their mean. */
  iterations: number;
  /** Wall ms per repetition, one per round, in round order (index r of both lists is one pair). */
  baseMs: number[];
  headMs: number[];
  /** Per round, which side ran first in the pair (A B or B A): the order alternates so drift cancels. */
  firstSide: AbSideName[];
}

/** The raw record of an interleaved A/B job: enough to judge it again, or to plot it. */
export interface AbMeasurement {
  suite: string;
  base: AbSideInfo;
  head: AbSideInfo;
  environment: Environment;
  createdAt: string;
  /** Rounds completed (every run has one sample per side per round). */
  rounds: number;
  /** Untimed warm-up passes over every run, on each side, before round 1 (in every block). */
  warmupRounds: number;
  /**
   * Blocks: fresh worker threads (V8 isolates), each importing both sides and warmed up on its own, that took
   * the rounds in turn. Absent in a record made before blocks: one block.
   */
  blocks?: number;
  /** Per round, in round order, the block (0-based) it ran in. Absent: every round in block 0. */
  roundBlocks?: number[];
  /** Wall time of the whole job (warm-up, rounds), ms. */
  durationMs: number;
  /** Whether the job was interrupted before the rounds asked for. */
  partial: boolean;
  /** Both sides in one worker thread (`shared`: revisions and directories) or one each (`per-side`: strategy modules). */
  threads?: 'shared' | 'per-side';
  /** The machine's 1, 5 and 15 minute load averages when the job started and when it ended. */
  loadAverage: { start: number[]; end: number[] };
  runs: AbRunSamples[];
}

/**
 * How a run's time on one side is estimated from its rounds: `min`, the fastest round (noise on a shared
 * machine only ever adds time: preemption, a stolen vCPU, a neighbour's cache traffic), or `median`, the median
 * of the per-round paired ratios head / base.
 */
export type AbEstimator = 'min' | 'median';

/** Options of an A/B judgement as given at the edge; every field optional (defaults in options.ts). */
export interface AbOptions {
  /** How a run's ratio is estimated from its rounds. */
  estimator?: AbEstimator;
  /** Smallest relative change that may count: a regression needs the whole interval above 1 + threshold. */
  threshold?: number;
  /** Significance level of the Wilcoxon tests (the suite's, and each run's after correction). */
  alpha?: number;
  /** Confidence level of the bootstrap intervals. */
  confidence?: number;
  /** Multiple-testing correction of the per-run tests. */
  correction?: PAdjustMethod;
  /** Bootstrap resamples. */
  resamples?: number;
  /** Seed of the bootstrap. */
  seed?: number;
}

export interface ResolvedAbOptions {
  readonly estimator: AbEstimator;
  readonly threshold: number;
  readonly alpha: number;
  readonly confidence: number;
  readonly correction: PAdjustMethod;
  readonly resamples: number;
  readonly seed: number;
}

/** A verdict on a ratio head / base: above 1 is slower. */
export type AbState = 'regressed' | 'improved' | 'no-change' | 'insufficient-samples';

/** The verdict on the whole suite. */
export interface AbSuiteVerdict {
  state: AbState;
  /** Median over runs of each run's ratio head / base (NaN when nothing was timed). */
  ratio: number;
  /** Bootstrap interval of `ratio` (runs and rounds resampled); null when not computable. */
  ci: Interval | null;
  /** Two-sided Wilcoxon signed-rank p of the runs' log ratios against 0. */
  p: number;
  method: WilcoxonMethod;
  /** Runs timed on both sides. */
  runs: number;
  rounds: number;
  /** Why the verdict is what it is, one sentence. */
  reason: string;
}

/** The verdict on one run. */
export interface AbRunVerdict {
  id: string;
  state: AbState;
  /**
   * The run's ratio head / base: the geometric mean over blocks of its ratio in each block (by the estimator,
   * over that block's rounds); with one block, the estimator over all rounds.
   */
  ratio: number;
  /** The t-interval of `ratio` over the blocks (between-block variance pooled over the runs); [ratio, ratio] with one block. */
  ci: Interval;
  /** The run's ratio in each block, in block order. */
  blockRatios: number[];
  /** The run's time on each side by the estimator (fastest round, or median round), ms per repetition. */
  baseMs: number;
  headMs: number;
  /**
   * p of the t-test that the mean block log ratio lies beyond the noise band (H0: inside it), before and after
   * correction (1 with one block, or a ratio inside the band).
   */
  p: number;
  pAdjusted: number;
}

/** Exact differences of one run between the sides. */
export interface AbExactRun {
  id: string;
  changes: ExactChange[];
}

/** The judgement of an A/B job. */
export interface AbComparison {
  measurement: Omit<AbMeasurement, 'runs'>;
  options: ResolvedAbOptions;
  suite: AbSuiteVerdict;
  /** Runs timed on both sides, in the suite's order. */
  runs: AbRunVerdict[];
  /** Runs whose exact metrics or status differ between the sides. */
  exact: AbExactRun[];
  /** Exact values equal on both sides, over every run. */
  exactUnchanged: number;
  /** Runs that failed on both sides with the same error: neither timed nor an exact change. */
  failedBoth: { id: string; error: string }[];
}

/** What an A/B job calls for: exit 3, 1 or 0. */
export type AbOutcome = 'exact-change' | 'regressed' | 'ok';
