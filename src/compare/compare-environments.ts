import type { Environment } from '../results/types.js';
import type { EnvironmentComparison, EnvironmentDifference } from './types.js';

/** Fields whose difference makes raw wall times incomparable: another CPU, or another V8. */
const WALL_CLOCK_FIELDS = ['cpuModel', 'node'] as const;

/** Whether raw wall-clock times of the two environments may be compared, and what differs. */
export function compareEnvironments(baseline: Environment, current: Environment): EnvironmentComparison {
  const differences: EnvironmentDifference[] = [];
  for (const field of WALL_CLOCK_FIELDS) {
    if (baseline[field] !== current[field]) differences.push({ field, baseline: baseline[field], current: current[field] });
  }
  return { comparable: differences.length === 0, differences };
}

/** One-line description of the differences, e.g. `cpuModel "A" vs "B"; node "v20.1" vs "v22.3"`. */
export function describeDifferences(differences: readonly EnvironmentDifference[]): string {
  return differences.map((d) => `${d.field} ${JSON.stringify(d.baseline)} vs ${JSON.stringify(d.current)}`).join('; ');
}
