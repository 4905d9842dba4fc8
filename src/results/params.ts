import type { ForkExitParams } from '../scenarios/types.js';

/**
 * A parameter of a scenario run as readers and the command line see it. The table below is the one place
 * (outside the scenario itself) where a run parameter is declared: matrix expansion and run ids (runner), the
 * command-line option (cli: `--NAME` in kebab-case), the report's filters and labels and the CLI summary all
 * read it. To add a parameter: declare it in the scenario (src/scenarios: `ForkExitParams`, `DEFAULT_PARAMS`,
 * its zod schema), then add one line here.
 */
export interface ScenarioParamInfo {
  /** Field of the parameters (`ptePages`). */
  name: Exclude<keyof ForkExitParams, 'scenario' | 'vmas'>;
  /** How a value is typed on the command line. */
  kind: 'string' | 'integer' | 'number';
  /** Short label with its unit, for tables and filters (`PTE pages`, `dwell (ns)`). */
  label: string;
  /** What it is, with its unit and allowed values, for --help (the default is added from the scenario). */
  describe: string;
}

const PARAMS = [
  { name: 'strategy', kind: 'string', label: 'strategy', describe: 'strategies, comma list (see `pinbench list strategies`)' },
  { name: 'mode', kind: 'string', label: 'paging mode', describe: 'paging modes, comma list: 2level, pae, 4level' },
  {
    name: 'kernel',
    kind: 'string',
    label: 'kernel',
    describe:
      'guest kernels, comma list: 2.6.24, current; only pairs that shipped: 2.6.24 with 2level or pae, current with pae or 4level (default: 2.6.24 for 2level and pae, current for 4level)',
  },
  {
    name: 'ptePages',
    kind: 'integer',
    label: 'PTE pages',
    describe: 'PTE pages per mm, comma list; at most 768 (2level), 1536 (pae), 67108864 (4level)',
  },
  {
    name: 'vcpus',
    kind: 'integer',
    label: 'vCPUs',
    describe: 'vCPUs, comma list; vCPU 0 pins, the others are racing PTE writers',
  },
  {
    name: 'writerThinkNs',
    kind: 'number',
    label: 'writer think (ns, mean)',
    describe: 'mean think time of the racing writers (exponential), ns',
  },
  {
    name: 'dwellNs',
    kind: 'number',
    label: 'dwell (ns)',
    describe: 'virtual time the mm stays pinned between pin and unpin, ns',
  },
  { name: 'iterations', kind: 'integer', label: 'iterations (pin/unpin cycles)', describe: 'pin + unpin cycles per run' },
  {
    name: 'profile',
    kind: 'string',
    label: 'cost profile',
    describe: 'cost profiles, comma list (see `pinbench list profiles`)',
  },
  { name: 'mcBatch', kind: 'integer', label: 'MC_BATCH (slots)', describe: 'MC_BATCH, multicall entry slots per batch' },
  { name: 'mcArgs', kind: 'integer', label: 'MC_ARGS (bytes)', describe: 'MC_ARGS, argument bytes per batch' },
  {
    name: 'preemptBits',
    kind: 'integer',
    label: 'PREEMPT_BITS',
    describe: 'PREEMPT_BITS of the preempt counter (the depth limit is 2^bits - 1)',
  },
  {
    name: 'seed',
    kind: 'integer',
    label: 'seed',
    describe: 'first seed S (or a comma list); with --seeds K, runs seeds S..S+K-1',
  },
] as const;

/** The parameters, in matrix expansion order: outermost first, seed innermost (so a strategy's seeds sit together). */
export const SCENARIO_PARAMS: readonly ScenarioParamInfo[] = PARAMS;

/**
 * A parameter of the scenario missing from the table fails the build here, naming it: without its line it would
 * have no option, no label, and a suite's axis for it would not expand.
 */
type UndeclaredParams = Exclude<ScenarioParamInfo['name'], (typeof PARAMS)[number]['name']>;
const everyParamDeclared: [UndeclaredParams] extends [never] ? true : UndeclaredParams = true;
void everyParamDeclared;

/** The label of a parameter (`PTE pages`), or its name when the table does not know it. */
export function paramLabel(name: string): string {
  return SCENARIO_PARAMS.find((p) => p.name === name)?.label ?? (name === 'vmas' ? 'VMA layout' : name);
}
