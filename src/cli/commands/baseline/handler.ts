import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareResultSets } from '../../../compare/compare-result-sets.js';
import { comparisonOutcome } from '../../../compare/outcome.js';
import { renderComparisonText } from '../../../compare/render-text.js';
import { loadResultSet } from '../../../results/load.js';
import type { ResultSet } from '../../../results/types.js';
import { writeResultSet } from '../../../results/write.js';
import type { CommandContext } from '../../command.js';
import { EXIT_OK, type ExitCode } from '../../errors.js';
import type { Io } from '../../io.js';
import { checkOutDir } from '../../out-dir.js';
import { runRunCommand } from '../run/handler.js';
import type { BaselineUpdateArgs } from './args.js';

/**
 * Run the suite through `pinbench run`'s own implementation into a scratch directory, then, only when it
 * exited 0, write the result set to DIR/SUITE.json (atomically, validated against the schema) and print
 * the exact changes against the previous baseline. Returns the exit code; bad input throws ConfigError.
 */
export async function runBaselineUpdate(args: BaselineUpdateArgs, context: CommandContext): Promise<ExitCode> {
  const { io } = context;
  const write = io.stdout;
  // A suite named by a path is named by its module: its file name is known only after the run.
  const dir = checkOutDir(args.dir, '--dir', /[\\/]|\.[cm]?js$/.test(args.suite) ? [] : [`${args.suite}.json`]);

  const scratch = await mkdtemp(join(tmpdir(), 'pinbench-baseline-'));
  try {
    const code = await runRunCommand(
      {
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
        limits: args.limits,
        maxRuns: args.maxRuns,
        options: {},
      },
      context,
    );
    if (code !== EXIT_OK) {
      io.stderr(`pinbench: baseline not updated: the run of suite ${args.suite} exited ${code}\n`);
      return code;
    }
    const fresh = await loadResultSet(join(scratch, 'results.json'));
    const target = join(dir, `${fresh.suite}.json`);
    const previous = existsSync(target) ? await loadPrevious(target, io) : undefined;
    await writeResultSet(target, fresh);
    write(`baseline: ${target} (${fresh.runs.length} runs, suite ${fresh.suite})\n`);
    if (fresh.tool.dirty === true) {
      io.stderr(
        `pinbench: note: pinbench's working tree has uncommitted changes; the baseline records it (tool.dirty: true) and describes no commit\n`,
      );
    }
    if (previous !== undefined && !args.quiet) {
      const comparison = compareResultSets(
        { source: `${target} (previous)`, resultSet: previous },
        { source: `${target} (new)`, resultSet: fresh },
      );
      write('\nExact changes against the previous baseline (say why in the commit message):\n\n');
      write(renderComparisonText(comparison, comparisonOutcome(comparison), { wall: false }));
    }
    return EXIT_OK;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The previous baseline, or undefined (with a note) when it cannot be read: it is about to be replaced. */
async function loadPrevious(path: string, io: Io): Promise<ResultSet | undefined> {
  try {
    return await loadResultSet(path);
  } catch (error) {
    io.stderr(`pinbench: previous baseline ignored: ${(error as Error).message}\n`);
    return undefined;
  }
}
