import type { Argv, Options } from 'yargs';
import { COST_PROFILES, DEFAULT_PROFILE } from '../hv/cost-profiles.js';
import { allowedKernelModePairs, KERNEL_VERSIONS } from '../mmu/kernel-era.js';
import { checkKernelName, DEFAULT_PARAMS, resolveParams } from '../scenarios/index.js';
import type { ForkExitParams } from '../scenarios/index.js';
import type { MatrixAxis } from '../runner/matrix.js';
import type { ParamMatrix } from '../runner/types.js';
import { ConfigError } from '../shared/errors.js';

/** How the values of one command-line axis are parsed. */
type AxisKind = 'string' | 'integer' | 'number';

interface AxisOption {
  /** The command-line option, without dashes. */
  option: string;
  axis: Exclude<MatrixAxis, 'seed'>;
  kind: AxisKind;
  describe: string;
}

/** The scenario's parameters as comma-list options; lists expand to the cartesian product. */
export const AXIS_OPTIONS: readonly AxisOption[] = [
  {
    option: 'strategy',
    axis: 'strategy',
    kind: 'string',
    describe: 'strategies, comma list (see `pinbench list strategies`) [default: every registered strategy]',
  },
  { option: 'mode', axis: 'mode', kind: 'string', describe: `paging modes, comma list: 2level, pae, 4level [default: ${DEFAULT_PARAMS.mode}]` },
  {
    option: 'kernel',
    axis: 'kernel',
    kind: 'string',
    describe:
      `guest kernels, comma list: ${KERNEL_VERSIONS.join(', ')}; only pairs that shipped: ${allowedKernelModePairs().join(', ')} ` +
      '[default: 2.6.24 for 2level and pae, current for 4level]',
  },
  {
    option: 'pte-pages',
    axis: 'ptePages',
    kind: 'integer',
    describe: `PTE pages per mm, comma list; at most 768 (2level), 1536 (pae), 67108864 (4level) [default: ${DEFAULT_PARAMS.ptePages}]`,
  },
  {
    option: 'vcpus',
    axis: 'vcpus',
    kind: 'integer',
    describe: `vCPUs, comma list; vCPU 0 pins, the others are racing PTE writers [default: ${DEFAULT_PARAMS.vcpus}]`,
  },
  { option: 'iterations', axis: 'iterations', kind: 'integer', describe: `pin + unpin cycles per run [default: ${DEFAULT_PARAMS.iterations}]` },
  {
    option: 'dwell-ns',
    axis: 'dwellNs',
    kind: 'number',
    describe: `virtual time the mm stays pinned between pin and unpin, ns [default: ${DEFAULT_PARAMS.dwellNs}]`,
  },
  {
    option: 'writer-think-ns',
    axis: 'writerThinkNs',
    kind: 'number',
    describe: `mean think time of the racing writers (exponential), ns [default: ${DEFAULT_PARAMS.writerThinkNs}]`,
  },
  {
    option: 'profile',
    axis: 'profile',
    kind: 'string',
    describe: `cost profiles, comma list: ${Object.keys(COST_PROFILES).join(', ')} [default: ${DEFAULT_PROFILE}]`,
  },
  { option: 'mc-batch', axis: 'mcBatch', kind: 'integer', describe: `MC_BATCH, multicall entry slots per batch [default: ${DEFAULT_PARAMS.mcBatch}]` },
  { option: 'mc-args', axis: 'mcArgs', kind: 'integer', describe: 'MC_ARGS, argument bytes per batch [default: 16 x MC_BATCH]' },
  {
    option: 'preempt-bits',
    axis: 'preemptBits',
    kind: 'integer',
    describe: `PREEMPT_BITS of the preempt counter (the depth limit is 2^bits - 1) [default: ${DEFAULT_PARAMS.preemptBits}]`,
  },
];

/** Option names by parameter field, for messages: `ptePages` -> `--pte-pages`. */
export const OPTION_FOR_FIELD: Readonly<Record<string, string>> = Object.fromEntries([
  ...AXIS_OPTIONS.map((o) => [o.axis, `--${o.option}`]),
  ['seed', '--seed'],
]);

/** Add the axis options, `--seed` and `--seeds` to a command. */
export function withMatrixOptions<T>(yargs: Argv<T>): Argv<T> {
  let y = yargs.group(
    [...AXIS_OPTIONS.map((o) => o.option), 'seed', 'seeds'],
    'Scenario parameters (comma lists expand to the cartesian product; given with a SUITE, they replace its axes):',
  );
  for (const o of AXIS_OPTIONS) {
    const spec: Options = { type: 'string', describe: o.describe, requiresArg: true };
    y = y.option(o.option, spec);
  }
  return y
    .option('seed', {
      type: 'string',
      requiresArg: true,
      describe: `first seed S (or a comma list); with --seeds K, runs seeds S..S+K-1 [default: ${DEFAULT_PARAMS.seed}]`,
    })
    .option('seeds', { type: 'string', requiresArg: true, describe: 'number of consecutive seeds K from each --seed [default: 1]' });
}

/**
 * The axes given on the command line, parsed and checked one value at a time so that an error names the
 * option and the value (`--pte-pages 0: ...`). Axes not given are absent (a suite's own, or DEFAULT_PARAMS).
 */
export function matrixFromArgs(args: Record<string, unknown>): ParamMatrix {
  const matrix: Record<string, unknown[]> = {};
  for (const o of AXIS_OPTIONS) {
    const raw = args[o.option];
    if (raw === undefined) continue;
    const values = splitList(raw, o.option).map((text) => parseValue(text, o.option, o.kind));
    for (const value of values) checkValue(o.axis, value);
    matrix[o.axis] = values;
  }
  const seedsRaw = args.seeds;
  if (args.seed !== undefined || seedsRaw !== undefined) {
    const starts = args.seed === undefined ? [DEFAULT_PARAMS.seed] : splitList(args.seed, 'seed').map((t) => parseValue(t, 'seed', 'integer') as number);
    let count = 1;
    if (seedsRaw !== undefined) {
      const texts = splitList(seedsRaw, 'seeds');
      count = parseValue(texts[0], 'seeds', 'integer') as number;
      if (texts.length !== 1 || count < 1) {
        throw new ConfigError(`--seeds: ${JSON.stringify(String(seedsRaw))} is not allowed; expected one positive integer (the number of consecutive seeds)`, '--seeds');
      }
    }
    const seeds: number[] = [];
    for (const start of starts) for (let k = 0; k < count; k++) if (!seeds.includes(start + k)) seeds.push(start + k);
    for (const seed of seeds) checkValue('seed', seed);
    matrix.seed = seeds;
  }
  return matrix as ParamMatrix;
}

/**
 * Rewrite a ConfigError from resolveParams so it names the command-line option: `ptePages: 0 is not allowed;
 * expected ...` becomes `--pte-pages: 0 is not allowed; expected ...`.
 */
export function withOptionName(error: ConfigError): ConfigError {
  const field = (error.field ?? '').replace(/^params\./, '');
  const option = OPTION_FOR_FIELD[field];
  if (option === undefined || error.message.startsWith(option)) return error;
  const message = error.message.startsWith(`${field}: `) ? error.message.slice(field.length + 2) : error.message;
  return new ConfigError(`${option}: ${message}`, option);
}

function splitList(raw: unknown, option: string): string[] {
  const joined = (Array.isArray(raw) ? raw : [raw]).map(String).join(',');
  const items = joined.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) {
    throw new ConfigError(`--${option}: ${JSON.stringify(joined)} has an empty item; expected a comma list of values`, `--${option}`);
  }
  return items;
}

function parseValue(text: string, option: string, kind: AxisKind): string | number {
  if (kind === 'string') return text;
  // Accept 4096, 4_096 and 1e3; reject 12abc, 0x10 and empty strings.
  const value = /^[+-]?(\d[\d_]*)(\.\d+)?([eE][+-]?\d+)?$/.test(text) ? Number(text.replace(/_/g, '')) : Number.NaN;
  const expected = kind === 'integer' ? 'an integer (or a comma list of integers)' : 'a number (or a comma list of numbers)';
  if (!Number.isFinite(value) || (kind === 'integer' && !Number.isInteger(value))) {
    throw new ConfigError(`--${option}: ${JSON.stringify(text)} is not allowed; expected ${expected}`, `--${option}`);
  }
  return value;
}

/** Let the scenario's own validation judge one value alone, so the message names that value. */
function checkValue(axis: MatrixAxis, value: unknown): void {
  try {
    // A kernel is only valid with some modes: check the name here, the pairs when the matrix is expanded.
    if (axis === 'kernel') checkKernelName(value);
    else resolveParams({ [axis]: value } as Partial<ForkExitParams>);
  } catch (error) {
    throw error instanceof ConfigError ? withOptionName(error) : error;
  }
}
