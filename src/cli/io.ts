/** Where a command writes and what it reads of its surroundings; tests pass their own to `main`. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Whether stderr is a terminal (progress bar). */
  stderrIsTty: boolean;
  /** Width of the terminal stdout is, in columns; undefined when stdout is not a terminal. */
  columns?: number;
}

/** The width tables are fitted to: the terminal's, else $COLUMNS, else `fallback`. */
export function outputColumns(io: Io, fallback: number): number {
  const fromEnv = Number(io.env.COLUMNS);
  return io.columns ?? (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : fallback);
}

/** The process's own streams and environment. */
export function processIo(): Io {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    stderrIsTty: process.stderr.isTTY === true,
    columns: process.stdout.isTTY ? process.stdout.columns : undefined,
  };
}
