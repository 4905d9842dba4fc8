import type { ForkExitParams } from '../scenarios/types.js';
import type { RunLimits } from './limits.js';

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
  /**
   * Most timed samples of a scenario run (for a micro task: its tinybench samples). A scenario run gets at least
   * `min(MIN_WALL_SAMPLES, maxSamples)` samples whatever its length, and more, up to this, while its samples
   * stay within `budgetMs`.
   */
  maxSamples: number;
  /** Samples beyond the minimum only while this much wall time is spent on one run's samples, ms. */
  budgetMs: number;
}

/** A task sent to a worker (or run in-process): the spec, the modules to import first and the timing. */
export interface RunTask {
  /** `run` (the default): the run's exact metrics and its first timed sample. */
  kind?: 'run';
  spec: RunSpec;
  /** Absolute paths of strategy modules (`--strategy-module`), imported before the run. */
  strategyModules: string[];
  timing: TimingOptions;
  /** Per-run limits (limits.ts); DEFAULT_LIMITS when absent. */
  limits?: RunLimits;
  /** Write a Chrome trace of the run (`run --trace`, trace-files.ts). */
  trace?: TraceTask;
}

/** What a worker needs to trace a run. */
export interface TraceTask {
  /** Absolute path of the trace file. */
  path: string;
  /** Directory of the results.json the run goes into (the run records its trace relative to it). */
  resultsDir: string;
  /** Most trace events: the trace stops there (truncated). */
  maxEvents: number;
  /** Written into the trace's otherData: what the run is. */
  meta: Record<string, unknown>;
}

/**
 * One more timed sample of each of several scenario runs, in a later round of the pass (the samples of a run are
 * spread over time), taken in this order in one task: one message for many short samples.
 */
export interface SampleTask {
  kind: 'samples';
  items: SampleItem[];
  strategyModules: string[];
}

/** One sample to take: the run, and the events its first run simulated (another number is a ModelError). */
export interface SampleItem {
  spec: ScenarioRunSpec;
  events: number;
}

/** A sample taken, or why it could not be (`Name: message`). */
export type SampleOutcome = WallSample | { error: string };

/** One timed sample of a scenario run. */
export interface WallSample {
  /** Wall time of one run of the scenario, ms. */
  ms: number;
  /** ns per iteration of the calibration loop timed just before the sample, in the same thread. */
  calibrationNsPerIter: number;
}

/** What a worker is sent. */
export type WorkerTask = RunTask | SampleTask;
