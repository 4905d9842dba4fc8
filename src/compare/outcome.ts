import type { Comparison, ComparisonOutcome } from './types.js';

/**
 * What a comparison calls for. An exact change wins over a regression: it is a fact about the model,
 * while a regression is a judgement about noisy timings. Missing and new runs count as exact changes
 * (the baseline no longer describes the suite), and so do runs paired despite a changed parameter;
 * `acceptExactChanges` lets all of them pass.
 */
export function comparisonOutcome(comparison: Comparison, { acceptExactChanges = false } = {}): ComparisonOutcome {
  const { exactChanges, missing, added, paramChanged, regressed } = comparison.summary;
  if (!acceptExactChanges && exactChanges + missing + added + paramChanged > 0) return 'exact-change';
  if (regressed > 0) return 'regressed';
  return 'ok';
}
