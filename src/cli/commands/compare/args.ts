import { DEFAULT_ALPHA, DEFAULT_CORRECTION, DEFAULT_NORMALISED_THRESHOLD, DEFAULT_THRESHOLD } from '../../../compare/options.js';
import { P_ADJUST_METHODS, type PAdjustMethod } from '../../../compare/p-adjust.js';
import type { CommandSpec, ParsedCommandLine } from '../../options.js';

/** Arguments of `pinbench compare`. */
export interface CompareArgs {
  baseline: string;
  current: string;
  threshold: number;
  alpha: number;
  normalisedThreshold: number;
  correction: PAdjustMethod;
  /** Judge the wall clock (`--no-wall`: exact metrics only). */
  wall: boolean;
  acceptExactChanges: boolean;
  markdown?: string;
  html?: string;
  quiet: boolean;
}

const EPILOGUE = `Runs are paired by their parameters (kind and params), not by position; runs present on one side
only are listed as missing or new.

Exact metrics (the model's counts and virtual times, every value under "metrics"): any difference is
a change, summarised per metric (runs, smallest and largest change), then shown baseline -> current;
above them, what differs between the two sets (parameters, cost profile numbers, version, commit,
uncommitted changes, argv). A parameter changed in every run (a new default) pairs the runs on the
others. Noisy metrics (the wall clock): the raw samples (wall.samplesMs) are "regressed" only when the
median grew by more than --threshold AND a two-sided Mann-Whitney U test gives p < --alpha after
--correction over the runs (asv's rule, with the family of runs controlled); "improved"
symmetrically; "insufficient samples" when the sample sizes cannot reach --alpha after correction;
otherwise "within noise". Two result sets are two jobs: for a verdict on a code change that the
machine's drift cannot fake, use pinbench ab. When the CPU model or the Node version differ, raw times are "not comparable" and
not judged; the machine-normalised wall.normalisedPerEvent (wall ns per simulated event / ns per
iteration of a calibration loop) is judged on any machines, at --normalised-threshold.

Exit codes: 0 no exact change and no regression; 1 a noisy metric regressed; 2 bad input (missing
file, not JSON, another schema version, no runs, a bad option); 3 an exact metric changed or a run
is missing or new (3 wins over 1: it is a fact, a regression a judgement). --accept-exact-changes
turns 3 into 0 (or 1).`;

export const compareSpec: CommandSpec = {
  name: 'compare',
  summary: 'Compare a results.json with a baseline: exact metrics must match, wall-clock samples are tested for regressions.',
  positionals: [
    { name: 'baseline', required: true, describe: 'baseline results.json (e.g. reports/baselines/ci.json)' },
    { name: 'current', required: true, describe: 'current results.json (e.g. reports/ci/results.json)' },
  ],
  options: {
    threshold: {
      kind: 'number',
      min: 0,
      exclusive: true,
      hint: 'a relative change, 0.05 = 5%',
      default: DEFAULT_THRESHOLD,
      describe: 'relative change of the median raw wall time (same machine) that may count as a regression or improvement',
    },
    alpha: {
      kind: 'number',
      min: 0,
      max: 1,
      exclusive: true,
      hint: 'a probability',
      default: DEFAULT_ALPHA,
      describe: 'significance level of the two-sided Mann-Whitney U test on the wall-clock samples',
    },
    'normalised-threshold': {
      kind: 'number',
      min: 0,
      exclusive: true,
      hint: 'a relative change, 0.25 = 25%',
      default: DEFAULT_NORMALISED_THRESHOLD,
      describe: 'relative change of wall.normalisedPerEvent (judged across machines too) that may count',
    },
    correction: {
      kind: 'string',
      choices: P_ADJUST_METHODS,
      default: DEFAULT_CORRECTION,
      describe:
        'multiple-testing correction of the per-run Mann-Whitney tests over the runs: holm (family-wise error) or bh (false discovery rate)',
    },
    wall: {
      kind: 'boolean',
      default: true,
      describe:
        'judge the wall clock; --no-wall compares exact metrics only (CI against a committed baseline: the wall clock of another job is judged by pinbench ab)',
    },
    'accept-exact-changes': {
      kind: 'boolean',
      describe: 'report exact-metric changes and missing or new runs without failing (no exit 3)',
    },
    markdown: {
      kind: 'string',
      valueName: 'FILE',
      describe: 'also write the comparison as Markdown to FILE; it is appended to $GITHUB_STEP_SUMMARY whenever that is set',
    },
    html: {
      kind: 'string',
      valueName: 'DIR',
      describe: 'also write the HTML comparison report into directory DIR (DIR/index.html)',
    },
    quiet: { kind: 'boolean', short: 'q', describe: 'print only the one-line outcome, not the tables' },
  },
  epilogue: EPILOGUE,
  examples: [
    ['pinbench compare reports/baselines/ci.json reports/ci/results.json', 'exit 3 if an exact metric changed'],
    [
      'pinbench compare base.json new.json --markdown reports/ci/compare.md --html reports/ci/compare',
      'also write Markdown and HTML',
    ],
  ],
};

export function compareArgs(parsed: ParsedCommandLine): CompareArgs {
  const o = parsed.options;
  return {
    baseline: parsed.positionals.baseline as string,
    current: parsed.positionals.current as string,
    threshold: o.threshold as number,
    alpha: o.alpha as number,
    normalisedThreshold: o.normalisedThreshold as number,
    correction: o.correction as PAdjustMethod,
    wall: o.wall as boolean,
    acceptExactChanges: o.acceptExactChanges as boolean,
    markdown: o.markdown as string | undefined,
    html: o.html as string | undefined,
    quiet: o.quiet as boolean,
  };
}
