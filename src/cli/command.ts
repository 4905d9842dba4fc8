import type { ExitCode } from './errors.js';
import type { Io } from './io.js';
import type { CommandSpec, ParsedCommandLine } from './options.js';

/** What a handler gets besides its arguments. */
export interface CommandContext {
  io: Io;
  /** The whole command line after `pinbench`, recorded in results for reproduction. */
  argv: readonly string[];
}

/**
 * A command: its declaration (positionals, options, help) and how it runs. Each command lives in
 * `cli/commands/NAME/`: `args.ts` declares the spec and turns a parsed command line into typed arguments,
 * `command.ts` exports this object, `handler.ts` does the work and is imported only when the command runs.
 */
export interface Command {
  kind: 'command';
  spec: CommandSpec;
  run: (parsed: ParsedCommandLine, context: CommandContext) => Promise<ExitCode>;
}

/** A command with subcommands (`pinbench baseline update`). */
export interface CommandGroup {
  kind: 'group';
  name: string;
  summary: string;
  subcommands: readonly CommandEntry[];
}

/**
 * A command as the registry lists it: its name and one line for `pinbench --help`, and a loader, so that
 * `pinbench --version` or `pinbench list` load nothing of the other commands.
 */
export interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<{ command: Command | CommandGroup }>;
}
