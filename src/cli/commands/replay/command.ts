import type { Command } from '../../command.js';
import { replayArgs, replaySpec } from './args.js';

/** `pinbench replay FILE`: run a counterexample's schedule again, step by step. */
export const command: Command = {
  kind: 'command',
  spec: replaySpec,
  run: async (parsed, { io }) => {
    const { runReplayCommand } = await import('./handler.js');
    return runReplayCommand(replayArgs(parsed), io);
  },
};
