import { ConfigError } from '../../shared/errors.js';
import { DEFAULT_BOOTSTRAP_SEED, DEFAULT_RESAMPLES } from '../bootstrap.js';
import { P_ADJUST_METHODS } from '../p-adjust.js';
import type { AbEstimator, AbOptions, ResolvedAbOptions } from './types.js';

/**
 * Default threshold of `pinbench ab`: a regression needs the whole 95 % interval of the suite's median ratio
 * above 1.05. Half of the +10 % that the A/B job must detect, so an unchanged build needs a bias of 5 % and a
 * +10 % one an error of 5 % to be misjudged (benchmarks/speed/ab-power.ts measures both rates).
 */
export const DEFAULT_AB_THRESHOLD = 0.05;
/**
 * Default estimator: the fastest round of each side. Measured on this 2-core machine under other jobs (load
 * average 9), two identical builds: the 10-90 % range of per-run ratios was 0.95-1.07 for the minimum,
 * 0.89-1.18 for the median of paired ratios and 0.78-1.46 for the ratio of medians (docs/measurement.md).
 */
export const DEFAULT_AB_ESTIMATOR: AbEstimator = 'min';
/** The estimators offered. */
export const AB_ESTIMATORS: readonly AbEstimator[] = ['min', 'median'];
/** Default significance level of the Wilcoxon tests (criterion's `significance_level`). */
export const DEFAULT_AB_ALPHA = 0.05;
/** Default confidence level of the intervals (criterion's `confidence_level`). */
export const DEFAULT_AB_CONFIDENCE = 0.95;
/** Default correction of the per-run tests. */
export const DEFAULT_AB_CORRECTION = 'holm';
/**
 * Fewest rounds for a suite verdict: with fewer, the bootstrap over rounds has almost nothing to resample
 * and the interval is not worth its name.
 */
export const MIN_AB_ROUNDS = 5;
/** Fewest runs for a suite verdict: with five, the signed-rank test cannot go below p = 0.0625. */
export const MIN_AB_RUNS = 6;

/** Resolve the options once, each checked (ConfigError naming the option and the value). */
export function resolveAbOptions(options: AbOptions = {}): ResolvedAbOptions {
  const threshold = options.threshold ?? DEFAULT_AB_THRESHOLD;
  if (!(Number.isFinite(threshold) && threshold > 0 && threshold < 1)) {
    throw new ConfigError(
      `--threshold must be a number above 0 and below 1 (0.05 = 5%), got ${String(threshold)}`,
      '--threshold',
    );
  }
  const alpha = options.alpha ?? DEFAULT_AB_ALPHA;
  if (!(alpha > 0 && alpha < 1))
    throw new ConfigError(`--alpha must be between 0 and 1 exclusive, got ${String(alpha)}`, '--alpha');
  const confidence = options.confidence ?? DEFAULT_AB_CONFIDENCE;
  if (!(confidence > 0 && confidence < 1)) {
    throw new ConfigError(`--confidence must be between 0 and 1 exclusive, got ${String(confidence)}`, '--confidence');
  }
  const correction = options.correction ?? DEFAULT_AB_CORRECTION;
  if (!P_ADJUST_METHODS.includes(correction)) {
    throw new ConfigError(
      `--correction must be one of ${P_ADJUST_METHODS.join(', ')}, got ${String(correction)}`,
      '--correction',
    );
  }
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  if (!(Number.isInteger(resamples) && resamples >= 100)) {
    throw new ConfigError(`--resamples must be an integer of at least 100, got ${String(resamples)}`, '--resamples');
  }
  const estimator = options.estimator ?? DEFAULT_AB_ESTIMATOR;
  if (!AB_ESTIMATORS.includes(estimator)) {
    throw new ConfigError(`--estimator must be one of ${AB_ESTIMATORS.join(', ')}, got ${String(estimator)}`, '--estimator');
  }
  return { estimator, threshold, alpha, confidence, correction, resamples, seed: options.seed ?? DEFAULT_BOOTSTRAP_SEED };
}
