import { availableParallelism } from 'node:os';
import { matrixOptions } from '../../matrix-options.js';
import type { CommandSpec, ParsedCommandLine } from '../../options.js';
import { DEFAULT_LIMITS, type RunLimits } from '../../../runner/limits.js';
import { MAX_SHARDS } from '../../../runner/shard.js';
import { DEFAULT_TRACE_MAX_MB, MAX_TRACE_BYTES } from '../../../runner/trace-files.js';
import {
  DEFAULT_BUDGET_MS,
  DEFAULT_MAX_RUNS,
  DEFAULT_MAX_SAMPLES,
  DEFAULT_MICRO_SAMPLES,
  DEFAULT_OUT_DIR,
  MAX_WORKERS_PER_CORE,
} from '../../run-defaults.js';

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
  /** Per-run limits (--max-events, --max-virtual-ns, --max-wall-ms). */
  limits: RunLimits;
  /** Most runs a matrix may expand to (--max-runs). */
  maxRuns: number;
  /** `--shard i/n` as typed: run only that part of the plan. */
  shard?: string;
  /** `--trace DIR`: write one Chrome trace per run there. */
  trace?: string;
  /** Most MiB of all traces of the matrix (--trace-max-mb). */
  traceMaxMb?: number;
  /** Every option by camelCase name, the scenario axes included. */
  options: ParsedCommandLine['options'];
}

const SCALE_GROUP = 'Sharding and traces:';

const LIMITS_GROUP =
  'Limits (a run that reaches one becomes an error entry naming it; the matrix size is checked before anything runs):';

/** The limit options, shared by run, profile and baseline update. */
export const LIMIT_OPTIONS: CommandSpec['options'] = {
  'max-events': {
    kind: 'integer',
    min: 1,
    default: DEFAULT_LIMITS.maxEvents,
    hint: 'simulated events',
    group: LIMITS_GROUP,
    describe: 'most simulated events (engine steps) of one run',
  },
  'max-virtual-ns': {
    kind: 'number',
    min: 0,
    exclusive: true,
    default: DEFAULT_LIMITS.maxVirtualNs,
    hint: 'virtual nanoseconds',
    group: LIMITS_GROUP,
    describe: 'most virtual time of one run, ns (the default is one virtual hour)',
  },
  'max-wall-ms': {
    kind: 'number',
    min: 0,
    exclusive: true,
    default: DEFAULT_LIMITS.maxWallMs,
    hint: 'milliseconds',
    group: LIMITS_GROUP,
    describe: 'most wall time of one run of the model, ms (in a pool, a run stuck inside one step is stopped with its worker)',
  },
  'max-runs': {
    kind: 'integer',
    min: 1,
    default: DEFAULT_MAX_RUNS,
    hint: 'runs',
    group: LIMITS_GROUP,
    describe: 'refuse a matrix that expands to more runs than this (counted before anything is built)',
  },
};

/** --workers: from 0 (in-process) to a few threads per core; more only share the same cores. */
export function workersOption(describe: string, dflt: number, defaultDescription?: string): CommandSpec['options'][string] {
  return {
    kind: 'integer',
    short: 'w',
    min: 0,
    max: MAX_WORKERS_PER_CORE * availableParallelism(),
    hint: `0 runs in-process; at most ${MAX_WORKERS_PER_CORE} per core`,
    default: dflt,
    ...(defaultDescription === undefined ? {} : { defaultDescription }),
    describe,
  };
}

/** The limits as given. */
export function limitsFromArgs(o: ParsedCommandLine['options']): RunLimits {
  return { maxEvents: o.maxEvents as number, maxVirtualNs: o.maxVirtualNs as number, maxWallMs: o.maxWallMs as number };
}

export const RUN_EPILOGUE = `Without SUITE and without scenario options, runs the \`default\` suite. With scenario options and no SUITE,
runs that ad-hoc matrix (axes not given take the scenario's defaults; every registered strategy unless
--strategy). \`pinbench list suites\` lists the suites; SUITE may also be a path to a compiled suite module.

Every run's exact metrics (hypercalls, locks, preempt depth, faults, virtual throughput) are reproducible
from its parameters and seed, whatever --workers is. Wall-clock figures (durationMs, eventsPerSec,
normalisedPerEvent) are noisy: each run is warmed up, then timed once per round of the pass (its samples
spread over the whole job, kept in time order), at least 5 times and up to --samples while its samples fit
in --budget-ms; each sample is divided by a calibration loop timed just before it.

A run that completes but is not a result is "invalid": a hypercall failed, an end-of-run invariant broke, or a
strategy that claims to be race-free let a write-protect fault through. It is kept with its metrics, marked in
every table and chart, never ranked with correct runs, and the command exits 1.

Exit codes: 0 ok; 1 some run failed or is invalid (the runs are named); 2 bad input, nothing written;
4 --check-determinism found a difference; 130 Ctrl-C, 143 SIGTERM, 129 SIGHUP (finished runs written, partial: true).`;

export const runSpec: CommandSpec = {
  name: 'run',
  summary: 'Run a benchmark suite (default: `default`) or an ad-hoc matrix; write OUT/results.json and OUT/index.html.',
  positionals: [{ name: 'suite', describe: 'suite name (see `pinbench list suites`) or path to a suite module' }],
  options: {
    workers: workersOption(
      'worker threads of the piscina pool; 0 runs every run in this process, one after another',
      availableParallelism(),
      `available cores (${availableParallelism()})`,
    ),
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
    shard: {
      kind: 'string',
      valueName: 'i/n',
      group: SCALE_GROUP,
      describe: `run only part i of n of the plan (1 <= i <= n <= ${MAX_SHARDS}), as one job of a CI matrix; every machine cuts the plan the same way, balanced by estimated cost, and the part is recorded in results.json for \`pinbench merge\``,
    },
    trace: {
      kind: 'string',
      valueName: 'DIR',
      group: SCALE_GROUP,
      describe:
        'write a Chrome trace-event file of each run into DIR (for Perfetto, chrome://tracing or speedscope): one track per vCPU, lock tracks, preempt and batch counters, in virtual ns; the report links them',
    },
    'trace-max-mb': {
      kind: 'number',
      min: 0,
      exclusive: true,
      default: DEFAULT_TRACE_MAX_MB,
      hint: 'MiB',
      group: SCALE_GROUP,
      describe: `refuse --trace when the matrix's traces would take more than this, MiB (estimated before anything runs; one trace may take at most ${MAX_TRACE_BYTES / 2 ** 20} MiB, what a viewer can open)`,
    },
    ...LIMIT_OPTIONS,
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
    [
      'pinbench run contention --shard 2/4 --out parts/2',
      'the second of four parts of a suite (then: pinbench merge parts/*/results.json)',
    ],
    ['pinbench run --strategy unlocked --vcpus 3 --pte-pages 16 --trace traces', 'a trace of each run, for Perfetto'],
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
    limits: limitsFromArgs(o),
    maxRuns: o.maxRuns as number,
    shard: o.shard as string | undefined,
    trace: o.trace as string | undefined,
    traceMaxMb: o.traceMaxMb as number,
    options: o,
  };
}
