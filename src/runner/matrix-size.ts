import { SCENARIO_PARAMS } from '../results/params.js';
import type { ParamMatrix } from './types.js';

// How many runs matrices expand to, counted before anything is expanded or validated (no zod, no parameter
// objects): `pinbench list suites` shows it, and `run` refuses a matrix above its --max-runs before building it.

/**
 * Runs of the cartesian product of each matrix, summed over the matrices; a matrix without a `strategy` axis runs
 * every one of `strategyCount` strategies. An upper bound when matrices overlap (the same point twice runs once).
 */
export function matrixRunCount(matrices: readonly ParamMatrix[], strategyCount: number): number {
  let total = 0;
  for (const matrix of matrices) {
    let product = 1;
    for (const { name } of SCENARIO_PARAMS) {
      const values = matrix[name] as readonly unknown[] | undefined;
      product *= values === undefined ? (name === 'strategy' ? strategyCount : 1) : values.length;
    }
    total += product;
  }
  return total;
}
