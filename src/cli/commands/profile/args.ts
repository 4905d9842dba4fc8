import type { RunLimits } from '../../../runner/limits.js';
import { matrixOptions } from '../../matrix-options.js';
import type { CommandSpec, ParsedCommandLine } from '../../options.js';
import { LIMIT_OPTIONS, limitsFromArgs, workersOption } from '../run/args.js';

/** Profilers `pinbench profile` can drive. */
export const PROFILE_TOOLS = ['flame', 'doctor', 'cpuprofile'] as const;
export type ProfileTool = (typeof PROFILE_TOOLS)[number];

/** Default suite of `pinbench profile`: small enough that a profile is quick to collect and to read. */
export const DEFAULT_PROFILE_SUITE = 'ci';
/** Default `--out` of `pinbench profile`. */
export const DEFAULT_PROFILE_OUT = 'reports/profile';

/** Arguments of `pinbench profile`. */
export interface ProfileArgs {
  suite: string;
  tool: ProfileTool;
  out: string;
  workers: number;
  samples?: number;
  budgetMs?: number;
  strategyModule: string[];
  limits: RunLimits;
  maxRuns: number;
  /** Every option by camelCase name, the scenario axes included (as typed). */
  options: ParsedCommandLine['options'];
}

const EPILOGUE = `flame and doctor run \`pinbench run SUITE --workers 0\` under clinic.js (clinic cannot follow worker
threads, so everything runs in the main thread) and write clinic's HTML under OUT; no browser is opened.
cpuprofile runs \`node --cpu-prof\` with --workers N and writes one .cpuprofile per thread (the main thread
and each worker) under OUT/cpuprofile-TIMESTAMP/; open them in Chrome DevTools or speedscope.

The results of the profiled run go to OUT/results.json; the profilers' scratch files (V8 logs) stay in a
scratch directory under OUT, removed at the end, never in the current directory. clinic's HTML is rewritten so
that it fetches no web font: it opens offline. Ctrl-C (or SIGTERM, SIGHUP) stops the profiler and every process it
started; a second one kills them at once.

Exit codes: 0 ok; 1 the profiler failed, or a profiled run failed or is invalid (results.json says which);
2 bad input; 130, 143, 129 stopped by SIGINT, SIGTERM, SIGHUP.`;

export const profileSpec: CommandSpec = {
  name: 'profile',
  summary: "Profile the simulator on a suite with clinic.js flame or doctor (in-process), or Node's --cpu-prof (covers workers).",
  positionals: [
    {
      name: 'suite',
      describe: `suite name (see \`pinbench list suites\`) or path to a suite module [default: ${DEFAULT_PROFILE_SUITE}]`,
    },
  ],
  options: {
    tool: {
      kind: 'string',
      valueName: 'TOOL',
      short: 't',
      choices: PROFILE_TOOLS,
      default: 'flame',
      describe:
        'flame: clinic flame graph; doctor: clinic doctor (event loop, GC, CPU); cpuprofile: V8 CPU profiles of every thread',
    },
    out: {
      kind: 'string',
      valueName: 'DIR',
      short: 'o',
      default: DEFAULT_PROFILE_OUT,
      describe: 'directory that receives the profile',
    },
    workers: workersOption('worker threads, cpuprofile only (clinic needs 0: it cannot follow workers)', 0),
    samples: { kind: 'integer', min: 1, defaultDescription: 'as run', describe: 'as `run --samples`' },
    'budget-ms': { kind: 'number', min: 0, defaultDescription: 'as run', describe: 'as `run --budget-ms`, ms' },
    'strategy-module': { kind: 'strings', valueName: 'FILE', describe: 'as `run --strategy-module`; repeatable' },
    ...LIMIT_OPTIONS,
    ...matrixOptions(),
  },
  epilogue: EPILOGUE,
  examples: [
    ['pinbench profile ci --tool flame', 'a flame graph of the ci suite: reports/profile/PID.clinic-flame.html'],
    ['pinbench profile default --tool cpuprofile --workers 2', 'CPU profiles of the main thread and both workers'],
  ],
};

export function profileArgs(parsed: ParsedCommandLine): ProfileArgs {
  const o = parsed.options;
  return {
    suite: (parsed.positionals.suite as string | undefined) ?? DEFAULT_PROFILE_SUITE,
    tool: o.tool as ProfileTool,
    out: o.out as string,
    workers: o.workers as number,
    samples: o.samples as number | undefined,
    budgetMs: o.budgetMs as number | undefined,
    strategyModule: o.strategyModule as string[],
    limits: limitsFromArgs(o),
    maxRuns: o.maxRuns as number,
    options: o,
  };
}
