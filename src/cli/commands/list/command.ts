import type { Command } from '../../command.js';
import { listArgs, listSpec } from './args.js';

/** `pinbench list [strategies|suites|profiles|scenarios]`: what can be run. */
export const command: Command = {
  kind: 'command',
  spec: listSpec,
  run: async (parsed, { io }) => {
    const { runListCommand } = await import('./handler.js');
    return runListCommand(listArgs(parsed), io);
  },
};
