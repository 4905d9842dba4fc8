import padjust from '@stdlib/stats-padjust';

/** Multiple-testing corrections offered for per-run verdicts. */
export const P_ADJUST_METHODS = ['holm', 'bh'] as const;
export type PAdjustMethod = (typeof P_ADJUST_METHODS)[number];

/** What each correction controls, for messages and docs. */
export const P_ADJUST_LABELS: Readonly<Record<PAdjustMethod, string>> = {
  holm: 'Holm (family-wise error rate)',
  bh: 'Benjamini-Hochberg (false discovery rate)',
};

/**
 * Adjusted p-values of a family of tests, in the same order, by stdlib's `@stdlib/stats-padjust` (R's
 * `p.adjust`): `holm` controls the chance of any false flag, `bh` the expected share of false flags among the
 * flagged. A test is significant when its adjusted p is below alpha.
 */
export function adjustPValues(pValues: readonly number[], method: PAdjustMethod): number[] {
  if (pValues.length === 0) return [];
  if (pValues.some((p) => !(p >= 0 && p <= 1))) throw new RangeError('adjustPValues needs probabilities in [0, 1]');
  return padjust([...pValues], method);
}
