import { appendFile } from 'node:fs/promises';
import { compareResultSets } from '../../../compare/compare-result-sets.js';
import { resolveCompareOptions } from '../../../compare/options.js';
import { comparisonOutcome } from '../../../compare/outcome.js';
import { renderComparisonMarkdown } from '../../../compare/render-markdown.js';
import { comparisonTables } from '../../../compare/comparison-tables.js';
import { renderComparisonText } from '../../../compare/render-text.js';
import { pairingHint } from '../../../compare/suite-hint.js';
import type { Comparison, ComparisonOutcome } from '../../../compare/types.js';
import { loadResultSet } from '../../../results/load.js';
import type { ResultSet } from '../../../results/types.js';
import { writeFileAtomic } from '../../../shared/write-file-atomic.js';
import { EXIT_EXACT_CHANGED, EXIT_OK, EXIT_RUN_FAILED, type ExitCode } from '../../errors.js';
import type { Io } from '../../io.js';
import { checkOutDir, checkOutFile } from '../../out-dir.js';
import type { CompareArgs } from './args.js';

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
export async function runCompare(args: CompareArgs, io: Io): Promise<ExitCode> {
  const options = resolveCompareOptions({
    threshold: args.threshold,
    alpha: args.alpha,
    normalisedThreshold: args.normalisedThreshold,
    correction: args.correction,
    wall: args.wall,
  });
  const baseline = await loadResultSet(args.baseline);
  const current = await loadResultSet(args.current);
  // Every output path is checked before anything is written.
  if (args.markdown !== undefined) checkOutFile(args.markdown, '--markdown');
  if (args.html !== undefined) checkOutDir(args.html, '--html', ['index.html', 'plotly.js']);

  const comparison = compareResultSets(
    { source: args.baseline, resultSet: baseline },
    { source: args.current, resultSet: current },
    options,
  );
  const outcome = comparisonOutcome(comparison, { acceptExactChanges: args.acceptExactChanges ?? false });
  const exitCode = OUTCOME_EXIT_CODES[outcome];

  if (args.markdown !== undefined || io.env.GITHUB_STEP_SUMMARY) {
    const markdown = renderComparisonMarkdown(comparison, outcome);
    if (args.markdown !== undefined) await writeFileAtomic(args.markdown, markdown);
    if (io.env.GITHUB_STEP_SUMMARY) await appendFile(io.env.GITHUB_STEP_SUMMARY, markdown + '\n', 'utf8');
  }
  const hint = pairingHint(comparison);
  if (args.html !== undefined) await writeHtml(baseline, current, args.html, comparison, hint);

  const text = renderComparisonText(comparison, outcome, { wall: args.wall }).trimEnd();
  if (hint !== undefined && !args.quiet) io.stdout(`Note: ${hint}.\n\n`);
  io.stdout(`${args.quiet ? (text.split('\n').at(-1) ?? '') : text} (exit ${exitCode})\n`);
  if (args.markdown !== undefined) io.stdout(`markdown: ${args.markdown}\n`);
  if (args.html !== undefined) io.stdout(`html: ${args.html}/index.html\n`);
  return exitCode;
}

/**
 * The HTML comparison, with the verdicts the terminal shows: the wall-clock table judged by compare's rule (the
 * page's own ratios are only geometric means), and the pairing hint.
 */
async function writeHtml(
  baseline: ResultSet,
  current: ResultSet,
  outDir: string,
  comparison: Comparison,
  hint: string | undefined,
): Promise<void> {
  // Lazy: the report's code loads only when --html asks for it.
  const { writeComparisonReport } = await import('../../../report/write.js');
  const { noisy, notJudged } = comparisonTables(comparison);
  const { threshold, alpha, normalisedThreshold } = comparison.options;
  await writeComparisonReport(baseline, current, outDir, {
    verdicts: {
      caption:
        `Wall clock, judged as pinbench compare judges it: regressed or improved when the median moved by more than ` +
        `${(threshold * 100).toFixed(0)}% (normalised: ${(normalisedThreshold * 100).toFixed(0)}%) and the Mann-Whitney U test gives p < ${alpha}.`,
      headers: noisy.headers,
      rows: noisy.rows,
      omitted: noisy.omitted,
      notJudged,
      ...(hint === undefined ? {} : { hint }),
    },
  });
}
