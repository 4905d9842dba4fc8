import type { RunSpec } from './types.js';

/**
 * Rough relative cost of a run, for scheduling only: the walk visits every PTE page on each pin and unpin,
 * and every racing vCPU adds events while the mm is pinned.
 */
export function estimatedCost(spec: RunSpec): number {
  if (spec.kind === 'micro') return 1;
  const { ptePages, iterations, vcpus } = spec.params;
  return ptePages * iterations * vcpus;
}

/**
 * Submission order for a pool: longest runs first (LPT scheduling), so that the last runs to finish are short
 * ones and no worker sits idle while another finishes a long run. Ties keep spec order. Results are still
 * collected in spec order; the order only changes which worker runs what, never a metric.
 */
export function longestFirst(specs: readonly RunSpec[]): number[] {
  const cost = specs.map(estimatedCost);
  return specs.map((_, i) => i).sort((a, b) => cost[b] - cost[a] || a - b);
}

/**
 * Estimated cost of the runs one pool task carries: small runs travel together so that the round trip to a worker
 * (about 1-4 ms of messaging and scheduling, during which the worker idles) is paid once per task, not per run.
 * In estimatedCost units (PTE pages x iterations x vCPUs): about 40 ms of simulation and sampling on a 2-core
 * machine of 2025, short enough that a chunk in flight finishes within the abort grace period.
 */
export const POOL_TASK_COST = 10_000;
/** Most runs in one pool task, so progress still moves run by run on a big suite of tiny runs. */
export const POOL_TASK_MAX_RUNS = 16;

/**
 * Split a submission order into pool tasks: consecutive runs (in that order) grouped until their estimated cost
 * reaches `targetCost` or the group has `maxRuns` runs; a run that costs `targetCost` or more, and every micro
 * benchmark (timed one at a time), travels alone. Every index of `order` appears once, in order.
 */
export function chunkByCost(
  specs: readonly RunSpec[],
  order: readonly number[],
  targetCost = POOL_TASK_COST,
  maxRuns = POOL_TASK_MAX_RUNS,
): number[][] {
  const chunks: number[][] = [];
  let current: number[] = [];
  let cost = 0;
  for (const index of order) {
    const spec = specs[index];
    const c = estimatedCost(spec);
    if (spec.kind === 'micro' || c >= targetCost) {
      if (current.length > 0) chunks.push(current);
      chunks.push([index]);
      current = [];
      cost = 0;
      continue;
    }
    current.push(index);
    cost += c;
    if (cost >= targetCost || current.length >= maxRuns) {
      chunks.push(current);
      current = [];
      cost = 0;
    }
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
