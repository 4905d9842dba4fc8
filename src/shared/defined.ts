/**
 * `value`, or a TypeError naming `what` when it is undefined: for a lookup the caller knows succeeds (a fixture's
 * run, a row it built, the n-th element of a list it made with more), where noUncheckedIndexedAccess types the
 * read `T | undefined`. Off the model's per-event paths only (tests, benchmark scripts, reports).
 */
export function defined<T>(value: T | undefined, what = 'value'): T {
  if (value === undefined) throw new TypeError(`expected a ${what}, found undefined`);
  return value;
}
