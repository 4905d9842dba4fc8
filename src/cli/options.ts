import type { Argv, Options } from 'yargs';
import yargsParser from 'yargs-parser';
import { Errors, UsageError } from './errors.js';

// The one option parser of the CLI. Each command declares its positionals and options as data (its args.ts);
// this module parses a command line against that declaration with yargs' parser, converts every value to its kind
// with one wording for every bad value, and has yargs render the command's --help from the same declaration.
// Only a command that runs loads it (`pinbench --version` and `pinbench --help` do not), and yargs itself (its
// help renderer costs 150-200 ms of start-up on a loaded machine) only for a command's --help.

/** How an option's value is read. */
export type OptionKind =
  /** A flag; `--no-NAME` turns a default-true flag off. */
  | 'boolean'
  /** One string; given twice, the last wins. */
  | 'string'
  /** An integer (4096, 4_096, 1e3), with optional bounds. */
  | 'integer'
  /** A finite number, with optional bounds. */
  | 'number'
  /** A comma list, kept as given (`--pte-pages 64,512`); given twice, the lists are joined. */
  | 'list'
  /** A repeatable string (`--strategy-module A --strategy-module B`). */
  | 'strings';

/** One option of a command. Names are kebab-case (`budget-ms`); parsed values are keyed in camelCase (`budgetMs`). */
export interface OptionSpec {
  kind: OptionKind;
  /** One-letter alias. */
  short?: string;
  /** What the option does, with its unit. */
  describe: string;
  /** The value when the option is absent; strings are converted like a typed value. */
  default?: string | number | boolean;
  /** Shown as the default in --help instead of `default` (e.g. "available cores (2)"). */
  defaultDescription?: string;
  /** Allowed values of a `string` option. */
  choices?: readonly string[];
  /** Bounds of an `integer` or `number` option. */
  min?: number;
  max?: number;
  /** The bounds themselves are not allowed (`> 0` rather than `>= 0`). */
  exclusive?: boolean;
  /** What the number means, for messages: `milliseconds`, `0 runs in-process`. */
  hint?: string;
  /** The value's name in --help (`DIR`, `FILE`); by default `N`, `LIST` or `VALUE` after the kind. */
  valueName?: string;
  /** A heading in --help; options without one are listed under "Options:". */
  group?: string;
}

/** A positional argument. */
export interface PositionalSpec {
  name: string;
  describe: string;
  required?: boolean;
  /** Takes every remaining argument (last positional only). */
  variadic?: boolean;
  choices?: readonly string[];
}

/** What a command accepts, and how --help explains it. */
export interface CommandSpec {
  /** The command as typed: `run`, `baseline update`. */
  name: string;
  /** One line for `pinbench --help`. */
  summary: string;
  positionals: readonly PositionalSpec[];
  options: Readonly<Record<string, OptionSpec>>;
  /** Paragraphs after the options. */
  epilogue?: string;
  examples?: ReadonlyArray<readonly [command: string, what: string]>;
}

/** A parsed option value. */
export type OptionValue = string | number | boolean | string[] | undefined;

/** A command line parsed against its CommandSpec. */
export interface ParsedCommandLine {
  /** Option values by camelCase name; absent options without a default are undefined. */
  options: Record<string, OptionValue>;
  /** Positional values by name; a variadic one is a string array. */
  positionals: Record<string, string | string[] | undefined>;
  /** Options given on the command line (camelCase), as opposed to defaulted. */
  given: ReadonlySet<string>;
}

/** `budget-ms` -> `budgetMs`. */
export function camelCase(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The usage line of a command: `pinbench compare <baseline> <current> [options]`. */
export function usageLine(spec: CommandSpec): string {
  const positionals = spec.positionals.map((p) => {
    const name = p.variadic ? `${p.name}..` : p.name;
    return p.required ? `<${name}>` : `[${name}]`;
  });
  return ['pinbench', spec.name, ...positionals, Object.keys(spec.options).length > 0 ? '[options]' : '']
    .filter(Boolean)
    .join(' ');
}

/** Whether the command line asks for help (before a `--`). */
export function wantsHelp(argv: readonly string[]): boolean {
  for (const arg of argv) {
    if (arg === '--') return false;
    if (arg === '--help' || arg === '-h') return true;
  }
  return false;
}

/** Configure `y` (a fresh yargs instance) with the declaration: its options, and for --help their texts. */
function declare(y: Argv, spec: CommandSpec, forHelp: boolean): Argv {
  for (const [name, option] of Object.entries(spec.options)) {
    const boolean = option.kind === 'boolean';
    // Values are kept as typed (strings) and converted by `convert`, which words every bad value the same way;
    // yargs only splits the command line and renders the help.
    const config: Options = { type: boolean ? 'boolean' : 'string', requiresArg: !boolean };
    if (option.short !== undefined) config.alias = option.short;
    if (forHelp) {
      config.describe =
        option.describe + (option.kind === 'boolean' && option.default === true ? ` (--no-${name} to turn off)` : '');
      if (option.valueName !== undefined) config.describe = `${option.valueName}: ${config.describe}`;
      if (option.choices !== undefined) config.choices = [...option.choices];
      if (option.defaultDescription !== undefined) config.defaultDescription = option.defaultDescription;
      if (option.default !== undefined && !(boolean && option.default === false)) config.default = option.default;
      config.group = option.group ?? 'Options:';
      if (option.kind === 'integer' || option.kind === 'number') config.type = 'number';
    }
    y.option(name, config);
  }
  return y;
}

/** yargs' parser settings: every value as typed, repeated options as arrays, `--no-NAME` for flags. */
const PARSER_CONFIGURATION = {
  'duplicate-arguments-array': true,
  'parse-numbers': false,
  'parse-positional-numbers': false,
  'boolean-negation': true,
  'camel-case-expansion': true,
  'strip-aliased': true,
  'short-option-groups': false,
  'greedy-arrays': false,
} as const;

/**
 * Parse `argv` (the arguments after the command's name) against `spec` with yargs' parser (`yargs-parser`, the
 * module yargs itself parses with: the full yargs, with its help renderer, loads only for --help). Throws
 * UsageError (exit 2) for an unknown option, a missing value or a positional too many, and ConfigError naming the
 * option, the value as typed and what is allowed for a value of the wrong kind.
 */
export function parseCommandLine(argv: readonly string[], spec: CommandSpec): ParsedCommandLine {
  const args = joinNegativeValues(argv, spec);
  checkOptionNames(args, spec);
  const names = Object.entries(spec.options);
  const { argv: raw, error } = yargsParser.detailed(args, {
    // Values are kept as typed (strings) and converted by `convert`, which words every bad value the same way.
    string: names.filter(([, o]) => o.kind !== 'boolean').map(([n]) => n),
    boolean: names.filter(([, o]) => o.kind === 'boolean').map(([n]) => n),
    alias: Object.fromEntries(names.filter(([, o]) => o.short !== undefined).map(([n, o]) => [n, [o.short ?? '']])),
    narg: Object.fromEntries(names.filter(([, o]) => o.kind !== 'boolean').map(([n]) => [n, 1])),
    configuration: PARSER_CONFIGURATION,
  });
  if (error) throw translateParseError(error.message, args, spec);

  const options: Record<string, OptionValue> = {};
  const given = new Set<string>();
  for (const [name, option] of Object.entries(spec.options)) {
    const key = camelCase(name);
    const value = raw[key];
    if (value === undefined) {
      options[key] = option.default === undefined ? undefined : convert(`--${name}`, option, [String(option.default)]);
      if (option.kind === 'boolean') options[key] = option.default ?? false;
      if (option.kind === 'strings' && option.default === undefined) options[key] = [];
      continue;
    }
    given.add(key);
    if (option.kind === 'boolean') options[key] = Array.isArray(value) ? value.at(-1) === true : value === true;
    else options[key] = convert(`--${name}`, option, (Array.isArray(value) ? value : [value]).map(String));
  }

  const positionals: Record<string, string | string[] | undefined> = {};
  const rest = ((raw._ as unknown[] | undefined) ?? []).map(String);
  for (const p of spec.positionals) {
    if (p.variadic) {
      positionals[p.name] = rest.splice(0);
      if (p.required && (positionals[p.name] as string[]).length === 0)
        throw Errors.missingArgument(p.name.toUpperCase(), usageLine(spec));
    } else {
      const value = rest.shift();
      if (value === undefined && p.required) throw Errors.missingArgument(p.name.toUpperCase(), usageLine(spec));
      if (value !== undefined && p.choices !== undefined && !p.choices.includes(value)) {
        throw Errors.badValue(p.name.toUpperCase(), value, `one of ${p.choices.join(', ')}`);
      }
      positionals[p.name] = value;
    }
  }
  if (rest.length > 0) throw Errors.extraArguments(rest, usageLine(spec));
  return { options, positionals, given };
}

/**
 * Every option word must be declared (yargs' strict mode, done here so that the message echoes the word as typed
 * and suggests the nearest option), and a flag takes no value (`--json=yes`, which yargs would read as false).
 */
function checkOptionNames(args: readonly string[], spec: CommandSpec): void {
  const known = Object.keys(spec.options).map((n) => `--${n}`);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') return;
    if (!arg.startsWith('-') || arg === '-') continue;
    const [word = arg, value] = arg.split(/=(.*)/s);
    let option: OptionSpec | undefined;
    if (word.startsWith('--')) {
      option = spec.options[word.slice(2)];
      const negated = option === undefined && word.startsWith('--no-') ? spec.options[word.slice(5)] : undefined;
      if (negated?.kind === 'boolean') option = negated;
    } else option = word.length === 2 ? Object.values(spec.options).find((o) => o.short === word.slice(1)) : undefined;
    if (option === undefined) {
      if (word === '--help' || word === '-h') continue;
      throw Errors.unknownOption(word, spec.name, known);
    }
    if (option.kind === 'boolean' && value !== undefined)
      throw Errors.unexpectedValue(longName(word.replace(/^-+(no-)?/, ''), spec));
    if (option.kind !== 'boolean' && value === undefined) i++; // the next word is its value
  }
}

/**
 * `--workers -1` -> `--workers=-1`: a negative number after an option that takes a value is that option's
 * value (and gets the option's own message), not an option of its own.
 */
function joinNegativeValues(argv: readonly string[], spec: CommandSpec): string[] {
  const takesValue = (arg: string): boolean => {
    const entry = arg.startsWith('--')
      ? spec.options[arg.slice(2)]
      : Object.values(spec.options).find((o) => arg.length === 2 && o.short === arg.slice(1));
    return entry !== undefined && entry.kind !== 'boolean';
  };
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const next = argv[i + 1];
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (next !== undefined && /^-[\d.]/.test(next) && takesValue(arg)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** Convert the values given for one option (all of them, in order) to its kind. */
function convert(flag: string, option: OptionSpec, values: readonly string[]): OptionValue {
  switch (option.kind) {
    case 'strings':
      return [...values];
    case 'list':
      return values.join(',');
    case 'boolean':
      return values.at(-1) === 'true';
    case 'string': {
      const value = values.at(-1) ?? '';
      if (option.choices !== undefined && !option.choices.includes(value))
        throw Errors.badValue(flag, value, `one of ${option.choices.join(', ')}`);
      return value;
    }
    case 'integer':
    case 'number':
      return numberValue(flag, values.at(-1) ?? '', option);
  }
}

/**
 * A number as typed: decimal, with `_` separators and an exponent (4096, 4_096, 1e3); not hex, not `12abc`,
 * not empty. Checked against the option's kind and bounds; the message echoes what was typed.
 */
export function numberValue(
  flag: string,
  text: string,
  option: Pick<OptionSpec, 'kind' | 'min' | 'max' | 'exclusive' | 'hint'>,
): number {
  const trimmed = text.trim();
  const value = /^[+-]?(\d[\d_]*)(\.\d+)?([eE][+-]?\d+)?$/.test(trimmed) ? Number(trimmed.replace(/_/g, '')) : Number.NaN;
  const integer = option.kind === 'integer';
  const ok =
    Number.isFinite(value) &&
    (!integer || Number.isInteger(value)) &&
    (option.min === undefined || value > option.min || (!option.exclusive && value === option.min)) &&
    (option.max === undefined || value < option.max || (!option.exclusive && value === option.max));
  if (!ok) {
    const what = integer ? 'an integer' : 'a number';
    const [ge, le] = option.exclusive ? ['>', '<'] : ['>=', '<='];
    const bounds = [
      option.min === undefined ? '' : ` ${ge} ${option.min}`,
      option.max === undefined ? '' : ` ${le} ${option.max}`,
    ]
      .filter(Boolean)
      .join(' and');
    throw Errors.badValue(flag, text, `${what}${bounds}${option.hint ? ` (${option.hint})` : ''}`);
  }
  return value;
}

/** yargs' messages, reworded in the CLI's own terms, naming the option as it was typed. */
function translateParseError(message: string, args: readonly string[], spec: CommandSpec): Error {
  const known = Object.keys(spec.options).map((n) => `--${n}`);
  const typed = (key: string): string => {
    // yargs names an option by its camelCase key (`ptePage`); find the word the user typed for it.
    const token = args.find((a) => {
      const name = /^--?([^=]+)/.exec(a)?.[1];
      return name !== undefined && (name === key || camelCase(name) === key);
    });
    const word = token === undefined ? (key.length === 1 ? `-${key}` : `--${key}`) : (token.split('=')[0] ?? token);
    return word;
  };
  const unknown = /^Unknown arguments?: (.+)$/.exec(message);
  if (unknown !== null) return Errors.unknownOption(typed((unknown[1] ?? '').split(', ')[0] ?? ''), spec.name, known);
  const missing = /^Not enough arguments following: (.+)$/.exec(message);
  if (missing !== null) return Errors.missingValue(longName(missing[1] ?? '', spec));
  return new UsageError(`${spec.name}: ${message}`);
}

/** yargs' key of an option (`out`, `o`, `strategyModule`) -> `--out`, `--strategy-module`: messages name the long option. */
function longName(key: string, spec: CommandSpec): string {
  const entry = Object.entries(spec.options).find(([name, o]) => name === key || camelCase(name) === key || o.short === key);
  return entry === undefined ? `--${key}` : `--${entry[0]}`;
}

/** The --help text of a command, rendered by yargs from its declaration; `width` is the terminal's. */
export async function renderHelp(spec: CommandSpec, width = 100): Promise<string> {
  const intro = [usageLine(spec), '', spec.summary];
  if (spec.positionals.length > 0) {
    intro.push('', 'Arguments:');
    const pad = Math.max(...spec.positionals.map((p) => p.name.length)) + 4;
    for (const p of spec.positionals)
      intro.push(`  ${p.name.toUpperCase().padEnd(pad)}${p.describe}${p.choices ? ` (${p.choices.join(', ')})` : ''}`);
  }
  const { default: yargs } = await import('yargs');
  const y = declare(yargs([]), spec, true)
    .parserConfiguration(PARSER_CONFIGURATION)
    .exitProcess(false)
    .version(false)
    .help('help')
    .alias('help', 'h')
    .describe('help', 'show this help')
    .usage(intro.join('\n'))
    .wrap(width);
  for (const [command, what] of spec.examples ?? []) y.example(command, what);
  // Paragraphs are reflowed to the terminal's width: a line break inside one is a space.
  if (spec.epilogue !== undefined)
    y.epilogue(
      spec.epilogue
        .trim()
        .split(/\n\s*\n/)
        .map((paragraph) => paragraph.replace(/\s*\n\s*/g, ' '))
        .join('\n\n'),
    );
  return (await y.getHelp()) + '\n';
}

/** A command as a group's --help lists it. */
export interface CommandLine {
  name: string;
  summary: string;
}

/**
 * The --help of `pinbench` or of a command group (`pinbench baseline`), rendered by yargs: the usage, the
 * commands with one line each, the options of the top level, and `epilogue`. `width` is the terminal's.
 */
export async function renderGroupHelp(
  prefix: string,
  summary: string,
  commands: readonly CommandLine[],
  options: { version?: string; epilogue?: string; width?: number } = {},
): Promise<string> {
  const { default: yargs } = await import('yargs');
  const y = yargs([])
    .scriptName(prefix)
    .usage(`${prefix} COMMAND [options]\n\n${summary}`)
    .exitProcess(false)
    .help('help')
    .alias('help', 'h')
    .describe('help', prefix === 'pinbench' ? 'show help (also `pinbench COMMAND --help`)' : 'show this help')
    .wrap(options.width ?? 100);
  for (const command of commands) y.command(command.name, command.summary);
  if (options.version !== undefined) y.version('version', 'print the version', options.version).alias('version', 'V');
  else y.version(false);
  if (options.epilogue !== undefined) y.epilogue(options.epilogue);
  return `${await y.getHelp()}\n`;
}
