import type { Command } from '../../command.js';
import { runArgs, runSpec } from './args.js';

/** `pinbench run [SUITE]`: run a suite or an ad-hoc matrix, write results.json, print a summary. */
export const command: Command = {
  kind: 'command',
  spec: runSpec,
  run: async (parsed, context) => {
    // The implementation (and the model it imports) loads only when the command runs.
    const { runRunCommand } = await import('./handler.js');
    return runRunCommand(runArgs(parsed), context);
  },
};
