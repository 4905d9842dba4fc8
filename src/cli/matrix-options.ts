import { SCENARIO_PARAMS } from '../results/params.js';
import type { MatrixAxis } from '../runner/matrix.js';
import type { ParamMatrix } from '../runner/types.js';
import { checkKernelName, DEFAULT_PARAMS, resolveParams } from '../scenarios/params.js';
import type { ForkExitParams } from '../scenarios/types.js';
import { ConfigError } from '../shared/errors.js';
import { Errors } from './errors.js';
import { numberValue, type OptionSpec, type OptionValue } from './options.js';

const GROUP = 'Scenario parameters (comma lists expand to the cartesian product; given with a SUITE, they replace its axes):';

/** `ptePages` -> `pte-pages`. */
function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * The scenario's parameters as command-line options (`--pte-pages 64,512`), one per entry of results'
 * SCENARIO_PARAMS, plus `--seeds`. A new parameter becomes an option by its line there.
 */
export function matrixOptions(): Record<string, OptionSpec> {
  const options: Record<string, OptionSpec> = {};
  for (const p of SCENARIO_PARAMS) {
    const dflt =
      p.name === 'strategy'
        ? 'every registered strategy'
        : p.name === 'kernel'
          ? 'from the mode'
          : p.name === 'mcArgs'
            ? '16 x MC_BATCH'
            : String(DEFAULT_PARAMS[p.name]);
    options[kebab(p.name)] = { kind: 'list', describe: p.describe, defaultDescription: dflt, group: GROUP };
  }
  options.seeds = {
    kind: 'list',
    describe: 'number of consecutive seeds K from each --seed',
    defaultDescription: '1',
    group: GROUP,
  };
  return options;
}

/**
 * The axes given on the command line, parsed and checked one value at a time so that an error names the option
 * and the value (`--pte-pages: "0" is not allowed; ...`). Axes not given are absent (a suite's own, or DEFAULT_PARAMS).
 */
export function matrixFromArgs(options: Readonly<Record<string, OptionValue>>, maxRuns = Number.POSITIVE_INFINITY): ParamMatrix {
  const matrix: Record<string, unknown[]> = {};
  for (const p of SCENARIO_PARAMS) {
    if (p.name === 'seed') continue;
    const raw = options[p.name];
    if (typeof raw !== 'string') continue;
    const flag = `--${kebab(p.name)}`;
    const values = splitList(raw, flag).map((text) =>
      p.kind === 'string' ? text : numberValue(flag, text, { kind: p.kind, hint: 'or a comma list' }),
    );
    for (const value of values) checkValue(p.name, value);
    matrix[p.name] = values;
  }
  const seedRaw = options.seed;
  const seedsRaw = options.seeds;
  if (typeof seedRaw === 'string' || typeof seedsRaw === 'string') {
    const starts =
      typeof seedRaw === 'string'
        ? splitList(seedRaw, '--seed').map((t) => numberValue('--seed', t, { kind: 'integer', min: 0 }))
        : [DEFAULT_PARAMS.seed];
    let count = 1;
    if (typeof seedsRaw === 'string') {
      const texts = splitList(seedsRaw, '--seeds');
      if (texts.length !== 1)
        throw Errors.badValue('--seeds', seedsRaw, 'one positive integer (the number of consecutive seeds), not a list');
      count = numberValue('--seeds', texts[0] ?? '', { kind: 'integer', min: 1, hint: 'the number of consecutive seeds' });
    }
    if (starts.length * count > maxRuns) {
      throw new ConfigError(
        `--seeds: ${(starts.length * count).toLocaleString('en-US')} seeds are more runs than --max-runs ${maxRuns.toLocaleString('en-US')} allows; expected fewer seeds, or a larger --max-runs`,
        '--seeds',
      );
    }
    // A Set: a million seeds must not cost a million squared comparisons (the run's --max-runs refuses them next).
    const seeds = new Set<number>();
    for (const start of starts) for (let k = 0; k < count; k++) seeds.add(start + k);
    const last = Math.max(...starts) + count - 1;
    checkValue('seed', last);
    matrix.seed = [...seeds];
  }
  return matrix as ParamMatrix;
}

/**
 * Rewrite a ConfigError from resolveParams so it names the command-line option: `ptePages: 0 is not allowed;
 * expected ...` becomes `--pte-pages: 0 is not allowed; expected ...`.
 */
export function withOptionName(error: ConfigError): ConfigError {
  const field = (error.field ?? '').replace(/^params\./, '');
  if (!SCENARIO_PARAMS.some((p) => p.name === field)) return error;
  const option = `--${kebab(field)}`;
  if (error.message.startsWith(option)) return error;
  const message = error.message.startsWith(`${field}: `) ? error.message.slice(field.length + 2) : error.message;
  return new ConfigError(`${option}: ${message}`, option);
}

function splitList(raw: string, flag: string): string[] {
  const items = raw.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw Errors.badValue(flag, raw, 'a comma list of values without empty items');
  return items;
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
