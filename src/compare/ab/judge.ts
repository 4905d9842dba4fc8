import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { elementAt } from '../../shared/element-at.js';
import { diffExact, statusOf } from '../../results/diff-exact.js';
import { allColumns, type Interval, medianInPlace, medianOf, twoWayBootstrap } from '../bootstrap.js';
import { adjustPValues } from '../p-adjust.js';
import { wilcoxonSignedRank } from '../wilcoxon.js';
import { MIN_AB_ROUNDS, MIN_AB_RUNS, resolveAbOptions } from './options.js';
import type {
  AbComparison,
  AbEstimator,
  AbExactRun,
  AbMeasurement,
  AbOptions,
  AbOutcome,
  AbRunSamples,
  AbRunVerdict,
  AbState,
  AbSuiteVerdict,
  ResolvedAbOptions,
} from './types.js';

/**
 * The timed rounds of the runs of a job, in logs: `base[i][k]`, `head[i][k]` are ln(ms) of run i in round k.
 * Everything is judged in logs, where a ratio is a difference and 1.1 and 1/1.1 are the same distance from 1.
 */
interface LogSamples {
  base: Float64Array[];
  head: Float64Array[];
  rounds: number;
}

/**
 * A run's log ratio ln(head / base) from the rounds picked (`picks`, repeats allowed), by the estimator:
 * `min`, the fastest picked round of head over the fastest of base; `median`, the median over picked rounds of
 * the paired log ratios. `scratch` is a buffer of at least `picks.length` values.
 */
function runLogRatio(estimator: AbEstimator, samples: LogSamples, run: number, picks: Int32Array, scratch: Float64Array): number {
  const base = elementAt(samples.base, run, 'run');
  const head = elementAt(samples.head, run, 'run');
  // Every pick is a round index below samples.rounds, the length of each run's base and head rows.
  if (estimator === 'min') {
    let minBase = Number.POSITIVE_INFINITY;
    let minHead = Number.POSITIVE_INFINITY;
    for (const c of picks) {
      const b = base[c] as number;
      const h = head[c] as number;
      if (b < minBase) minBase = b;
      if (h < minHead) minHead = h;
    }
    return minHead - minBase;
  }
  const buffer = scratch.subarray(0, picks.length);
  picks.forEach((c, k) => {
    buffer[k] = (head[c] as number) - (base[c] as number);
  });
  return medianInPlace(buffer);
}

/**
 * Judge an interleaved A/B job. Pure: no I/O, no clock (the bootstrap is seeded).
 *
 * Each run gets a ratio head / base from its rounds (the estimator: by default the fastest round of each
 * side, since noise on a shared machine only adds time), and the suite the median of those ratios. The suite is:
 * - **regressed** when the whole bootstrap interval of its ratio (runs and rounds resampled) lies above
 *   1 + threshold (criterion's rule: the change is outside the noise band) and the Wilcoxon signed-rank
 *   test of the runs' log ratios gives p < alpha;
 * - **improved** symmetrically (interval below 1 / (1 + threshold));
 * - **insufficient samples** with fewer than MIN_AB_ROUNDS rounds or MIN_AB_RUNS timed runs;
 * - otherwise **no change**.
 * Each run is judged over the blocks of the job (fresh isolates; see judgeRuns): a t-test that its mean block
 * ratio lies beyond the noise band, with the between-block variance pooled over the runs, corrected over the
 * runs by Holm or Benjamini-Hochberg, and every block beyond the band on the same side; with fewer than two blocks a run
 * is **insufficient samples**, never "no change". Exact metrics of the untimed first runs are compared with
 * results' diffExact.
 */
export function judgeAb(measurement: AbMeasurement, options: AbOptions = {}): AbComparison {
  const resolved = resolveAbOptions(options);
  const exact: AbExactRun[] = [];
  const failedBoth: AbComparison['failedBoth'] = [];
  let exactUnchanged = 0;
  const timed: AbRunSamples[] = [];
  for (const run of measurement.runs) {
    const diff = diffExact(run.base, run.head);
    exactUnchanged += diff.unchanged;
    if (diff.changes.length > 0) exact.push({ id: run.id, changes: diff.changes });
    else if (run.base.status === 'error') failedBoth.push({ id: run.id, error: statusOf(run.base).replace(/^error: /, '') });
    const rounds = run.baseMs.length;
    if (
      run.base.status === 'ok' &&
      run.head.status === 'ok' &&
      rounds > 0 &&
      rounds === run.headMs.length &&
      rounds === measurement.rounds
    ) {
      timed.push(run);
    }
  }
  const samples: LogSamples = {
    base: timed.map((run) => Float64Array.from(run.baseMs, Math.log)),
    head: timed.map((run) => Float64Array.from(run.headMs, Math.log)),
    rounds: timed.length > 0 ? measurement.rounds : 0,
  };
  const { runs: _runs, ...rest } = measurement;
  return {
    measurement: rest,
    options: resolved,
    suite: judgeSuite(samples, measurement.rounds, resolved),
    runs: judgeRuns(timed, samples, roundsByBlock(measurement), resolved),
    exact,
    exactUnchanged,
    failedBoth,
  };
}

/** What the comparison calls for: an exact change wins over a regression (a fact over a judgement). */
export function abOutcome(comparison: AbComparison, { acceptExactChanges = false } = {}): AbOutcome {
  if (!acceptExactChanges && comparison.exact.length > 0) return 'exact-change';
  if (comparison.suite.state === 'regressed') return 'regressed';
  return 'ok';
}

function judgeSuite(samples: LogSamples, rounds: number, options: ResolvedAbOptions): AbSuiteVerdict {
  const n = samples.base.length;
  const cols = samples.rounds;
  if (n === 0 || cols === 0) {
    return {
      state: 'insufficient-samples',
      ratio: Number.NaN,
      ci: null,
      p: 1,
      method: 'none',
      runs: n,
      rounds,
      reason: 'no run was timed on both sides',
    };
  }
  const scratch = new Float64Array(cols);
  const all = allColumns(cols);
  const perRun = samples.base.map((_, i) => runLogRatio(options.estimator, samples, i, all, scratch));
  const ratio = Math.exp(medianOf(perRun));
  const logCi = twoWayBootstrap(n, cols, (row, picks) => runLogRatio(options.estimator, samples, row, picks, scratch), options);
  const ci = { low: Math.exp(logCi.low), high: Math.exp(logCi.high) };
  const test = wilcoxonSignedRank(perRun);
  const base = { ratio, ci, p: test.p, method: test.method, runs: n, rounds };
  const level = `${percentText(options.confidence)} interval ${intervalText(ci)}`;
  if (rounds < MIN_AB_ROUNDS || n < MIN_AB_RUNS) {
    const why =
      rounds < MIN_AB_ROUNDS
        ? `${rounds} round(s), fewer than the ${MIN_AB_ROUNDS} an interval over rounds needs`
        : `${n} timed run(s), fewer than the ${MIN_AB_RUNS} the signed-rank test needs to reach p < 0.05`;
    return { ...base, state: 'insufficient-samples', reason: `${why}; ${level}` };
  }
  const upper = 1 + options.threshold;
  const lower = 1 / upper;
  const significant = test.p < options.alpha;
  const pText = `p = ${pValueText(test.p)}`;
  if (ci.low > upper && significant) {
    return { ...base, state: 'regressed', reason: `the ${level} lies above ${upper} and ${pText} < ${options.alpha}` };
  }
  if (ci.high < lower && significant) {
    return { ...base, state: 'improved', reason: `the ${level} lies below ${fixed3(lower)} and ${pText} < ${options.alpha}` };
  }
  const band = `[${fixed3(lower)}, ${upper}]`;
  const reason =
    ci.low > upper || ci.high < lower
      ? `the ${level} lies outside the noise band ${band} but ${pText} is not below ${options.alpha}`
      : `the ${level} reaches into the noise band ${band}`;
  return { ...base, state: 'no-change', reason };
}

/**
 * The rounds of each block (0-based block indexes into round indexes), from the measurement's `roundBlocks`
 * (absent in a record made before blocks: every round in one block). Blocks without a round are dropped.
 */
export function roundsByBlock(measurement: Pick<AbMeasurement, 'rounds' | 'roundBlocks'>): Int32Array[] {
  const blockOf = measurement.roundBlocks ?? [];
  const groups = new Map<number, number[]>();
  for (let k = 0; k < measurement.rounds; k++) {
    const block = blockOf[k] ?? 0;
    const rounds = groups.get(block) ?? [];
    rounds.push(k);
    groups.set(block, rounds);
  }
  return [...groups.keys()].sort((a, b) => a - b).map((block) => Int32Array.from(groups.get(block) ?? []));
}

/** Fewest blocks for a per-run verdict: with one, a run's ratio is that of one isolate's JIT decisions. */
export const MIN_AB_BLOCKS = 2;

/**
 * Per-run verdicts, with the block as the unit. A run's ratio in each block is the estimator over that block's
 * rounds; its ratio is the geometric mean over blocks. The rounds of one block share one isolate, whose
 * optimisation of each side's code holds for the whole block: identical code measured up to 15% apart on some
 * runs for a whole block, in a direction that changes from one block to the next. So the rounds of a block are
 * not independent witnesses of the code, and the noise of a run's ratio is its spread between blocks.
 *
 * - **Test.** A t-test of the mean block log ratio against the edge of the noise band, ln(1 + threshold) (H0:
 *   the run's change lies inside the band; criterion's rule, "the interval outside the noise band", as a test
 *   that can be corrected), whose variance is the between-block variance pooled over all runs of the job (R runs
 *   of K blocks: R (K - 1) degrees of freedom; one run's own K blocks give too few), corrected over the runs
 *   (Holm or BH). Against 0 instead of the band, a group of runs that one isolate's JIT moved by 5-10% in the
 *   same direction in three blocks out of three was flagged (measured: docs/measurement.md).
 * - **Agreement.** The per-isolate effect is heavy-tailed (a few runs swing by 10-20% in one block), so the
 *   pooled variance understates it for those runs: a run is regressed only when, besides the corrected
 *   p < alpha, its ratio in every block lies above 1 + threshold (improved: every block below 1 / (1 + threshold)).
 *   The band test implies the mean is beyond the band; agreement asks it of each block.
 * - **Insufficient samples** with fewer than MIN_AB_BLOCKS blocks: whatever its rounds show, one isolate cannot
 *   tell a change of the code from that isolate's luck.
 *
 * The interval is the t-interval of the mean block log ratio (pooled variance), as a ratio.
 */
function judgeRuns(
  timed: readonly AbRunSamples[],
  samples: LogSamples,
  blockRounds: readonly Int32Array[],
  options: ResolvedAbOptions,
): AbRunVerdict[] {
  const scratch = new Float64Array(Math.max(1, samples.rounds));
  const all = allColumns(samples.rounds);
  const blocks = blockRounds.length;
  const estimate = (ms: readonly number[]) => (options.estimator === 'min' ? Math.min(...ms) : medianOf(ms));
  const perBlock = timed.map((_, i) => blockRounds.map((rounds) => runLogRatio(options.estimator, samples, i, rounds, scratch)));
  const pooled = pooledBlockVariance(perBlock);
  const df = timed.length * (blocks - 1);
  const se = Math.sqrt(pooled / Math.max(1, blocks));
  const means = perBlock.map((ys) => ys.reduce((sum, y) => sum + y, 0) / Math.max(1, ys.length));
  const decidable = blocks >= MIN_AB_BLOCKS && df >= 1;
  const logUpper = Math.log(1 + options.threshold);
  const pValues = means.map((mean) => (decidable ? bandTestP(mean, logUpper, se, df) : 1));
  const adjusted = adjustPValues(pValues, options.correction);
  const half = decidable && se > 0 ? tQuantile(1 - (1 - options.confidence) / 2, df) * se : 0;
  return timed.map((run, i) => {
    const ys = elementAt(perBlock, i, 'run');
    const mean = elementAt(means, i, 'run');
    const pAdjusted = elementAt(adjusted, i, 'run');
    // With one block, the ratio is the estimator over all rounds, as the suite takes it.
    const logRatio = decidable ? mean : runLogRatio(options.estimator, samples, i, all, scratch);
    let state: AbState = 'no-change';
    if (!decidable) state = 'insufficient-samples';
    else if (pAdjusted < options.alpha && ys.every((y) => y > logUpper)) state = 'regressed';
    else if (pAdjusted < options.alpha && ys.every((y) => y < -logUpper)) state = 'improved';
    return {
      id: run.id,
      state,
      ratio: Math.exp(logRatio),
      ci: { low: Math.exp(logRatio - half), high: Math.exp(logRatio + half) },
      blockRatios: ys.map(Math.exp),
      baseMs: estimate(run.baseMs),
      headMs: estimate(run.headMs),
      p: elementAt(pValues, i, 'run'),
      pAdjusted,
    };
  });
}

/**
 * The between-block variance of the runs' log ratios, pooled over the runs (the mean of each run's sample
 * variance over its blocks, every run having the same blocks): NaN-free, 0 with fewer than two blocks.
 */
export function pooledBlockVariance(perBlock: readonly (readonly number[])[]): number {
  let sum = 0;
  let runs = 0;
  for (const ys of perBlock) {
    if (ys.length < 2) continue;
    const mean = ys.reduce((a, y) => a + y, 0) / ys.length;
    sum += ys.reduce((a, y) => a + (y - mean) ** 2, 0) / (ys.length - 1);
    runs++;
  }
  return runs > 0 ? sum / runs : 0;
}

/**
 * p of a t-test that a mean log ratio lies outside the band [-band, band]: H0 |mu| <= band, statistic
 * (|mean| - band) / se with `df` degrees of freedom, doubled because the side is the one the mean fell on,
 * capped at 1 (a mean inside the band gives p >= 1). With se 0: 0 beyond the band, else 1.
 */
export function bandTestP(mean: number, band: number, se: number, df: number): number {
  const excess = Math.abs(mean) - band;
  if (se === 0) return excess > 0 ? 0 : 1;
  return Math.min(1, 2 * (1 - tCdf(excess / se, df)));
}

/** `[1.021, 1.094]`. */
export function intervalText(ci: Interval): string {
  return `[${fixed3(ci.low)}, ${fixed3(ci.high)}]`;
}

/** 0.95 -> `95%`. */
export function percentText(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(3))}%`;
}

/** A p-value in two significant digits, or an exponent below 1e-4. */
export function pValueText(p: number): string {
  return p >= 1e-4 ? String(Number(p.toPrecision(2))) : p.toExponential(1);
}

function fixed3(value: number): string {
  return Number.isFinite(value) ? value.toFixed(3) : String(value);
}
