import { ModelError } from '../shared/errors.js';

/**
 * `items[i]`, which must exist: the narrowing the explorer uses instead of a non-null assertion. An index out of range
 * is a bug of the explorer (a schedule that names a vCPU the machine does not have is caught before it runs), so it
 * throws a ModelError naming what was looked up.
 */
export function at<T>(items: ArrayLike<T>, i: number, what = 'item'): T {
  const x = items[i];
  if (x === undefined) throw new ModelError(`${what} ${i} does not exist (there are ${items.length})`);
  return x;
}
