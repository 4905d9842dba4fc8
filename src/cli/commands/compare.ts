import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { DEFAULT_ALPHA, DEFAULT_NORMALISED_THRESHOLD, DEFAULT_THRESHOLD } from '../../compare/options.js';
import type { ComparisonOutcome } from '../../compare/types.js';
import type { ResultSet } from '../../runner/types.js';
import { EXIT_EXACT_CHANGED, EXIT_OK, EXIT_RUN_FAILED, type ExitCode } from '../exit-codes.js';

/** Arguments of `pinbench compare`, after yargs. */
export interface CompareArgs {
  baseline: string;
  current: string;
  threshold?: number;
  alpha?: number;
  normalisedThreshold?: number;
  acceptExactChanges?: boolean;
  markdown?: string;
  html?: string;
  quiet?: boolean;
}

/** Where `runCompare` prints and which environment it reads ($GITHUB_STEP_SUMMARY); injectable for tests. */
export interface CompareIo {
  write: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

const EPILOGUE = `Runs are paired by their parameters (kind and params), not by position; runs present on one side
only are listed as missing or new.

Exact metrics (the model's counts and virtual times, every name under "metrics"): any difference is
a change, shown baseline -> current. Noisy metrics (the wall clock): the raw samples
(wall.samplesMs) are "regressed" only when the median grew by more than --threshold AND a two-sided
Mann-Whitney U test gives p < --alpha (the rule asv uses); "improved" symmetrically; otherwise
"within noise". When the CPU model or the Node version differ, raw times are "not comparable" and
not judged; the machine-normalised wall.normalisedPerEvent (wall ns per simulated event / ns per
iteration of a calibration loop) is judged on any machines, at --normalised-threshold.

Exit codes: 0 no exact change and no regression; 1 a noisy metric regressed; 2 bad input (missing
file, not JSON, another schema version, no runs, a bad option); 3 an exact metric changed or a run
is missing or new (3 wins over 1: it is a fact, a regression a judgement). --accept-exact-changes
turns 3 into 0 (or 1).`;

/** `pinbench compare BASELINE CURRENT`: exit 0 fine, 1 noisy regression, 2 bad input, 3 exact change. */
export const compareCommand: CommandModule<object, CompareArgs> = {
  command: 'compare <baseline> <current>',
  describe: 'Compare a results.json with a baseline: exact metrics must match, wall-clock samples are tested for regressions',
  builder: (yargs: Argv<object>) =>
    yargs
      .positional('baseline', { type: 'string', demandOption: true, describe: 'baseline results.json (e.g. reports/baselines/ci.json)' })
      .positional('current', { type: 'string', demandOption: true, describe: 'current results.json (e.g. reports/ci/results.json)' })
      .option('threshold', {
        type: 'number',
        default: DEFAULT_THRESHOLD,
        requiresArg: true,
        describe: 'relative change of the median raw wall time (same machine) that may count as a regression or improvement; 0.05 = 5%',
      })
      .option('alpha', {
        type: 'number',
        default: DEFAULT_ALPHA,
        requiresArg: true,
        describe: 'significance level of the two-sided Mann-Whitney U test on the wall-clock samples (0 < alpha < 1)',
      })
      .option('normalised-threshold', {
        type: 'number',
        default: DEFAULT_NORMALISED_THRESHOLD,
        requiresArg: true,
        describe: 'relative change of wall.normalisedPerEvent (judged across machines too) that may count; 0.25 = 25%',
      })
      .option('accept-exact-changes', {
        type: 'boolean',
        default: false,
        describe: 'report exact-metric changes and missing or new runs without failing (no exit 3)',
      })
      .option('markdown', {
        type: 'string',
        requiresArg: true,
        describe: 'also write the comparison as Markdown to FILE; it is appended to $GITHUB_STEP_SUMMARY whenever that is set',
      })
      .option('html', { type: 'string', requiresArg: true, describe: 'also write the HTML comparison report into directory DIR (DIR/index.html)' })
      .option('quiet', { type: 'boolean', default: false, describe: 'print only the one-line outcome, not the tables' })
      .epilogue(EPILOGUE)
      .example('$0 compare reports/baselines/ci.json reports/ci/results.json', 'exit 3 if an exact metric changed')
      .example('$0 compare base.json new.json --markdown reports/ci/compare.md --html reports/ci/compare', 'also write Markdown and HTML') as unknown as Argv<CompareArgs>,
  handler: async (args) => {
    process.exitCode = await runCompare(args);
  },
};

export default compareCommand;

/** Exit code of each comparison outcome (README "Exit codes"). */
const OUTCOME_EXIT_CODES: Readonly<Record<ComparisonOutcome, ExitCode>> = {
  ok: EXIT_OK,
  regressed: EXIT_RUN_FAILED,
  'exact-change': EXIT_EXACT_CHANGED,
};

/**
 * Load both result sets, compare, print the table, write the Markdown and HTML views, and return the exit code.
 * Bad input throws ConfigError (exit 2 in the CLI) before anything is written.
 */
export async function runCompare(args: CompareArgs, io: CompareIo = { write: (text) => process.stdout.write(text), env: process.env }): Promise<ExitCode> {
  // Lazy: the comparison and the report code load only when this command runs.
  const { compareResultSets, comparisonOutcome, renderComparisonMarkdown, renderComparisonText, resolveCompareOptions } = await import('../../compare/index.js');
  const options = resolveCompareOptions({ threshold: args.threshold, alpha: args.alpha, normalisedThreshold: args.normalisedThreshold });
  const { loadResultSet } = await import('../../report/index.js');
  const baseline = await loadResultSet(args.baseline);
  const current = await loadResultSet(args.current);

  const comparison = compareResultSets({ source: args.baseline, resultSet: baseline }, { source: args.current, resultSet: current }, options);
  const outcome = comparisonOutcome(comparison, { acceptExactChanges: args.acceptExactChanges ?? false });
  const exitCode = OUTCOME_EXIT_CODES[outcome];

  if (args.markdown !== undefined || io.env.GITHUB_STEP_SUMMARY) {
    const markdown = renderComparisonMarkdown(comparison, outcome);
    if (args.markdown !== undefined) {
      await mkdir(dirname(args.markdown), { recursive: true });
      await writeFile(args.markdown, markdown, 'utf8');
    }
    if (io.env.GITHUB_STEP_SUMMARY) await appendFile(io.env.GITHUB_STEP_SUMMARY, markdown + '\n', 'utf8');
  }
  if (args.html !== undefined) await writeHtml(baseline, current, args.html);

  if (args.quiet) io.write(`${renderComparisonText(comparison, outcome).trimEnd().split('\n').at(-1)} (exit ${exitCode})\n`);
  else io.write(`${renderComparisonText(comparison, outcome).trimEnd()} (exit ${exitCode})\n`);
  if (args.markdown !== undefined) io.write(`markdown: ${args.markdown}\n`);
  if (args.html !== undefined) io.write(`html: ${args.html}/index.html\n`);
  return exitCode;
}

async function writeHtml(baseline: ResultSet, current: ResultSet, outDir: string): Promise<void> {
  const { writeComparisonReport } = await import('../../report/index.js');
  await writeComparisonReport(baseline, current, outDir);
}
