import type { Command } from '../../command.js';
import { reportArgs, reportSpec } from './args.js';

/** `pinbench report RESULTS.json [MORE.json ...] --out DIR`: render result sets as an HTML report. */
export const command: Command = {
  kind: 'command',
  spec: reportSpec,
  run: async (parsed, { io }) => {
    const { runReportCommand } = await import('./handler.js');
    return runReportCommand(reportArgs(parsed), io);
  },
};
