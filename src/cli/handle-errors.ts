import { AbortError, ConfigError } from '../shared/errors.js';
import { EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_RUN_FAILED, type ExitCode } from './exit-codes.js';

/** A command line yargs could not parse (unknown option, missing argument): bad input, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * The one place that maps an error to an exit code: bad input (ConfigError, UsageError) is 2, an interrupt
 * is 130, anything else (a bug, an I/O failure) is 1. Outcomes that are not errors (failed runs, changed
 * metrics) are returned as exit codes by the command handlers themselves.
 */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof ConfigError || error instanceof UsageError) return EXIT_BAD_INPUT;
  if (error instanceof AbortError) return EXIT_INTERRUPTED;
  return EXIT_RUN_FAILED;
}

/**
 * One line for the terminal: `pinbench: error: MESSAGE`. Bad input shows only its message (which names the
 * option, the value and what is allowed); other errors keep their class name, and their stack when
 * PINBENCH_DEBUG is set.
 */
export function formatError(error: unknown): string {
  if (error instanceof ConfigError || error instanceof UsageError) return `pinbench: error: ${firstLine(error.message)}`;
  if (error instanceof Error) {
    if (process.env.PINBENCH_DEBUG) return `pinbench: ${error.stack ?? error.message}`;
    return `pinbench: ${error.name}: ${firstLine(error.message)}`;
  }
  return `pinbench: ${String(error)}`;
}

/** Print an error and set the process's exit code from it. */
export function reportError(error: unknown): void {
  process.stderr.write(formatError(error) + '\n');
  process.exitCode = exitCodeFor(error);
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}
