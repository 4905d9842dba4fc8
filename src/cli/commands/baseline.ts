import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { EXIT_OK, type ExitCode } from '../exit-codes.js';
import { DEFAULT_BUDGET_MS, DEFAULT_MAX_SAMPLES } from '../run-defaults.js';

/** Suite `baseline update` runs when none is named. */
export const DEFAULT_BASELINE_SUITE = 'ci';
/** Directory of the committed baselines, one `SUITE.json` each. */
export const DEFAULT_BASELINE_DIR = 'reports/baselines';

/** Arguments of `pinbench baseline update`, after yargs. */
export interface BaselineUpdateArgs {
  suite: string;
  dir: string;
  workers: number;
  samples: number;
  budgetMs: number;
  checkDeterminism: boolean;
  quiet: boolean;
}

const UPDATE_EPILOGUE = `Runs SUITE (default: ${DEFAULT_BASELINE_SUITE}) as \`pinbench run\` does, by default with --check-
determinism, and only when every run succeeded writes it atomically to DIR/SUITE.json (default DIR:
${DEFAULT_BASELINE_DIR}). When a previous baseline exists, the exact changes against it are printed:
a deliberate change to the model updates the baseline in the same commit, and the commit message
says why each change is expected.

Exit codes: 0 baseline written; 1 a run failed (baseline unchanged); 2 bad input; 4 not
deterministic (baseline unchanged); 130 interrupted (baseline unchanged).`;

/** `pinbench baseline update [SUITE]`: re-run a suite and rewrite its committed baseline. */
export const baselineUpdateCommand: CommandModule<object, BaselineUpdateArgs> = {
  command: 'update [suite]',
  describe: `Run SUITE (default: ${DEFAULT_BASELINE_SUITE}) and rewrite ${DEFAULT_BASELINE_DIR}/SUITE.json`,
  builder: (yargs: Argv<object>) =>
    yargs
      .positional('suite', { type: 'string', default: DEFAULT_BASELINE_SUITE, describe: 'suite name (see `pinbench list suites`) or path to a suite module' })
      .option('dir', { type: 'string', default: DEFAULT_BASELINE_DIR, requiresArg: true, describe: 'directory of the baselines; receives SUITE.json' })
      .option('workers', {
        alias: 'w',
        type: 'number',
        default: availableParallelism(),
        defaultDescription: `available cores (${availableParallelism()})`,
        requiresArg: true,
        describe: 'worker threads of the piscina pool; 0 runs every run in this process',
      })
      .option('samples', { type: 'number', default: DEFAULT_MAX_SAMPLES, requiresArg: true, describe: 'most timed repetitions of each run (wall-clock samples)' })
      .option('budget-ms', { type: 'number', default: DEFAULT_BUDGET_MS, requiresArg: true, describe: 'stop repeating a run for wall-clock samples after this much wall time on it, ms' })
      .option('check-determinism', {
        type: 'boolean',
        default: true,
        describe: 'run every run twice (reverse order, fresh pool) and refuse a baseline whose exact metrics differ (--no-check-determinism to skip)',
      })
      .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no progress bar and no tables; errors and the path written only' })
      .epilogue(UPDATE_EPILOGUE)
      .example('$0 baseline update', `rewrite ${DEFAULT_BASELINE_DIR}/${DEFAULT_BASELINE_SUITE}.json`) as unknown as Argv<BaselineUpdateArgs>,
  handler: async (args) => {
    process.exitCode = await runBaselineUpdate(args);
  },
};

/** `pinbench baseline ACTION`: manage the committed baselines that `compare` checks against. */
export const baselineCommand: CommandModule = {
  command: 'baseline',
  describe: 'Manage the committed baselines (reports/baselines/SUITE.json) that `pinbench compare` checks against',
  builder: (yargs: Argv) => yargs.command(baselineUpdateCommand).demandCommand(1, 'name an action: update'),
  handler: () => {
    // Never reached: demandCommand and strict mode reject `baseline` without a known action (exit 2).
  },
};

export default baselineCommand;

/**
 * Run the suite through `pinbench run`'s own implementation into a scratch directory, then, only when it
 * exited 0, write the result set to DIR/SUITE.json (atomically, validated against the schema) and print
 * the exact changes against the previous baseline. Returns the exit code; bad input throws ConfigError.
 */
export async function runBaselineUpdate(args: BaselineUpdateArgs, write: (text: string) => void = (text) => process.stdout.write(text)): Promise<ExitCode> {
  const { checkOutDir } = await import('../out-dir.js');
  const dir = checkOutDir(args.dir, '--dir');
  const { runRunCommand } = await import('../run-handler.js');
  const { loadResultSet } = await import('../../report/index.js');
  const { writeResultSet } = await import('../../runner/results-file.js');

  const scratch = await mkdtemp(join(tmpdir(), 'pinbench-baseline-'));
  try {
    const code = await runRunCommand({
      suite: args.suite,
      workers: args.workers,
      out: scratch,
      json: false,
      quiet: args.quiet,
      samples: args.samples,
      budgetMs: args.budgetMs,
      checkDeterminism: args.checkDeterminism,
      strategyModule: [],
      report: false,
    });
    if (code !== EXIT_OK) {
      process.stderr.write(`pinbench: baseline not updated: the run of suite ${args.suite} exited ${code}\n`);
      return code;
    }
    const fresh = await loadResultSet(join(scratch, 'results.json'));
    const target = join(dir, `${fresh.suite}.json`);
    const previous = existsSync(target) ? await loadPrevious(target) : undefined;
    await writeResultSet(target, fresh);
    write(`baseline: ${target} (${fresh.runs.length} runs, suite ${fresh.suite})\n`);
    if (previous !== undefined && !args.quiet) {
      const { compareResultSets, comparisonOutcome, renderComparisonText } = await import('../../compare/index.js');
      const comparison = compareResultSets({ source: `${target} (previous)`, resultSet: previous }, { source: `${target} (new)`, resultSet: fresh });
      write('\nExact changes against the previous baseline (say why in the commit message):\n\n');
      write(renderComparisonText(comparison, comparisonOutcome(comparison), { wall: false }));
    }
    return EXIT_OK;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The previous baseline, or undefined (with a note) when it cannot be read: it is about to be replaced. */
async function loadPrevious(path: string) {
  const { loadResultSet } = await import('../../report/index.js');
  try {
    return await loadResultSet(path);
  } catch (error) {
    process.stderr.write(`pinbench: previous baseline ignored: ${(error as Error).message}\n`);
    return undefined;
  }
}
