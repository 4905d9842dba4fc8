import { availableParallelism } from 'node:os';
import { matrixOptions } from '../../matrix-options.js';
import type { CommandSpec, ParsedCommandLine } from '../../options.js';
import { DEFAULT_BUDGET_MS, DEFAULT_MAX_SAMPLES, DEFAULT_MICRO_SAMPLES, DEFAULT_OUT_DIR } from '../../run-defaults.js';

/** Arguments of `pinbench run`. The scenario options stay as typed until matrixFromArgs checks them. */
export interface RunArgs {
  suite?: string;
  workers: number;
  out: string;
  json: boolean;
  quiet: boolean;
  /** Undefined: the default of the suite's kind. */
  samples?: number;
  budgetMs: number;
  checkDeterminism: boolean;
  strategyModule: string[];
  report: boolean;
  /** Every option by camelCase name, the scenario axes included. */
  options: ParsedCommandLine['options'];
}

export const RUN_EPILOGUE = `Without SUITE and without scenario options, runs the \`default\` suite. With scenario options and no SUITE,
runs that ad-hoc matrix (axes not given take the scenario's defaults; every registered strategy unless
--strategy). \`pinbench list suites\` lists the suites; SUITE may also be a path to a compiled suite module.

Every run's exact metrics (hypercalls, locks, preempt depth, faults, virtual throughput) are reproducible
from its parameters and seed, whatever --workers is. Wall-clock figures (durationMs, eventsPerSec,
normalisedPerEvent) are noisy: each run is warmed up, then timed once per round of the pass (its samples
spread over the whole job, kept in time order), at least 5 times and up to --samples while its samples fit
in --budget-ms; each sample is divided by a calibration loop timed just before it.

Exit codes: 0 ok; 1 some run failed (the runs are named); 2 bad input, nothing written;
4 --check-determinism found a difference; 130 interrupted (finished runs written, partial: true).`;

export const runSpec: CommandSpec = {
  name: 'run',
  summary: 'Run a benchmark suite (default: `default`) or an ad-hoc matrix; write OUT/results.json and OUT/index.html.',
  positionals: [{ name: 'suite', describe: 'suite name (see `pinbench list suites`) or path to a suite module' }],
  options: {
    workers: {
      kind: 'integer',
      short: 'w',
      min: 0,
      hint: '0 runs in-process',
      default: availableParallelism(),
      defaultDescription: `available cores (${availableParallelism()})`,
      describe: 'worker threads of the piscina pool; 0 runs every run in this process, one after another',
    },
    out: {
      kind: 'string',
      valueName: 'DIR',
      short: 'o',
      default: DEFAULT_OUT_DIR,
      describe: 'directory that receives results.json (and the HTML report); created if missing',
    },
    json: { kind: 'boolean', describe: 'print the result set as JSON on stdout instead of the summary table' },
    quiet: { kind: 'boolean', short: 'q', describe: 'no progress bar and no summary; errors only' },
    samples: {
      kind: 'integer',
      min: 1,
      defaultDescription: `${DEFAULT_MAX_SAMPLES}; micro suites ${DEFAULT_MICRO_SAMPLES}`,
      describe:
        'most wall-clock samples of each run, one per round of the pass (at least 5, or this many when fewer; 1: the metrics run itself, cold, no warm-up); for a micro suite, the tinybench samples of each task',
    },
    'budget-ms': {
      kind: 'number',
      min: 0,
      hint: 'milliseconds',
      default: DEFAULT_BUDGET_MS,
      describe: 'samples of a run beyond the fifth only while all its samples fit in this much wall time, ms',
    },
    'check-determinism': {
      kind: 'boolean',
      describe:
        'run every run a second time, in reverse order on a fresh pool, and exit 4 naming the run and metric if any exact metric differs',
    },
    'strategy-module': {
      kind: 'strings',
      valueName: 'FILE',
      describe:
        'JavaScript module that registers strategies (calls registerStrategy or exports Strategy objects); repeatable; every worker imports it too',
    },
    report: { kind: 'boolean', default: true, describe: 'write the HTML report beside results.json' },
    ...matrixOptions(),
  },
  epilogue: RUN_EPILOGUE,
  examples: [
    ['pinbench run', 'the default suite, on every core'],
    ['pinbench run ci --workers 2 --out reports/ci', 'the ci suite'],
    [
      'pinbench run --strategy unlocked,per-pte-deferred --mode 4level --pte-pages 64,512,4096 --vcpus 1,4 --seed 1 --seeds 5',
      'an ad-hoc matrix of 2 x 3 x 2 x 5 = 60 runs',
    ],
  ],
};

/** Typed arguments of `pinbench run`. */
export function runArgs(parsed: ParsedCommandLine): RunArgs {
  const o = parsed.options;
  return {
    suite: parsed.positionals.suite as string | undefined,
    workers: o.workers as number,
    out: o.out as string,
    json: o.json as boolean,
    quiet: o.quiet as boolean,
    samples: o.samples as number | undefined,
    budgetMs: o.budgetMs as number,
    checkDeterminism: o.checkDeterminism as boolean,
    strategyModule: o.strategyModule as string[],
    report: o.report as boolean,
    options: o,
  };
}
