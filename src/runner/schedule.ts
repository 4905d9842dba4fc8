import { elementAt } from '../shared/element-at.js';
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
  return specs.map((_, i) => i).sort((a, b) => elementAt(cost, b, 'run') - elementAt(cost, a, 'run') || a - b);
}
