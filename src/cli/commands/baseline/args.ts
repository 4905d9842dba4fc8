import { availableParallelism } from 'node:os';
import type { CommandSpec, ParsedCommandLine } from '../../options.js';
import type { RunLimits } from '../../../runner/limits.js';
import { DEFAULT_BUDGET_MS, DEFAULT_MAX_SAMPLES } from '../../run-defaults.js';
import { LIMIT_OPTIONS, limitsFromArgs, workersOption } from '../run/args.js';

/** Suite `baseline update` runs when none is named. */
export const DEFAULT_BASELINE_SUITE = 'ci';
/** Directory of the committed baselines, one `SUITE.json` each. */
export const DEFAULT_BASELINE_DIR = 'reports/baselines';

/** Arguments of `pinbench baseline update`. */
export interface BaselineUpdateArgs {
  suite: string;
  dir: string;
  workers: number;
  samples: number;
  budgetMs: number;
  checkDeterminism: boolean;
  quiet: boolean;
  limits: RunLimits;
  maxRuns: number;
}

const EPILOGUE = `Runs SUITE (default: ${DEFAULT_BASELINE_SUITE}) as \`pinbench run\` does, by default with --check-determinism,
and only when every run succeeded writes it atomically to DIR/SUITE.json (default DIR: ${DEFAULT_BASELINE_DIR}).
When a previous baseline exists, the exact changes against it are printed: a deliberate change to the
model updates the baseline in the same commit, and the commit message says why each change is expected.

Exit codes: 0 baseline written; 1 a run failed (baseline unchanged); 2 bad input; 4 not
deterministic (baseline unchanged); 130 interrupted (baseline unchanged).`;

export const baselineUpdateSpec: CommandSpec = {
  name: 'baseline update',
  summary: `Run SUITE (default: ${DEFAULT_BASELINE_SUITE}) and rewrite ${DEFAULT_BASELINE_DIR}/SUITE.json.`,
  positionals: [{ name: 'suite', describe: 'suite name (see `pinbench list suites`) or path to a suite module' }],
  options: {
    dir: {
      kind: 'string',
      valueName: 'DIR',
      default: DEFAULT_BASELINE_DIR,
      describe: 'directory of the baselines; receives SUITE.json',
    },
    workers: workersOption(
      'worker threads of the piscina pool; 0 runs every run in this process',
      availableParallelism(),
      `available cores (${availableParallelism()})`,
    ),
    samples: {
      kind: 'integer',
      min: 1,
      default: DEFAULT_MAX_SAMPLES,
      describe: 'most wall-clock samples of each run, one per round of the pass (at least 5)',
    },
    'budget-ms': {
      kind: 'number',
      min: 0,
      hint: 'milliseconds',
      default: DEFAULT_BUDGET_MS,
      describe: 'samples of a run beyond the fifth only while all its samples fit in this much wall time, ms',
    },
    'check-determinism': {
      kind: 'boolean',
      default: true,
      describe: 'run every run twice (reverse order, fresh pool) and refuse a baseline whose exact metrics differ',
    },
    quiet: { kind: 'boolean', short: 'q', describe: 'no progress bar and no tables; errors and the path written only' },
    ...LIMIT_OPTIONS,
  },
  epilogue: EPILOGUE,
  examples: [['pinbench baseline update', `rewrite ${DEFAULT_BASELINE_DIR}/${DEFAULT_BASELINE_SUITE}.json`]],
};

export function baselineUpdateArgs(parsed: ParsedCommandLine): BaselineUpdateArgs {
  const o = parsed.options;
  return {
    suite: (parsed.positionals.suite as string | undefined) ?? DEFAULT_BASELINE_SUITE,
    dir: o.dir as string,
    workers: o.workers as number,
    samples: o.samples as number,
    budgetMs: o.budgetMs as number,
    checkDeterminism: o.checkDeterminism as boolean,
    quiet: o.quiet as boolean,
    limits: limitsFromArgs(o),
    maxRuns: o.maxRuns as number,
  };
}
