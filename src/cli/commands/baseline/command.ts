import type { Command, CommandGroup } from '../../command.js';
import { baselineUpdateArgs, baselineUpdateSpec } from './args.js';

/** `pinbench baseline update [SUITE]`: re-run a suite and rewrite its committed baseline. */
export const updateCommand: Command = {
  kind: 'command',
  spec: baselineUpdateSpec,
  run: async (parsed, context) => {
    const { runBaselineUpdate } = await import('./handler.js');
    return runBaselineUpdate(baselineUpdateArgs(parsed), context);
  },
};

/** `pinbench baseline ACTION`: manage the committed baselines that `compare` checks against. */
export const command: CommandGroup = {
  kind: 'group',
  name: 'baseline',
  summary: 'Manage the committed baselines (reports/baselines/SUITE.json) that `pinbench compare` checks against.',
  subcommands: [{ name: 'update', summary: baselineUpdateSpec.summary, load: () => Promise.resolve({ command: updateCommand }) }],
};
