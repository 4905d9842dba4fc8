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
  runs: RunResult[];
}
