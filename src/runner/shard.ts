import { createHash } from 'node:crypto';
import { canonicalJson } from '../shared/canonical-json.js';
import { ConfigError } from '../shared/errors.js';
import { CostEstimator } from './cost-estimate.js';
import type { RunPlan } from './plan.js';
import type { RunSpec } from './types.js';

// `run --shard i/n`: one part of a plan, for a CI job matrix (as Playwright's and Jest's --shard). Every machine
// computes the same partition from the plan alone: the runs' estimated costs (cost-estimate.ts, a function of the
// parameters and the model) decide it, never the clock, the worker count or the timing options.

/** Which part of a plan a command runs: `index` of `count`, 1-based (`--shard 2/4`). */
export interface ShardSpec {
  index: number;
  count: number;
}

/** Most parts a plan may be cut into. */
export const MAX_SHARDS = 1000;

/** What a part records in its results (ResultSet.shard), so that `pinbench merge` can check that parts belong together. */
export interface ShardRecord {
  index: number;
  count: number;
  /** sha256 of the whole plan: suite name, and every run's id and parameters in plan order. */
  plan: string;
  /** Runs of the whole plan (every part together). */
  planRuns: number;
  /** The runs assigned to this part: their position in the whole plan and their id, in plan order. */
  positions: number[];
  ids: string[];
  /** Estimated wall ms of this part, and of the largest part, on the estimate's nominal machine. */
  estimatedMs: number;
  largestPartMs: number;
}

/**
 * `i/n` as typed: two integers, 1 <= i <= n <= MAX_SHARDS. Throws ConfigError naming `--shard`, the value and the
 * form expected.
 */
export function parseShard(text: string): ShardSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m === null ? Number.NaN : Number(m[1]);
  const count = m === null ? Number.NaN : Number(m[2]);
  if (!(index >= 1 && count >= 1 && index <= count && count <= MAX_SHARDS)) {
    throw new ConfigError(
      `--shard: ${JSON.stringify(text)} is not allowed; expected i/n with 1 <= i <= n <= ${MAX_SHARDS} (the i-th of n parts, e.g. --shard 2/4)`,
      '--shard',
    );
  }
  return { index, count };
}

/** sha256 of a plan: its suite name and every run's id and parameters, in order (hex). */
export function planDigest(suiteName: string, specs: readonly RunSpec[]): string {
  const hash = createHash('sha256');
  hash.update(canonicalJson({ suite: suiteName }));
  for (const spec of specs) hash.update(`\n${canonicalJson({ id: spec.id, kind: spec.kind, params: spec.params })}`);
  return `sha256:${hash.digest('hex')}`;
}

/**
 * Cut `costs.length` runs into `count` parts of about equal cost: the costliest run first, each to the part with the
 * least cost so far (the lowest-numbered part on a tie); ties between runs keep plan order. Returns each part's run
 * indexes in plan order. Deterministic: the same costs give the same parts on every machine. The largest part is at
 * most 4/3 of the best possible (Graham's bound for this greedy rule), and within one run's cost of the mean.
 */
export function partition(costs: readonly number[], count: number): number[][] {
  const order = costs.map((_, i) => i).sort((a, b) => (costs[b] ?? 0) - (costs[a] ?? 0) || a - b);
  const load = new Array<number>(count).fill(0);
  const parts: number[][] = Array.from({ length: count }, () => []);
  for (const i of order) {
    let best = 0;
    for (let k = 1; k < count; k++) if ((load[k] ?? 0) < (load[best] ?? 0)) best = k;
    load[best] = (load[best] ?? 0) + (costs[i] ?? 0);
    parts[best]?.push(i);
  }
  for (const part of parts) part.sort((a, b) => a - b);
  return parts;
}

/** The part `shard` of `plan`: its specs (in plan order) and the record its results carry. */
export function shardPlan(
  plan: RunPlan,
  shard: ShardSpec,
  estimator = new CostEstimator(),
): { plan: RunPlan; record: ShardRecord } {
  const costs = plan.specs.map((spec) => estimator.estimate(spec).wallMs);
  const parts = partition(costs, shard.count);
  const mine = parts[shard.index - 1] ?? [];
  const partMs = parts.map((part) => part.reduce((a, i) => a + (costs[i] ?? 0), 0));
  const specs = mine.map((i) => plan.specs[i] as RunSpec);
  return {
    plan: { ...plan, specs },
    record: {
      index: shard.index,
      count: shard.count,
      plan: planDigest(plan.suiteName, plan.specs),
      planRuns: plan.specs.length,
      positions: mine,
      ids: specs.map((s) => s.id),
      estimatedMs: round(partMs[shard.index - 1] ?? 0),
      largestPartMs: round(Math.max(...partMs)),
    },
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
