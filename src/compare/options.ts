import { ConfigError } from '../shared/errors.js';
import { P_ADJUST_METHODS, type PAdjustMethod } from './p-adjust.js';
import type { CompareOptions, ResolvedCompareOptions } from './types.js';

/** Default relative change of the median wall time that may count (asv's `--factor` is 1.1 by default; 1.05 here). */
export const DEFAULT_THRESHOLD = 0.05;
/** Default significance level of the Mann-Whitney U test (asv's `is_different` uses 0.002; see docs/measurement.md). */
export const DEFAULT_ALPHA = 0.01;
/**
 * Default relative change of `wall.normalisedPerEvent`. Wider than DEFAULT_THRESHOLD because the
 * calibration loop removes only part of the difference between machines (caches, turbo, JIT).
 */
export const DEFAULT_NORMALISED_THRESHOLD = 0.25;

/**
 * Default correction of the per-run tests: Holm, so that a "regressed" run is one the family-wise error rate
 * vouches for (50 runs tested at 0.01 without correction flag one by chance in two comparisons of the same code).
 */
export const DEFAULT_CORRECTION: PAdjustMethod = 'holm';

/** Resolve comparison options once, validating each (ConfigError naming the option and the value). */
export function resolveCompareOptions(options: CompareOptions = {}): ResolvedCompareOptions {
  const correction = options.correction ?? DEFAULT_CORRECTION;
  if (!P_ADJUST_METHODS.includes(correction)) {
    throw new ConfigError(
      `--correction must be one of ${P_ADJUST_METHODS.join(', ')}, got ${String(correction)}`,
      '--correction',
    );
  }
  return {
    threshold: positive('--threshold', options.threshold ?? DEFAULT_THRESHOLD),
    alpha: probability('--alpha', options.alpha ?? DEFAULT_ALPHA),
    normalisedThreshold: positive('--normalised-threshold', options.normalisedThreshold ?? DEFAULT_NORMALISED_THRESHOLD),
    correction,
    wall: options.wall ?? true,
  };
}

function positive(field: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError(`${field} must be a number above 0 (a relative change, 0.05 = 5%), got ${String(value)}`, field);
  }
  return value;
}

function probability(field: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value >= 1) {
    throw new ConfigError(`${field} must be a number between 0 and 1 exclusive, got ${String(value)}`, field);
  }
  return value;
}
