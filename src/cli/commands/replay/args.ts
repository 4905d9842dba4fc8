import type { CommandSpec, ParsedCommandLine } from '../../options.js';

/** Arguments of `pinbench replay`. */
export interface ReplayArgs {
  file: string;
  json: boolean;
  /** Write the Chrome trace of the replay here, or not at all. */
  trace: string | undefined;
  /** Write an HTML page with the timeline into this directory, or not at all. */
  html: string | undefined;
  strategyModule: string[];
}

export const REPLAY_EPILOGUE = `Runs exactly the schedule in FILE (a NAME.schedule.json that \`pinbench explore\` wrote): each step by the vCPU
it names, each writer's choice of PTE page as recorded, on the model of this pinbench. It prints the schedule as a
trace, one line per step: the vCPU (> marks a preemption), what it did (the lock, the batch and its entry, the
frame, the store's outcome), the locks held and every PTE page's state after it (RW, RO, RO+L1 validated, RO+L1?
being validated, P pinned by Xen); then whether the violation shows again.

Exit codes: 5 the schedule shows its violation again; 0 it does not (the schedule runs without it, or it no longer
applies to this model: the line says at which step); 2 bad input (no such file, not a schedule, an unknown strategy:
load it with --strategy-module).`;

export const replaySpec: CommandSpec = {
  name: 'replay',
  summary: 'Run a schedule file written by explore again and print it step by step; exit 5 when its violation shows again.',
  positionals: [{ name: 'file', describe: 'a schedule file (OUT/NAME.schedule.json of pinbench explore)', required: true }],
  options: {
    json: { kind: 'boolean', describe: 'print the replay as JSON (every step, the violation) instead of the trace' },
    trace: {
      kind: 'string',
      valueName: 'FILE',
      describe: 'also write the replay as a Chrome trace (JSON) for Perfetto or chrome://tracing',
    },
    html: {
      kind: 'string',
      valueName: 'DIR',
      describe: 'also write DIR/index.html: the schedule as a timeline, one lane per vCPU',
    },
    'strategy-module': {
      kind: 'strings',
      valueName: 'FILE',
      describe: "JavaScript module that registers the schedule's strategy (as `run --strategy-module`); repeatable",
    },
  },
  epilogue: REPLAY_EPILOGUE,
  examples: [
    ['pinbench replay reports/explore/unlocked.schedule.json', 'the shortest schedule that makes unlocked fault'],
    ['pinbench replay reports/explore/unlocked.schedule.json --html reports/replay', 'and its timeline'],
  ],
};

/** Typed arguments of `pinbench replay`. */
export function replayArgs(parsed: ParsedCommandLine): ReplayArgs {
  const o = parsed.options;
  return {
    file: parsed.positionals.file as string,
    json: o.json as boolean,
    trace: o.trace as string | undefined,
    html: o.html as string | undefined,
    strategyModule: o.strategyModule as string[],
  };
}
