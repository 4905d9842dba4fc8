import { diffExact, type ExactChange } from '../results/diff-exact.js';
import type { RunResult } from '../results/types.js';

/** An exact metric (or the status) that differed between two passes over the same spec. */
export interface DeterminismDifference extends ExactChange {
  /** The run's id. */
  id: string;
}

/**
 * Every difference between two passes over the same specs (`first[i]` and `second[i]` belong to spec i; a run
 * missing from either pass, after Ctrl-C, is skipped). The exact diff is results' `diffExact`, the same rule
 * `compare` and the report use.
 */
export function determinismDifferences(
  first: ReadonlyArray<RunResult | undefined>,
  second: ReadonlyArray<RunResult | undefined>,
): DeterminismDifference[] {
  const differences: DeterminismDifference[] = [];
  first.forEach((a, i) => {
    const b = second[i];
    if (a === undefined || b === undefined) return;
    for (const change of diffExact(a, b).changes) differences.push({ id: a.id, ...change });
  });
  return differences;
}
