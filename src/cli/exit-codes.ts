/** Exit codes of every pinbench command; README.md "Exit codes" documents them. */
export const EXIT_OK = 0;
/** A run failed (an `error` entry), or compare found a regression of a noisy metric. */
export const EXIT_RUN_FAILED = 1;
/** Bad input: an option, a value, a file. Nothing was written. */
export const EXIT_BAD_INPUT = 2;
/** compare: an exact metric changed. */
export const EXIT_EXACT_CHANGED = 3;
/** run --check-determinism: an exact metric differed between two runs of the same spec. */
export const EXIT_NONDETERMINISTIC = 4;
/** Interrupted by Ctrl-C (128 + SIGINT); finished runs were written with `partial: true`. */
export const EXIT_INTERRUPTED = 130;

export type ExitCode =
  | typeof EXIT_OK
  | typeof EXIT_RUN_FAILED
  | typeof EXIT_BAD_INPUT
  | typeof EXIT_EXACT_CHANGED
  | typeof EXIT_NONDETERMINISTIC
  | typeof EXIT_INTERRUPTED;
