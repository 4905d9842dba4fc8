import { SCENARIO_PARAMS } from '../results/params.js';
import { defaultParamValue, resolveParams } from '../scenarios/params.js';
import type { ForkExitParams } from '../scenarios/types.js';
import type { ParamMatrix, ScenarioRunSpec } from './types.js';

export type MatrixAxis = keyof ParamMatrix;

/** Matrix axes in expansion order (results' SCENARIO_PARAMS): outermost first, seed innermost. */
export const MATRIX_AXES: readonly MatrixAxis[] = SCENARIO_PARAMS.map((p) => p.name);

/** Axes always named in a run id; the others appear only when they differ from DEFAULT_PARAMS. */
const ID_AXES: readonly MatrixAxis[] = ['ptePages', 'vcpus', 'seed'];

/**
 * Expand matrices into the cartesian product of their axes, in MATRIX_AXES order, and resolve every point
 * with `resolveParams` (which throws ConfigError naming the field). `allStrategies` fills a missing
 * `strategy` axis. Duplicate points (same id) are kept once, at their first position.
 */
export function expandMatrices(matrices: readonly ParamMatrix[], allStrategies: readonly string[]): ScenarioRunSpec[] {
  const specs: ScenarioRunSpec[] = [];
  const seen = new Set<string>();
  for (const matrix of matrices) {
    const filled: ParamMatrix = { strategy: allStrategies, ...matrix };
    for (const point of cartesian(filled)) {
      const params = resolveParams(point);
      const id = runId(params);
      if (seen.has(id)) continue;
      seen.add(id);
      specs.push({ kind: 'scenario', id, params });
    }
  }
  return specs;
}

/**
 * A stable, readable id for a run: strategy, mode, PTE pages, vCPUs, seed, and any other parameter that
 * differs from its default (the kernel from the mode's, MC_ARGS from MC_BATCH's), e.g.
 * `whole-lock 4level ptePages=300 vcpus=4 seed=2 profile=xeon-2007`.
 */
export function runId(params: ForkExitParams): string {
  const parts: string[] = [params.strategy, params.mode];
  for (const axis of MATRIX_AXES) {
    if (axis === 'strategy' || axis === 'mode') continue;
    if (ID_AXES.includes(axis) || params[axis] !== defaultParamValue(axis, params)) parts.push(`${axis}=${String(params[axis])}`);
  }
  if (params.vmas !== undefined) parts.push(`vmas=${params.vmas.map((v) => `${v.start}+${v.length}`).join(',')}`);
  return parts.join(' ');
}

function* cartesian(matrix: ParamMatrix): Generator<Partial<ForkExitParams>> {
  const axes = MATRIX_AXES.filter((axis) => matrix[axis] !== undefined);
  const values = axes.map((axis) => matrix[axis] as ReadonlyArray<unknown>);
  if (values.some((list) => list.length === 0)) return;
  const index = new Array<number>(axes.length).fill(0);
  for (;;) {
    const point: Record<string, unknown> = { scenario: 'fork-exit' };
    axes.forEach((axis, i) => {
      point[axis] = values[i]?.[index[i] ?? 0];
    });
    yield point as Partial<ForkExitParams>;
    // Odometer increment, innermost (last) axis fastest.
    let i = axes.length - 1;
    for (; i >= 0; i--) {
      const next = (index[i] ?? 0) + 1;
      if (next < (values[i]?.length ?? 0)) {
        index[i] = next;
        break;
      }
      index[i] = 0;
    }
    if (i < 0) return;
  }
}
