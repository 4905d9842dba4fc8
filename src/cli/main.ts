#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import yargs, { type CommandModule } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { baselineCommand } from './commands/baseline.js';
import { compareCommand } from './commands/compare.js';
import { listCommand } from './commands/list.js';
import { profileCommand } from './commands/profile.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { reportError, UsageError } from './handle-errors.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

// Commands, one module each (Nx style). Each handler sets process.exitCode from its outcome; errors
// thrown by a handler reach reportError below, the one place that maps errors to exit codes.
const COMMANDS: ReadonlyArray<CommandModule<any, any>> = [
  runCommand,
  listCommand,
  reportCommand,
  compareCommand,
  baselineCommand,
  profileCommand,
];

const EPILOGUE = `Exit codes: 0 ok; 1 a run failed (or compare found a regression); 2 bad input, nothing written;
3 an exact metric changed (compare); 4 --check-determinism found a difference; 130 interrupted (Ctrl-C).
Run \`pinbench COMMAND --help\` for the options of a command.`;

/**
 * One line from a yargs parse message: multi-line ones ("Invalid values:\n  Argument: ...") are joined, and
 * "Unknown arguments: pte-page, ptePage" loses the camel-case twin yargs adds for every option.
 */
function usageMessage(message: string): string {
  const line = message.replace(/\s*\n\s*/g, ' ');
  const unknown = /^Unknown arguments?: (.*)$/.exec(line);
  if (unknown === null) return line;
  const names = unknown[1].split(', ');
  const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const kept = names.filter((name) => kebab(name) === name || !names.includes(kebab(name)));
  return `Unknown argument${kept.length === 1 ? '' : 's'}: ${kept.join(', ')} (see --help for the options)`;
}

/** Parse `argv` (without node and the script) and run the command. Resolves when the command is done. */
export async function main(argv: string[]): Promise<void> {
  const parser = yargs(argv)
    .scriptName('pinbench')
    .usage('$0 COMMAND [options]\n\nBenchmark pagetable pinning strategies of a Xen PV Linux guest on a deterministic model.')
    .version(VERSION)
    .alias('h', 'help')
    .alias('V', 'version')
    .strict()
    .demandCommand(1, 'name a command: run, list, profile, report, compare or baseline')
    .recommendCommands()
    .epilogue(EPILOGUE)
    .wrap(Math.min(110, process.stdout.columns || 110))
    .exitProcess(false)
    .fail((message, error) => {
      // yargs calls this for its own parse errors (message, no error) and for errors thrown by handlers.
      throw error ?? new UsageError(usageMessage(message));
    });
  for (const command of COMMANDS) parser.command(command);
  try {
    await parser.parseAsync();
  } catch (error) {
    reportError(error);
  }
}

await main(hideBin(process.argv));
