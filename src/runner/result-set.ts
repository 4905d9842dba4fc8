import { COST_PROFILES } from '../hv/cost-profiles.js';
import { collectEnvironment, toolInfo } from './environment.js';
import { RESULTS_SCHEMA } from '../results/schema.js';
import type { ResultSet, RunResult } from '../results/types.js';
import type { RunLimits } from './limits.js';
import type { ShardRecord } from './shard.js';
import type { RunSpec } from './types.js';

/** Inputs of a result set besides the runs. */
export interface ResultSetInfo {
  suite: string;
  /** When the run started. */
  createdAt: Date;
  partial: boolean;
  argv?: string[];
  workers?: number;
  /** Runs the command set out to run (recorded when the set is partial, so readers can say "33 of 80"). */
  plannedRuns?: number;
  /** Per-run limits in force. */
  limits?: RunLimits;
  /** The outcome of --check-determinism, when it ran. */
  determinism?: ResultSet['determinism'];
  /** The part of a plan this set holds (`run --shard`). */
  shard?: ShardRecord;
  /** The specs whose cost profiles the set embeds, when not `specs` (a part embeds its whole plan's). */
  profileSpecs?: readonly RunSpec[];
}

/**
 * Assemble a `pinbench.results/v1` document. `results[i]` belongs to `specs[i]`; unfinished runs (undefined,
 * after Ctrl-C) are left out, the others stay in spec order. Every cost profile a spec names is embedded.
 */
export function buildResultSet(
  specs: readonly RunSpec[],
  results: ReadonlyArray<RunResult | undefined>,
  info: ResultSetInfo,
): ResultSet {
  const profiles: Record<string, unknown> = {};
  for (const spec of info.profileSpecs ?? specs) {
    if (spec.kind !== 'scenario') continue;
    const profile = COST_PROFILES[spec.params.profile];
    if (profile !== undefined) profiles[profile.name] = { ...profile };
  }
  const set: ResultSet = {
    schema: RESULTS_SCHEMA,
    tool: toolInfo(),
    environment: collectEnvironment(),
    suite: info.suite,
    profiles,
    createdAt: info.createdAt.toISOString(),
    partial: info.partial,
    ...(info.argv !== undefined ? { argv: info.argv } : {}),
    ...(info.workers !== undefined ? { workers: info.workers } : {}),
    ...(info.plannedRuns !== undefined ? { plannedRuns: info.plannedRuns } : {}),
    ...(info.limits !== undefined ? { limits: { ...info.limits } } : {}),
    ...(info.determinism !== undefined ? { determinism: info.determinism } : {}),
    ...(info.shard !== undefined ? { shard: info.shard } : {}),
    runs: results.filter((r): r is RunResult => r !== undefined),
  };
  return set;
}
