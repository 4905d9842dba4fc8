import { availableParallelism } from 'node:os';
import type { Argv, CommandModule } from 'yargs';
import { lastValue } from '../option-values.js';
import { withMatrixOptions } from '../matrix-options.js';
import { DEFAULT_BUDGET_MS, DEFAULT_MAX_SAMPLES, DEFAULT_MICRO_SAMPLES, DEFAULT_OUT_DIR } from '../run-defaults.js';

/** Arguments of `pinbench run`, after yargs (axis options stay raw strings until matrixFromArgs). */
export interface RunArgs {
  suite?: string;
  workers: unknown;
  out: string;
  json: boolean;
  quiet: boolean;
  /** Undefined: the default of the suite's kind. */
  samples?: unknown;
  budgetMs: unknown;
  checkDeterminism: boolean;
  strategyModule: string[];
  report: boolean;
  [axis: string]: unknown;
}

const EPILOGUE = `Without SUITE and without scenario options, runs the \`default\` suite. With scenario options and no SUITE,
runs that ad-hoc matrix (axes not given take the scenario's defaults; every registered strategy unless
--strategy). \`pinbench list suites\` lists the suites; SUITE may also be a path to a compiled suite module.

Every run's exact metrics (hypercalls, locks, preempt depth, faults, virtual throughput) are reproducible
from its parameters and seed, whatever --workers is. Wall-clock figures (durationMs, eventsPerSec,
normalisedPerEvent) are noisy: each run is repeated up to --samples times within --budget-ms.

Exit codes: 0 ok; 1 some run failed (the runs are named); 2 bad input, nothing written;
4 --check-determinism found a difference; 130 interrupted (finished runs written, partial: true).`;

/** `pinbench run [SUITE]`: run a suite or an ad-hoc matrix, write results.json, print a summary. */
export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run [suite]',
  describe: 'Run a benchmark suite (default: `default`) or an ad-hoc matrix; write OUT/results.json',
  builder: (yargs: Argv<object>) =>
    withMatrixOptions(
      yargs
        .positional('suite', { type: 'string', describe: 'suite name (see `pinbench list suites`) or path to a suite module' })
        .option('workers', { coerce: lastValue,
          alias: 'w',
          
          default: availableParallelism(),
          defaultDescription: `available cores (${availableParallelism()})`,
          requiresArg: true,
          describe: 'worker threads of the piscina pool; 0 runs every run in this process, one after another',
        })
        .option('out', { coerce: lastValue,
          alias: 'o',
          type: 'string',
          default: DEFAULT_OUT_DIR,
          requiresArg: true,
          describe: 'directory that receives results.json (and the HTML report); created if missing',
        })
        .option('json', { type: 'boolean', default: false, describe: 'print the result set as JSON on stdout instead of the summary table' })
        .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no progress bar and no summary; errors only' })
        .option('samples', { coerce: lastValue,
          
          defaultDescription: `${DEFAULT_MAX_SAMPLES}; micro suites ${DEFAULT_MICRO_SAMPLES}`,
          requiresArg: true,
          describe: 'most timed repetitions of each run (wall-clock samples, tinybench), the first included; for a micro suite, the samples of each task',
        })
        .option('budget-ms', { coerce: lastValue,
          
          default: DEFAULT_BUDGET_MS,
          requiresArg: true,
          describe: 'stop repeating a run for wall-clock samples once this much wall time is spent on it, ms',
        })
        .option('check-determinism', {
          type: 'boolean',
          default: false,
          describe: 'run every run a second time, in reverse order on a fresh pool, and exit 4 naming the run and metric if any exact metric differs',
        })
        .option('strategy-module', {
          type: 'string',
          array: true,
          default: [] as string[],
          requiresArg: true,
          describe: 'JavaScript module that registers strategies (calls registerStrategy or exports Strategy objects); repeatable; every worker imports it too',
        })
        .option('report', { type: 'boolean', default: true, describe: 'write the HTML report beside results.json (--no-report to skip)' })
        .epilogue(EPILOGUE)
        .example('$0 run', 'the default suite, on every core')
        .example('$0 run ci --workers 2 --out reports/ci', 'the ci suite')
        .example(
          '$0 run --strategy unlocked,per-pte-deferred --mode 4level --pte-pages 64,512,4096 --vcpus 1,4 --seed 1 --seeds 5',
          'an ad-hoc matrix of 2 x 3 x 2 x 5 = 60 runs',
        ),
    ) as unknown as Argv<RunArgs>,
  handler: async (args) => {
    // The implementation (and the model it imports) loads only when the command runs: --help stays fast.
    const { runRunCommand } = await import('../run-handler.js');
    process.exitCode = await runRunCommand(args);
  },
};

export default runCommand;
