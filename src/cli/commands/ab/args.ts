import {
  AB_ESTIMATORS,
  DEFAULT_AB_ALPHA,
  DEFAULT_AB_CONFIDENCE,
  DEFAULT_AB_CORRECTION,
  DEFAULT_AB_ESTIMATOR,
  DEFAULT_AB_THRESHOLD,
} from '../../../compare/ab/options.js';
import type { AbEstimator } from '../../../compare/ab/types.js';
import { DEFAULT_RESAMPLES } from '../../../compare/bootstrap.js';
import { P_ADJUST_METHODS, type PAdjustMethod } from '../../../compare/p-adjust.js';
import { matrixOptions } from '../../matrix-options.js';
import type { CommandSpec, ParsedCommandLine } from '../../options.js';

/** Suite `pinbench ab` runs when none is named: small and fast, every strategy. */
export const DEFAULT_AB_SUITE = 'ci';
/** Default timed rounds (every run once per side per round). */
export const DEFAULT_AB_ROUNDS = 30;
/** Default untimed passes over every run on each side before the first round. */
export const DEFAULT_AB_WARMUP_ROUNDS = 2;
/** Default blocks: fresh worker threads the rounds are spread over (see the epilogue). */
export const DEFAULT_AB_BLOCKS = 3;
/** Default shortest timed sample, ms: shorter runs are repeated within a sample. */
export const DEFAULT_AB_MIN_SAMPLE_MS = 5;
/** Default wall time after which no new round starts, s (the job stays within about three minutes). */
export const DEFAULT_AB_MAX_TIME_S = 150;
/** Default output directory. */
export const DEFAULT_AB_OUT = 'reports/ab';

/** Arguments of `pinbench ab`. */
export interface AbArgs {
  base: string;
  head: string;
  suite: string;
  rounds: number;
  warmupRounds: number;
  blocks: number;
  minSampleMs: number;
  maxTimeS: number;
  threshold: number;
  alpha: number;
  confidence: number;
  correction: PAdjustMethod;
  estimator: AbEstimator;
  resamples: number;
  acceptExactChanges: boolean;
  allowMissingBase: boolean;
  strategyModule: string[];
  repo: string;
  cacheDir?: string;
  out: string;
  html: boolean;
  json: boolean;
  quiet: boolean;
  /** Every option by camelCase name, the scenario axes included. */
  options: ParsedCommandLine['options'];
}

const EPILOGUE = `BASE and HEAD are each a git revision of --repo (checked out with git worktree into a cache and built
there once: HEAD~1, main, a tag, a commit), a directory holding a built pinbench (. for this checkout as it
is, uncommitted changes included), or a strategy module file (both sides then run this pinbench, each
importing its own version of the module).

Both sides run interleaved on this machine in one job, in one worker thread at a time (so on the same
core; two strategy modules, which register the same names, get a thread each). The job is replicated in
--blocks fresh threads (blocks: V8 isolates, each importing both sides again, the side imported first
alternating), which take the rounds in turn: untimed warm-up passes in each (the first block's first
pass records every run's exact metrics), then --rounds rounds in all, in which every run is timed on both
sides back to back, in a shuffled order, the first side alternating (A B, B A), so both sides see the same
load and drift. A run's ratio is, by default, its fastest round on head over its fastest round on base
(--estimator min: noise on a shared machine only ever adds time), or the median of its per-round ratios
(--estimator median); the suite's ratio is the median over runs, with a bootstrap interval (runs and
rounds resampled) and a Wilcoxon signed-rank test of the runs' ratios.

Verdict (criterion's rule): REGRESSED only when the whole --confidence interval lies above 1 + --threshold
(and p < --alpha); improved symmetrically; otherwise no change; "insufficient samples" when too few rounds
or runs could decide. Exact metrics of the two sides are compared too.

Per-run verdicts take the block, not the round, as the unit. Two copies of identical code measured up
to 15% apart on some runs for a whole thread, in a direction that changes from one thread to the next
(most likely V8's optimisation decisions, made once per isolate), so the rounds of one thread are not
independent witnesses. A run's ratio is the geometric mean of its ratio in
each block; it is REGRESSED only when a t-test over the blocks (the between-block variance pooled over all
runs) finds it beyond the noise band 1 + --threshold after --correction over the runs, and its ratio in
every block lies beyond the band (improved symmetrically). With --blocks 1 every run is "insufficient
samples". Measured on identical code, three jobs each: 3, 4 and 24 runs flagged by the per-round test
before blocks, 0, 0 and 0 with three blocks; runs made 31-36% slower were flagged, and only they. Blocks
cost their own warm-up: the job took 1.1-1.5x as long (docs/measurement.md).

Writes OUT/ab.json (the samples and the judgement), OUT/ab.md, OUT/index.html (the plot of per-run
ratios and the interval) and OUT/base.json, OUT/head.json (pinbench.results/v1); the Markdown is also
appended to $GITHUB_STEP_SUMMARY when that is set. Nothing is written when interrupted.

Exit codes: 0 no regression; 1 the suite regressed (or a run failed on both sides); 2 bad input (a BASE
or HEAD that is not a revision, directory or module, or does not build; with --allow-missing-base a
BASE that does not exist or build gives 0 and a message instead); 3 an exact metric changed
(--accept-exact-changes: not an error); 130 interrupted.`;

export const abSpec: CommandSpec = {
  name: 'ab',
  summary: 'Interleaved A/B of two pinbench revisions (or strategy modules): wall-clock regression verdict and exact diff.',
  positionals: [
    { name: 'base', required: true, describe: 'the reference: git revision, built pinbench directory, or strategy module file' },
    { name: 'head', required: true, describe: 'the candidate, in the same forms (. is this checkout as it is)' },
  ],
  options: {
    suite: {
      kind: 'string',
      valueName: 'SUITE',
      default: DEFAULT_AB_SUITE,
      describe: 'suite to run on both sides (a name from `pinbench list suites`, or a suite module)',
    },
    rounds: { kind: 'integer', min: 1, default: DEFAULT_AB_ROUNDS, describe: 'timed rounds: every run once per side per round' },
    'warmup-rounds': {
      kind: 'integer',
      min: 1,
      default: DEFAULT_AB_WARMUP_ROUNDS,
      describe: 'untimed passes over every run on each side before the first round (the first records the exact metrics)',
    },
    blocks: {
      kind: 'integer',
      min: 1,
      default: DEFAULT_AB_BLOCKS,
      describe: 'fresh worker threads (V8 isolates) the rounds are spread over, in turn; per-run verdicts are tested over them',
    },
    'min-sample-ms': {
      kind: 'number',
      min: 0,
      hint: 'milliseconds',
      default: DEFAULT_AB_MIN_SAMPLE_MS,
      describe: 'shortest timed sample; a shorter run is repeated within one sample, ms',
    },
    'max-time': {
      kind: 'number',
      min: 0,
      hint: 'seconds, 0 for no limit',
      default: DEFAULT_AB_MAX_TIME_S,
      describe: 'start no new round after this much wall time (once 5 rounds are done), s',
    },
    threshold: {
      kind: 'number',
      min: 0,
      max: 1,
      exclusive: true,
      hint: 'a relative change, 0.05 = 5%',
      default: DEFAULT_AB_THRESHOLD,
      describe: 'noise band: a regression needs the whole interval above 1 + threshold',
    },
    alpha: {
      kind: 'number',
      min: 0,
      max: 1,
      exclusive: true,
      hint: 'a probability',
      default: DEFAULT_AB_ALPHA,
      describe: 'significance level of the Wilcoxon signed-rank tests (suite, and per run after correction)',
    },
    confidence: {
      kind: 'number',
      min: 0,
      max: 1,
      exclusive: true,
      hint: 'a probability',
      default: DEFAULT_AB_CONFIDENCE,
      describe: 'confidence level of the bootstrap intervals',
    },
    estimator: {
      kind: 'string',
      choices: AB_ESTIMATORS,
      default: DEFAULT_AB_ESTIMATOR,
      describe:
        "a run's ratio: min, its fastest round on head over its fastest on base (noise only adds time); median, the median of its per-round paired ratios",
    },
    correction: {
      kind: 'string',
      choices: P_ADJUST_METHODS,
      default: DEFAULT_AB_CORRECTION,
      describe: 'multiple-testing correction of the per-run tests: holm (family-wise error) or bh (false discovery rate)',
    },
    resamples: { kind: 'integer', min: 100, default: DEFAULT_RESAMPLES, describe: 'bootstrap resamples' },
    'accept-exact-changes': { kind: 'boolean', describe: 'report exact-metric changes without failing (no exit 3)' },
    'allow-missing-base': {
      kind: 'boolean',
      describe: 'when BASE names no revision or does not build, say so and exit 0 instead of 2 (for CI on a first commit)',
    },
    'strategy-module': {
      kind: 'strings',
      valueName: 'FILE',
      describe: 'strategy module both sides import (repeatable)',
    },
    repo: { kind: 'string', valueName: 'DIR', default: '.', describe: 'git repository whose revisions BASE and HEAD name' },
    'cache-dir': {
      kind: 'string',
      valueName: 'DIR',
      defaultDescription: 'REPO/.git/pinbench-ab',
      describe: 'where built revisions are kept (one git worktree per commit, reused)',
    },
    out: {
      kind: 'string',
      valueName: 'DIR',
      short: 'o',
      default: DEFAULT_AB_OUT,
      describe: 'directory that receives the outputs',
    },
    html: { kind: 'boolean', default: true, describe: 'write OUT/index.html with the plot' },
    json: { kind: 'boolean', describe: 'print the judgement as JSON on stdout instead of the text' },
    quiet: { kind: 'boolean', short: 'q', describe: 'no progress and only the one-line outcome' },
    ...matrixOptions(),
  },
  epilogue: EPILOGUE,
  examples: [
    ['pinbench ab HEAD~1 .', 'this checkout against its previous commit, on the ci suite'],
    ['pinbench ab main HEAD --suite default --rounds 20', 'two revisions, another suite'],
    ['pinbench ab old/my-strategy.mjs new/my-strategy.mjs --pte-pages 64,1024', 'two versions of a strategy module'],
  ],
};

/** Typed arguments of `pinbench ab`. */
export function abArgs(parsed: ParsedCommandLine): AbArgs {
  const o = parsed.options;
  return {
    base: parsed.positionals.base as string,
    head: parsed.positionals.head as string,
    suite: o.suite as string,
    rounds: o.rounds as number,
    warmupRounds: o.warmupRounds as number,
    blocks: o.blocks as number,
    minSampleMs: o.minSampleMs as number,
    maxTimeS: o.maxTime as number,
    threshold: o.threshold as number,
    alpha: o.alpha as number,
    confidence: o.confidence as number,
    correction: o.correction as PAdjustMethod,
    estimator: o.estimator as AbEstimator,
    resamples: o.resamples as number,
    acceptExactChanges: o.acceptExactChanges as boolean,
    allowMissingBase: o.allowMissingBase as boolean,
    strategyModule: o.strategyModule as string[],
    repo: o.repo as string,
    cacheDir: o.cacheDir as string | undefined,
    out: o.out as string,
    html: o.html as boolean,
    json: o.json as boolean,
    quiet: o.quiet as boolean,
    options: o,
  };
}
