import type { WallStats } from '../results/types.js';
import { describeDifferences } from './compare-environments.js';
import { medianOf } from './bootstrap.js';
import { mannWhitneyMinP, mannWhitneyU } from './mann-whitney.js';
import { adjustPValues } from './p-adjust.js';
import type { EnvironmentComparison, NoisyFigures, NoisyMetricName, NoisyVerdict, ResolvedCompareOptions } from './types.js';

/**
 * Judge the wall clock of one paired run.
 *
 * - `wall.samplesMs`, the raw times: judged only when the environments are comparable (same CPU
 *   model and Node version), against `threshold`; otherwise reported as `not-comparable`.
 * - `wall.normalisedPerEvent`, the machine-normalised figure: judged on any pair of machines, against
 *   the wider `normalisedThreshold`. Its samples are the raw samples scaled so that their median is
 *   the recorded figure: the runner derives the figure from the p50 of those same samples divided by
 *   the events (exact) and one calibration constant per thread (runner/execute-run.ts), so the scaled
 *   samples are each sample's own normalised value.
 *
 * A figure absent on both sides gives no verdict; absent on one side, or without raw samples, `no-samples`.
 */
export function judgeWall(
  baseline: WallStats,
  current: WallStats,
  environment: EnvironmentComparison,
  options: ResolvedCompareOptions,
): NoisyVerdict[] {
  const verdicts: NoisyVerdict[] = [];
  const baseSamples = baseline.samplesMs ?? [];
  const curSamples = current.samplesMs ?? [];

  const raw = samplesVerdict('wall.samplesMs', baseSamples, curSamples);
  if (raw) verdicts.push(raw);
  else if (!environment.comparable) {
    verdicts.push({
      ...figures('wall.samplesMs', baseSamples, curSamples),
      state: 'not-comparable',
      reason: describeDifferences(environment.differences),
    });
  } else verdicts.push(judge('wall.samplesMs', baseSamples, curSamples, options.threshold, options.alpha));

  const baseNormalised = baseline.normalisedPerEvent;
  const curNormalised = current.normalisedPerEvent;
  if (baseNormalised === undefined && curNormalised === undefined) return verdicts;
  if (baseNormalised === undefined || curNormalised === undefined) {
    const side = baseNormalised === undefined ? 'baseline' : 'current';
    verdicts.push({ state: 'no-samples', metric: 'wall.normalisedPerEvent', reason: `not recorded in the ${side} result set` });
    return verdicts;
  }
  const missing = samplesVerdict('wall.normalisedPerEvent', baseSamples, curSamples);
  if (missing) verdicts.push(missing);
  else {
    verdicts.push(
      judge(
        'wall.normalisedPerEvent',
        scaleToMedian(baseSamples, baseNormalised),
        scaleToMedian(curSamples, curNormalised),
        options.normalisedThreshold,
        options.alpha,
      ),
    );
  }
  return verdicts;
}

/**
 * asv's rule, on one run alone: a change is a regression (improvement) only when the median moved by more
 * than the threshold in that direction AND the Mann-Whitney U test finds the samples different (p < alpha).
 * Improvement mirrors regression multiplicatively: ratio < 1 / (1 + threshold). `compareResultSets` then
 * corrects the p-values over the runs (correctNoisyVerdicts) and decides again.
 */
export function judge(
  metric: NoisyMetricName,
  baseline: readonly number[],
  current: readonly number[],
  threshold: number,
  alpha: number,
): NoisyVerdict {
  const facts = figures(metric, baseline, current);
  const { p, method } = mannWhitneyU(current, baseline);
  return { ...facts, state: decide(facts.ratio, p, threshold, alpha), p, pAdjusted: p, method, threshold };
}

/** asv's rule on one (adjusted) p-value: beyond the threshold AND significant. */
export function decide(ratio: number, p: number, threshold: number, alpha: number): 'regressed' | 'improved' | 'within-noise' {
  if (p < alpha && ratio > 1 + threshold) return 'regressed';
  if (p < alpha && ratio < 1 / (1 + threshold)) return 'improved';
  return 'within-noise';
}

/** Median of a non-empty sample (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  return medianOf(values);
}

function samplesVerdict(metric: NoisyMetricName, baseline: readonly number[], current: readonly number[]): NoisyVerdict | null {
  if (baseline.length > 0 && current.length > 0) return null;
  const sides = [baseline.length === 0 ? 'baseline' : '', current.length === 0 ? 'current' : ''].filter(Boolean).join(' and ');
  return { state: 'no-samples', metric, reason: `no wall.samplesMs in the ${sides} result set` };
}

function figures(metric: NoisyMetricName, baseline: readonly number[], current: readonly number[]): NoisyFigures {
  const baselineMedian = median(baseline);
  const currentMedian = median(current);
  return {
    metric,
    baselineMedian,
    currentMedian,
    ratio: ratioOf(currentMedian, baselineMedian),
    baselineSamples: baseline.length,
    currentSamples: current.length,
  };
}

function ratioOf(current: number, baseline: number): number {
  if (baseline === 0) return current === 0 ? 1 : Number.POSITIVE_INFINITY;
  return current / baseline;
}

function scaleToMedian(samples: readonly number[], target: number): number[] {
  const m = median(samples);
  return m === 0 ? samples.map(() => target) : samples.map((value) => (value * target) / m);
}

/** States of a verdict that carries a test. */
type Tested = Extract<NoisyVerdict, { state: 'regressed' | 'improved' | 'within-noise' | 'insufficient-samples' }>;

/**
 * Correct the Mann-Whitney p-values of each noisy metric over the runs of a comparison (the family: one test
 * per paired run), then decide each verdict again on its adjusted p. A verdict whose sample sizes cannot
 * give an adjusted p below alpha at all (asv's `p_min` check, corrected: Holm multiplies the smallest
 * possible p by the family's size) becomes `insufficient-samples`. Mutates the verdicts.
 */
export function correctNoisyVerdicts(verdicts: readonly NoisyVerdict[], options: ResolvedCompareOptions): void {
  for (const metric of ['wall.samplesMs', 'wall.normalisedPerEvent'] as const) {
    const family = verdicts.filter(
      (v): v is Tested => v.metric === metric && v.state !== 'no-samples' && v.state !== 'not-comparable',
    );
    if (family.length === 0) continue;
    const adjusted = adjustPValues(
      family.map((v) => v.p),
      options.correction,
    );
    const factor = options.correction === 'holm' ? family.length : 1;
    family.forEach((v, i) => {
      v.pAdjusted = adjusted[i] ?? 1;
      if (mannWhitneyMinP(v.baselineSamples, v.currentSamples) * factor >= options.alpha) v.state = 'insufficient-samples';
      else v.state = decide(v.ratio, v.pAdjusted, v.threshold, options.alpha);
    });
  }
}
