import { listStrategies } from '../strategies/index.js';
import { ConfigError } from '../shared/errors.js';
import { expandMatrices } from './matrix.js';
import { matrixRunCount } from './matrix-size.js';
import { DEFAULT_SUITE, loadSuite } from './suites.js';
import type { ParamMatrix, RunSpec, Suite } from './types.js';

/** Suite name recorded for a matrix given on the command line. */
export const AD_HOC_SUITE = 'ad-hoc';

/** What a `run` will execute. */
export interface RunPlan {
  /** Suite name for the result set (`ad-hoc` for a command-line matrix). */
  suiteName: string;
  kind: Suite['kind'];
  specs: RunSpec[];
}

/**
 * Turn a suite name (or none) and command-line axes into run specs. With no suite and no axes, the default
 * suite; with no suite and some axes, one ad-hoc matrix (other axes from DEFAULT_PARAMS, every registered
 * strategy unless --strategy is given); with a suite and axes, the axes replace the suite's own in each of
 * its matrices. Throws ConfigError (from resolveParams or the suite loader) before anything runs.
 */
export async function planRuns(
  suiteArg: string | undefined,
  overrides: ParamMatrix,
  options: { maxRuns?: number } = {},
): Promise<RunPlan> {
  const hasOverrides = Object.keys(overrides).length > 0;
  if (suiteArg === undefined && hasOverrides) {
    checkSize([overrides], AD_HOC_SUITE, options.maxRuns);
    return { suiteName: AD_HOC_SUITE, kind: 'scenario', specs: expandMatrices([overrides], listStrategies()) };
  }
  const { suite, url } = await loadSuite(suiteArg ?? DEFAULT_SUITE);
  if (suite.kind === 'micro') {
    if (hasOverrides) {
      throw new ConfigError(
        `SUITE: ${suite.name} is a micro-benchmark suite; the scenario parameters ${Object.keys(overrides).join(', ')} do not apply to it`,
        'SUITE',
      );
    }
    const specs: RunSpec[] = suite.tasks().map((task) => ({
      kind: 'micro',
      id: `micro ${task.name}`,
      params: { name: task.name },
      suiteUrl: url,
    }));
    return { suiteName: suite.name, kind: 'micro', specs };
  }
  const matrices = suite.matrices.map((matrix) => ({ ...matrix, ...overrides }));
  checkSize(matrices, suite.name, options.maxRuns);
  return { suiteName: suite.name, kind: 'scenario', specs: expandMatrices(matrices, listStrategies()) };
}

/**
 * Refuse a matrix above `maxRuns` runs, counted from its axes before a single spec is built (a 10-million-run
 * matrix would otherwise take gigabytes before the first run). ConfigError naming the count and the override.
 */
function checkSize(matrices: readonly ParamMatrix[], suiteName: string, maxRuns: number | undefined): void {
  if (maxRuns === undefined) return;
  const count = matrixRunCount(matrices, listStrategies().length);
  if (count > maxRuns) {
    throw new ConfigError(
      `--max-runs: suite ${suiteName} expands to ${count.toLocaleString('en-US')} runs, more than --max-runs ${maxRuns.toLocaleString('en-US')}; ` +
        'expected a smaller matrix (fewer values per axis, fewer --seeds), or a larger --max-runs',
      '--max-runs',
    );
  }
}
