import type { Command } from '../../command.js';
import { compareArgs, compareSpec } from './args.js';

/** `pinbench compare BASELINE CURRENT`: exit 0 fine, 1 noisy regression, 2 bad input, 3 exact change. */
export const command: Command = {
  kind: 'command',
  spec: compareSpec,
  run: async (parsed, { io }) => {
    const { runCompare } = await import('./handler.js');
    return runCompare(compareArgs(parsed), io);
  },
};
