/**
 * `xs[i]` for an index the caller holds in range by construction (a rank below the length, the middle of a
 * non-empty sample, a row of a grid it built), read through one check: a RangeError naming `what` instead of an
 * `undefined` that flows on. noUncheckedIndexedAccess types every indexed read `T | undefined`; this is the
 * checked read for code off the model's per-event paths (statistics, reports, tests), where one comparison per
 * read costs nothing that matters.
 */
export function elementAt<T>(xs: ArrayLike<T>, i: number, what = 'index'): T {
  if (!Number.isInteger(i) || i < 0 || i >= xs.length) {
    throw new RangeError(`${what} ${i} is outside 0..${xs.length - 1}`);
  }
  return xs[i] as T;
}
