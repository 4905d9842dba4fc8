import { elementAt } from '../../shared/element-at.js';
import { diffExact, statusOf } from '../../results/diff-exact.js';
import { allColumns, bootstrap, type Interval, medianInPlace, medianOf, twoWayBootstrap } from '../bootstrap.js';
import { adjustPValues } from '../p-adjust.js';
import { wilcoxonMinP, wilcoxonSignedRank } from '../wilcoxon.js';
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
 * Each run is tested on its own rounds (Wilcoxon signed-rank of the per-round paired log ratios, corrected over
 * the runs by Holm or Benjamini-Hochberg) and is regressed or improved when the corrected p is below alpha and
 * its ratio beyond the threshold; a run whose rounds cannot reach alpha after correction, whatever they show,
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
    runs: judgeRuns(timed, samples, resolved),
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

function judgeRuns(timed: readonly AbRunSamples[], samples: LogSamples, options: ResolvedAbOptions): AbRunVerdict[] {
  const cols = samples.rounds;
  const paired = timed.map((_, i) => {
    const base = elementAt(samples.base, i, 'run');
    return Array.from(elementAt(samples.head, i, 'run'), (h, k) => h - elementAt(base, k, 'round'));
  });
  const tests = paired.map((row) => wilcoxonSignedRank(row));
  const adjusted = adjustPValues(
    tests.map((t) => t.p),
    options.correction,
  );
  const upper = 1 + options.threshold;
  // The best a run can do is every round on one side. Holm's first step multiplies that p by the number of
  // runs; Benjamini-Hochberg's adjusted p can come down to it when every run changed. If even the best case
  // cannot reach alpha, the rounds cannot decide anything.
  const bestAdjusted = wilcoxonMinP(cols) * (options.correction === 'holm' ? timed.length : 1);
  const reachable = bestAdjusted < options.alpha;
  const scratch = new Float64Array(cols);
  const all = allColumns(cols);
  return timed.map((run, i) => {
    const ratio = Math.exp(runLogRatio(options.estimator, samples, i, all, scratch));
    const logCi = bootstrap(cols, (picks) => runLogRatio(options.estimator, samples, i, picks, scratch), {
      confidence: options.confidence,
      resamples: options.resamples,
      seed: options.seed + i,
    });
    const pAdjusted = elementAt(adjusted, i, 'run');
    let state: AbState = 'no-change';
    if (!reachable) state = 'insufficient-samples';
    else if (pAdjusted < options.alpha && ratio > upper) state = 'regressed';
    else if (pAdjusted < options.alpha && ratio < 1 / upper) state = 'improved';
    const estimate = (ms: readonly number[]) => (options.estimator === 'min' ? Math.min(...ms) : medianOf(ms));
    return {
      id: run.id,
      state,
      ratio,
      ci: { low: Math.exp(logCi.low), high: Math.exp(logCi.high) },
      baseMs: estimate(run.baseMs),
      headMs: estimate(run.headMs),
      p: elementAt(tests, i, 'run').p,
      pAdjusted,
    };
  });
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
