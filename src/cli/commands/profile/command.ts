import type { Command } from '../../command.js';
import { profileArgs, profileSpec } from './args.js';

/** `pinbench profile [SUITE] --tool flame|doctor|cpuprofile`: profile the simulator itself. */
export const command: Command = {
  kind: 'command',
  spec: profileSpec,
  run: async (parsed, { io }) => {
    // clinic is resolved only here, when the profile command runs.
    const { runProfileCommand } = await import('./handler.js');
    return runProfileCommand(profileArgs(parsed), io);
  },
};
