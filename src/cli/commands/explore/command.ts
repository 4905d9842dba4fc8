import type { Command } from '../../command.js';
import { exploreArgs, exploreSpec } from './args.js';

/** `pinbench explore`: every schedule of a small configuration up to a preemption bound; counterexamples. */
export const command: Command = {
  kind: 'command',
  spec: exploreSpec,
  run: async (parsed, context) => {
    // The search and the model load only when the command runs.
    const { runExploreCommand } = await import('./handler.js');
    return runExploreCommand(exploreArgs(parsed), context);
  },
};
