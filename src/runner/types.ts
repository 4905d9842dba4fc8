import type { ForkExitParams, RunMetrics } from '../scenarios/types.js';

export const RESULTS_SCHEMA = 'pinbench.results/v1';

/** Wall-clock measurements of a run: `noisy`. */
export interface WallStats {
  /** Wall time of the whole run, ms. */
  durationMs: number;
  /** Simulated events per wall second. */
  eventsPerSec?: number;
  /** Wall ns per simulated event divided by the calibration loop's ns per iteration (machine-normalised). */
  normalisedPerEvent?: number;
  /** Raw samples in ms (tinybench or repeated runs), kept so comparisons can test them. */
  samplesMs?: number[];
  /** tinybench's statistics, ms. */
  meanMs?: number;
  p50Ms?: number;
  p99Ms?: number;
  rme?: number;
  samples?: number;
  /** ns per iteration of the calibration loop (src/runner/calibrate.ts), timed in the same thread. */
  calibrationNsPerIter?: number;
}

export type RunResult =
  | { id: string; kind: 'scenario'; params: ForkExitParams; status: 'ok'; metrics: RunMetrics; wall: WallStats }
  | { id: string; kind: 'micro'; params: { name: string }; status: 'ok'; wall: WallStats }
  | { id: string; kind: 'scenario' | 'micro'; params: Record<string, unknown>; status: 'error'; error: string };

export interface Environment {
  node: string;
  os: string;
  cpuModel: string;
  cores: number;
  memoryBytes: number;
}

export interface ResultSet {
  schema: typeof RESULTS_SCHEMA;
  tool: { name: 'pinbench'; version: string; commit: string | null };
  environment: Environment;
  suite: string;
  /** Cost profiles used, by name, with every number. */
  profiles: Record<string, unknown>;
  createdAt: string;
  /** True when the run was interrupted and only finished runs are present. */
  partial: boolean;
  /** The command line that produced this set (arguments after `pinbench`), for reproduction. */
  argv?: string[];
  /** Worker threads of the pool (0: in-process). */
  workers?: number;
  runs: RunResult[];
}

/** One scenario run to execute: resolved parameters and a stable id. */
export interface ScenarioRunSpec {
  kind: 'scenario';
  /** Stable, human-readable id, unique within a suite, e.g. `per-pte-deferred 4level ptePages=64 vcpus=4 seed=1`. */
  id: string;
  params: ForkExitParams;
}

/** One micro-benchmark to execute: a named tinybench task of a micro suite module. */
export interface MicroRunSpec {
  kind: 'micro';
  id: string;
  params: { name: string };
  /** URL of the suite module that declares the task. */
  suiteUrl: string;
}

export type RunSpec = ScenarioRunSpec | MicroRunSpec;

/** One value or a list of values per parameter; lists expand to the cartesian product. */
export type ParamMatrix = {
  [K in Exclude<keyof ForkExitParams, 'scenario' | 'vmas'>]?: ReadonlyArray<ForkExitParams[K]>;
};

/** A suite of scenario runs: `benchmarks/NAME.ts` default-exports one. */
export interface ScenarioSuite {
  kind: 'scenario';
  name: string;
  /** One sentence: what the suite shows. */
  description: string;
  /**
   * Parameter matrices; each expands to its cartesian product and the union is the suite. A missing
   * `strategy` axis means every registered strategy; other missing axes take `DEFAULT_PARAMS`.
   */
  matrices: readonly ParamMatrix[];
}

/** A micro-benchmark task: `setup` builds the state once, `fn` is timed by tinybench. */
export interface MicroTask {
  name: string;
  /** One sentence: what is timed, per call. */
  description: string;
  /** Builds the state and returns the function tinybench calls repeatedly. */
  setup: () => () => unknown;
}

/** A suite of tinybench micro-benchmarks, run one after another in one thread. */
export interface MicroSuite {
  kind: 'micro';
  name: string;
  description: string;
  /** The tasks; a function so that strategies registered from `--strategy-module` are seen. */
  tasks: () => MicroTask[];
}

export type Suite = ScenarioSuite | MicroSuite;

/** How a run is timed. */
export interface TimingOptions {
  /** Most timed repetitions of a scenario run (tinybench samples), the metrics run included. */
  maxSamples: number;
  /** Stop repeating once this much wall time is spent on one run, ms. */
  budgetMs: number;
}

/** A task sent to a worker (or run in-process): the spec, the modules to import first and the timing. */
export interface RunTask {
  spec: RunSpec;
  /** Absolute paths of strategy modules (`--strategy-module`), imported before the run. */
  strategyModules: string[];
  timing: TimingOptions;
}
