import { availableParallelism } from 'node:os';
import type { ResultSet, RunResult } from '../results/types.js';
import { listStrategies } from '../strategies/registry.js';
import { expandMatrices } from './matrix.js';
import { AD_HOC_SUITE } from './plan.js';
import { buildResultSet } from './result-set.js';
import { runSpecs } from './run-specs.js';
import { longestFirst } from './schedule.js';
import { loadStrategyModules } from './strategy-modules.js';
import { DEFAULT_LIMITS, type RunLimits } from './limits.js';
import type { ParamMatrix, TimingOptions } from './types.js';

/** Default timing of `runMatrix`: as `pinbench run` (10 samples within 250 ms per run). */
export const DEFAULT_TIMING: Readonly<TimingOptions> = Object.freeze({ maxSamples: 10, budgetMs: 250 });

/** Options of runMatrix; every field optional. */
export interface RunMatrixOptions {
  /** Worker threads; 0 runs in this thread. Default: the available cores, at most one per run. */
  workers?: number;
  /** Absolute paths of strategy modules every thread imports first (as `--strategy-module`). */
  strategyModules?: readonly string[];
  timing?: TimingOptions;
  /** Suite name recorded in the result set. Default `ad-hoc`. */
  suite?: string;
  /** Stops the pass: no new run starts, the finished ones are kept and the set is marked partial. */
  signal?: AbortSignal;
  /** Called as each run finishes, in completion order. */
  onResult?: (result: RunResult) => void;
  /** Per-run limits; DEFAULT_LIMITS when absent. A run that reaches one is an `error` entry naming it. */
  limits?: RunLimits;
}

/**
 * Run a parameter matrix (or several: their union) and return the `pinbench.results/v1` document, as
 * `pinbench run` does without writing it. Axes not given take the scenario's defaults; a missing `strategy`
 * axis means every registered strategy. Throws ConfigError on a bad parameter, before anything runs.
 */
export async function runMatrix(
  matrices: ParamMatrix | readonly ParamMatrix[],
  options: RunMatrixOptions = {},
): Promise<ResultSet> {
  const strategyModules = [...(options.strategyModules ?? [])];
  await loadStrategyModules(strategyModules);
  const list = Array.isArray(matrices) ? (matrices as readonly ParamMatrix[]) : [matrices as ParamMatrix];
  const specs = expandMatrices(list, listStrategies());
  const workers = Math.min(options.workers ?? availableParallelism(), specs.length);
  const createdAt = new Date();
  const { results, aborted } = await runSpecs(specs, {
    workers,
    strategyModules,
    timing: options.timing ?? DEFAULT_TIMING,
    order: workers > 0 ? longestFirst(specs) : undefined,
    signal: options.signal,
    onResult: options.onResult,
    limits: options.limits,
  });
  return buildResultSet(specs, results, {
    suite: options.suite ?? AD_HOC_SUITE,
    createdAt,
    partial: aborted,
    workers,
    plannedRuns: specs.length,
    limits: options.limits ?? DEFAULT_LIMITS,
  });
}
