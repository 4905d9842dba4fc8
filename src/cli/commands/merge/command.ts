import type { Command } from '../../command.js';
import { mergeArgs, mergeSpec } from './args.js';

/** `pinbench merge PARTS... --out DIR`: join the parts of a sharded run. */
export const command: Command = {
  kind: 'command',
  spec: mergeSpec,
  run: async (parsed, { io }) => {
    const { runMergeCommand } = await import('./handler.js');
    return runMergeCommand(mergeArgs(parsed), io);
  },
};
