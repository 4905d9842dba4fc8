import type { Argv, CommandModule } from 'yargs';
import { lastValue } from '../option-values.js';
import { withMatrixOptions } from '../matrix-options.js';

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
  workers: unknown;
  samples?: unknown;
  budgetMs?: unknown;
  strategyModule: string[];
  [axis: string]: unknown;
}

const EPILOGUE = `flame and doctor run \`pinbench run SUITE --workers 0\` under clinic.js (clinic cannot follow worker
threads, so everything runs in the main thread) and write clinic's HTML under OUT; no browser is opened.
cpuprofile runs \`node --cpu-prof\` with --workers N and writes one .cpuprofile per thread (the main thread
and each worker) under OUT/cpuprofile-TIMESTAMP/; open them in Chrome DevTools or speedscope.

The results of the profiled run go to OUT/results.json. Exit codes: 0 ok; 1 the profiler or a run failed;
2 bad input.`;

/** `pinbench profile [SUITE] --tool flame|doctor|cpuprofile`: profile the simulator itself. */
export const profileCommand: CommandModule<object, ProfileArgs> = {
  command: 'profile [suite]',
  describe: "Profile the simulator on a suite with clinic.js flame or doctor (in-process), or Node's --cpu-prof (covers workers)",
  builder: (yargs: Argv<object>) =>
    withMatrixOptions(
      yargs
        .positional('suite', {
          type: 'string',
          default: DEFAULT_PROFILE_SUITE,
          describe: 'suite name (see `pinbench list suites`) or path to a suite module',
        })
        .option('tool', {
          alias: 't',
          choices: PROFILE_TOOLS,
          default: 'flame' as ProfileTool,
          describe: 'flame: clinic flame graph; doctor: clinic doctor (event loop, GC, CPU); cpuprofile: V8 CPU profiles of every thread',
        })
        .option('out', { coerce: lastValue, alias: 'o', type: 'string', default: DEFAULT_PROFILE_OUT, requiresArg: true, describe: 'directory that receives the profile' })
        .option('workers', { coerce: lastValue,
          alias: 'w',
          
          default: 0,
          requiresArg: true,
          describe: 'worker threads, cpuprofile only (clinic needs 0: it cannot follow workers)',
        })
        .option('samples', { coerce: lastValue,  requiresArg: true, describe: 'as `run --samples` [default: as run]' })
        .option('budget-ms', { coerce: lastValue,  requiresArg: true, describe: 'as `run --budget-ms`, ms [default: as run]' })
        .option('strategy-module', {
          type: 'string',
          array: true,
          default: [] as string[],
          requiresArg: true,
          describe: 'as `run --strategy-module`; repeatable',
        })
        .epilogue(EPILOGUE)
        .example('$0 profile ci --tool flame', 'a flame graph of the ci suite: reports/profile/PID.clinic-flame.html')
        .example('$0 profile default --tool cpuprofile --workers 2', 'CPU profiles of the main thread and both workers'),
    ) as unknown as Argv<ProfileArgs>,
  handler: async (args) => {
    const { runProfileCommand } = await import('../profile-handler.js');
    process.exitCode = await runProfileCommand(args);
  },
};

export default profileCommand;
