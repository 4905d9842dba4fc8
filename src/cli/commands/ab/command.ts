import type { Command } from '../../command.js';
import { abArgs, abSpec } from './args.js';

/** `pinbench ab BASE HEAD`: interleaved A/B of two revisions; exit 0 fine, 1 regression, 2 bad input, 3 exact change. */
export const command: Command = {
  kind: 'command',
  spec: abSpec,
  run: async (parsed, context) => {
    const { runAbCommand } = await import('./handler.js');
    return runAbCommand(abArgs(parsed), context);
  },
};
