import type { Comparison } from './types.js';

/**
 * Why few runs were paired, when that is the likely cause of "N missing, M new": the two result sets come from
 * different suites, or no run shares its parameters with the baseline (a default changed, or another matrix). One
 * sentence, or undefined when most runs are paired.
 */
export function pairingHint(comparison: Comparison): string | undefined {
  const { paired, missing, added, paramChanged } = comparison.summary;
  const base = comparison.baseline.suite;
  const current = comparison.current.suite;
  if (base !== current) {
    return (
      `the result sets come from different suites (baseline ${base}, current ${current}): runs are paired by their ` +
      `parameters, so only the ${paired} run(s) that could be paired are compared` +
      (paramChanged > 0 ? ` (${paramChanged} of them despite a changed parameter: see what differs)` : '') +
      '; compare a result set with a ' +
      `baseline of the same suite (pinbench baseline update ${current})`
    );
  }
  if (missing + added === 0 || paired >= missing + added) return undefined;
  return paired === 0
    ? `no run of current has the parameters of a baseline run: the matrix changed, or a default did (a parameter ` +
        'that differs from its default is part of the run id); update the baseline if that was deliberate'
    : `most runs are unmatched (${missing} missing, ${added} new, ${paired} paired): the suite's matrix changed since the ` +
        'baseline; update the baseline if that was deliberate';
}
