import { ConfigError } from '../shared/errors.js';
import type { CompareOptions, ResolvedCompareOptions } from './types.js';

/** Default relative change of the median wall time that may count (asv's `--factor 1.05`). */
export const DEFAULT_THRESHOLD = 0.05;
/** Default significance level of the Mann-Whitney U test (asv's default). */
export const DEFAULT_ALPHA = 0.01;
/**
 * Default relative change of `wall.normalisedPerEvent`. Wider than DEFAULT_THRESHOLD because the
 * calibration loop removes only part of the difference between machines (caches, turbo, JIT).
 */
export const DEFAULT_NORMALISED_THRESHOLD = 0.25;

/** Resolve comparison options once, validating each (ConfigError naming the option and the value). */
export function resolveCompareOptions(options: CompareOptions = {}): ResolvedCompareOptions {
  return {
    threshold: positive('--threshold', options.threshold ?? DEFAULT_THRESHOLD),
    alpha: probability('--alpha', options.alpha ?? DEFAULT_ALPHA),
    normalisedThreshold: positive('--normalised-threshold', options.normalisedThreshold ?? DEFAULT_NORMALISED_THRESHOLD),
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
