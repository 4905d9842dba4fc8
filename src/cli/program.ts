import { readFileSync } from 'node:fs';
import type { Command, CommandEntry, CommandGroup } from './command.js';
import { COMMANDS } from './commands/index.js';
import { EXIT_CODES_HELP, EXIT_OK, Errors, exitCodeFor, formatError, type ExitCode } from './errors.js';
import { processIo, type Io } from './io.js';

/** pinbench's version, from its package.json (this file is dist/src/cli/program.js). */
export function version(): string {
  return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** Help width: the terminal's, at most 110 columns. */
function helpWidth(): number {
  return Math.min(110, process.stdout.columns || 100);
}

/** `pinbench --help`, or the help of a command group, rendered by yargs (loaded only here). */
async function groupHelp(prefix: string, summary: string, entries: readonly CommandEntry[]): Promise<string> {
  const { renderGroupHelp } = await import('./options.js');
  const epilogue = `Run \`${prefix} COMMAND --help\` for the options of a command.\n\n${EXIT_CODES_HELP.replace(/\n/g, ' ')}`;
  return renderGroupHelp(prefix, summary, entries, {
    epilogue,
    width: helpWidth(),
    ...(prefix === 'pinbench' ? { version: version() } : {}),
  });
}

const TOP_SUMMARY = 'Benchmark pagetable pinning strategies of a Xen PV Linux guest on a deterministic model.';

/**
 * The command line `pinbench ARGV...`: parse, run the command, return its exit code. Never exits the
 * process and never throws: an error is printed as one line on stderr and becomes its exit code (errors.ts).
 * Tests call it in-process with their own `io`.
 */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<ExitCode> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    io.stderr(formatError(error, io.env) + '\n');
    return exitCodeFor(error);
  }
}

async function dispatch(argv: readonly string[], io: Io): Promise<ExitCode> {
  const [first, ...rest] = argv;
  const names = COMMANDS.map((c) => c.name);
  if (first === undefined) {
    io.stderr(await groupHelp('pinbench', TOP_SUMMARY, COMMANDS));
    throw Errors.noCommand(names);
  }
  if (first === '--version' || first === '-V') {
    io.stdout(version() + '\n');
    return EXIT_OK;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    // `pinbench help COMMAND` is `pinbench COMMAND --help`.
    const named = first === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    if (named !== undefined) return runCommand((await named.load()).command, [...rest.slice(1), '--help'], { io, argv });
    io.stdout(await groupHelp('pinbench', TOP_SUMMARY, COMMANDS));
    return EXIT_OK;
  }
  if (first.startsWith('-')) throw Errors.optionBeforeCommand(first);
  const entry = COMMANDS.find((c) => c.name === first);
  if (entry === undefined) throw Errors.unknownCommand(first, names);
  const { command } = await entry.load();
  return runCommand(command, rest, { io, argv });
}

async function runCommand(
  command: Command | CommandGroup,
  argv: readonly string[],
  context: { io: Io; argv: readonly string[] },
): Promise<ExitCode> {
  const { io } = context;
  if (command.kind === 'group') {
    const prefix = `pinbench ${command.name}`;
    const names = command.subcommands.map((c) => c.name);
    const [first, ...rest] = argv;
    if (first === undefined || first === '--help' || first === '-h') {
      const help = await groupHelp(prefix, command.summary, command.subcommands);
      if (first === undefined) {
        io.stderr(help);
        throw Errors.noCommand(names);
      }
      io.stdout(help);
      return EXIT_OK;
    }
    const entry = command.subcommands.find((c) => c.name === first);
    if (entry === undefined) throw Errors.unknownCommand(first, names, prefix);
    return runCommand((await entry.load()).command, rest, context);
  }
  // yargs loads only here, when a command runs: `pinbench --version` and `pinbench --help` stay fast.
  const { parseCommandLine, renderHelp, wantsHelp } = await import('./options.js');
  if (wantsHelp(argv)) {
    io.stdout(await renderHelp(command.spec, helpWidth()));
    return EXIT_OK;
  }
  const parsed = parseCommandLine(argv, command.spec);
  return command.run(parsed, context);
}
