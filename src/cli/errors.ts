import { AbortError, ConfigError } from '../shared/errors.js';

// The one place where the CLI's error messages are worded and errors become exit codes (in the manner of
// piscina's errors.ts). Every command returns its exit code; only `main` prints an error and turns it into one.

/** Exit codes of every pinbench command; README.md "Exit codes" documents them. */
export const EXIT_OK = 0;
/** A run failed (an `error` entry), compare found a regression of a noisy metric, or an unexpected failure. */
export const EXIT_RUN_FAILED = 1;
/** Bad input: a command, an option, a value, a file. Nothing was written. */
export const EXIT_BAD_INPUT = 2;
/** compare: an exact metric changed, or a run is missing or new. */
export const EXIT_EXACT_CHANGED = 3;
/** run --check-determinism: an exact metric differed between two runs of the same spec. */
export const EXIT_NONDETERMINISTIC = 4;
/** explore: a schedule breaks a check (a counterexample was written); replay: the schedule shows its violation again. */
export const EXIT_VIOLATION = 5;
/** Interrupted by Ctrl-C (128 + SIGINT); finished runs were written with `partial: true`. */
export const EXIT_INTERRUPTED = 130;
/** Stopped by SIGHUP (128 + 1: the terminal went away), handled as Ctrl-C. */
export const EXIT_HANGUP = 129;
/** Stopped by SIGTERM (128 + 15: `kill`, a CI timeout), handled as Ctrl-C. */
export const EXIT_TERMINATED = 143;

export type ExitCode =
  | typeof EXIT_OK
  | typeof EXIT_RUN_FAILED
  | typeof EXIT_BAD_INPUT
  | typeof EXIT_EXACT_CHANGED
  | typeof EXIT_NONDETERMINISTIC
  | typeof EXIT_VIOLATION
  | typeof EXIT_INTERRUPTED
  | typeof EXIT_HANGUP
  | typeof EXIT_TERMINATED;

/** The signals a long command stops on, writing what it has, and the exit code of each (128 + its number). */
export const STOP_SIGNALS: Readonly<Record<'SIGINT' | 'SIGTERM' | 'SIGHUP', ExitCode>> = {
  SIGINT: EXIT_INTERRUPTED,
  SIGTERM: EXIT_TERMINATED,
  SIGHUP: EXIT_HANGUP,
};

/** The exit codes in one paragraph, for `--help`. */
export const EXIT_CODES_HELP = `Exit codes: 0 ok; 1 a run failed or is invalid (or compare found a regression); 2 bad input, nothing
written; 3 an exact metric changed (compare); 4 --check-determinism found a difference; 5 explore found a violation
(replay: the schedule shows it again), while explore's 1 is a limit that stopped a search before its bound;
130 interrupted (Ctrl-C), 143 SIGTERM, 129 SIGHUP (finished runs written).`;

/** A command line that cannot be parsed (unknown command or option, missing value): bad input, exit 2. */
export class UsageError extends ConfigError {
  override name = 'UsageError';
}

/** Every message about the command line itself, worded once. */
export const Errors = {
  noCommand: (commands: readonly string[]) =>
    new UsageError(`name a command: ${commands.join(', ')} (pinbench --help explains each)`),
  unknownCommand: (name: string, commands: readonly string[], parent = 'pinbench') =>
    new UsageError(`unknown command "${name}"${suggest(name, commands)}; commands: ${commands.join(', ')} (${parent} --help)`),
  optionBeforeCommand: (option: string) =>
    new UsageError(`unknown option ${option}: options follow the command (pinbench COMMAND [options]; pinbench --help)`, option),
  unknownOption: (option: string, command: string, options: readonly string[]) =>
    new UsageError(
      `${command}: unknown option ${option}${suggest(option, options)} (pinbench ${command} --help lists the options)`,
      option,
    ),
  missingValue: (option: string) =>
    new UsageError(`${option}: a value is required (${option} VALUE, or ${option}=VALUE for a value that starts with -)`, option),
  unexpectedValue: (option: string) => new UsageError(`${option}: takes no value`, option),
  missingArgument: (name: string, usage: string) => new UsageError(`missing ${name}; usage: ${usage}`, name),
  extraArguments: (extra: readonly string[], usage: string) =>
    new UsageError(
      `unexpected argument${extra.length === 1 ? '' : 's'} ${extra.map((e) => JSON.stringify(e)).join(' ')}; usage: ${usage}`,
    ),
  badValue: (option: string, text: string, expected: string) =>
    new ConfigError(`${option}: ${JSON.stringify(text)} is not allowed; expected ${expected}`, option),
} as const;

/** `; did you mean X?` when one known name is within two edits of `name`. */
function suggest(name: string, known: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best === undefined ? '' : `; did you mean ${best}?`;
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row.push(Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}

/**
 * The one mapping from an error to an exit code: bad input (ConfigError, UsageError) is 2, an interrupt is
 * 130, anything else (a bug, an I/O failure) is 1. Outcomes that are not errors (failed runs, changed metrics)
 * are returned as exit codes by the command handlers themselves.
 */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof ConfigError) return EXIT_BAD_INPUT;
  if (error instanceof AbortError) return EXIT_INTERRUPTED;
  return EXIT_RUN_FAILED;
}

/**
 * One line for the terminal: `pinbench: error: MESSAGE`. Bad input shows only its message (which names the
 * option, the value and what is allowed); other errors keep their class name, and their stack when
 * PINBENCH_DEBUG is set.
 */
export function formatError(error: unknown, env: NodeJS.ProcessEnv = process.env): string {
  if (error instanceof ConfigError) return `pinbench: error: ${firstLine(error.message)}`;
  if (error instanceof Error) {
    if (env.PINBENCH_DEBUG) return `pinbench: ${error.stack ?? error.message}`;
    return `pinbench: ${error.name}: ${firstLine(error.message)}`;
  }
  return `pinbench: ${String(error)}`;
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').trim();
}
