import { parseArgs } from 'node:util';
import { Errors } from './errors.js';

// The one option parser of the CLI. Each command declares its positionals and options as data (its args.ts);
// this module parses a command line against that declaration with Node's own `util.parseArgs` (no library to
// load at start-up), converts every value to its kind with one wording for every bad value, and renders the
// command's --help from the same declaration.

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

/**
 * Parse `argv` (the arguments after the command's name) against `spec`. Throws UsageError (exit 2) for an
 * unknown option, a missing value or a positional too many, and ConfigError naming the option, the value as
 * typed and what is allowed for a value of the wrong kind.
 */
export function parseCommandLine(argv: readonly string[], spec: CommandSpec): ParsedCommandLine {
  const config: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, option] of Object.entries(spec.options)) {
    config[name] = { type: option.kind === 'boolean' ? 'boolean' : 'string', multiple: option.kind !== 'boolean' };
    if (option.short !== undefined) config[name].short = option.short;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(argv, spec),
      options: config,
      allowPositionals: true,
      strict: true,
      allowNegative: true,
    });
  } catch (error) {
    throw translateParseError(error, spec);
  }

  const options: Record<string, OptionValue> = {};
  const given = new Set<string>();
  for (const [name, option] of Object.entries(spec.options)) {
    const key = camelCase(name);
    const raw = (parsed.values as Record<string, unknown>)[name];
    if (raw === undefined) {
      options[key] = option.default === undefined ? undefined : convert(`--${name}`, option, [String(option.default)]);
      if (option.kind === 'boolean') options[key] = option.default ?? false;
      if (option.kind === 'strings' && option.default === undefined) options[key] = [];
      continue;
    }
    given.add(key);
    options[key] = option.kind === 'boolean' ? (raw as boolean) : convert(`--${name}`, option, raw as string[]);
  }

  const positionals: Record<string, string | string[] | undefined> = {};
  const rest = [...parsed.positionals];
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
 * `--workers -1` -> `--workers=-1`: parseArgs reads a value that starts with `-` as an option, but a negative
 * number after an option that takes a value is that option's value (and gets the option's own message).
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

/** parseArgs' errors, reworded in the CLI's own terms. */
function translateParseError(error: unknown, spec: CommandSpec): Error {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  // parseArgs names the option as "'--out'", "'-o, --out <value>'" or "'-x'".
  const option = /(--[A-Za-z0-9][\w-]*)/.exec(message)?.[1] ?? /'(-[^-' ,])/.exec(message)?.[1] ?? '?';
  const known = Object.keys(spec.options).map((n) => `--${n}`);
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return Errors.unknownOption(option, spec.name, known);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      // "Option '--out <value>' argument missing", or "... argument is ambiguous" (the next word starts with -),
      // or a value given to a flag (--quiet=yes).
      return /argument missing|ambiguous/.test(message)
        ? Errors.missingValue(longName(option, spec))
        : Errors.unexpectedValue(longName(option, spec));
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return Errors.extraArguments([], usageLine(spec));
    default:
      return error instanceof Error ? error : new Error(message);
  }
}

/** `-o` -> `--out`: messages name the long option. */
function longName(option: string, spec: CommandSpec): string {
  if (option.startsWith('--')) return option;
  const short = option.slice(1);
  const entry = Object.entries(spec.options).find(([, o]) => o.short === short);
  return entry === undefined ? option : `--${entry[0]}`;
}

/** The --help text of a command, from its declaration; `width` is the terminal's. */
export function renderHelp(spec: CommandSpec, width = 100): string {
  const lines: string[] = [usageLine(spec), '', wrap(spec.summary, width, ''), ''];
  if (spec.positionals.length > 0) {
    lines.push('Arguments:');
    const rows = spec.positionals.map(
      (p) => [`  ${p.name.toUpperCase()}`, p.describe + (p.choices ? ` (${p.choices.join(', ')})` : '')] as const,
    );
    lines.push(...table(rows, width), '');
  }
  const groups = new Map<string, Array<readonly [string, string]>>();
  for (const [name, option] of Object.entries(spec.options)) {
    const heading = option.group ?? 'Options:';
    const flag = `  ${option.short ? `-${option.short}, ` : '    '}--${name}${valueHint(option)}`;
    const dflt =
      option.defaultDescription ??
      (option.default === undefined || (option.kind === 'boolean' && option.default === false)
        ? undefined
        : String(option.default));
    const choices = option.choices ? ` (${option.choices.join(', ')})` : '';
    const negation = option.kind === 'boolean' && option.default === true ? ` (--no-${name} to turn off)` : '';
    const text = `${option.describe}${choices}${negation}${dflt === undefined ? '' : ` [default:\u00a0${dflt.replace(/ /g, '\u00a0')}]`}`;
    const list = groups.get(heading) ?? [];
    list.push([flag, text]);
    groups.set(heading, list);
  }
  groups.set('Options:', [...(groups.get('Options:') ?? []), ['  -h, --help', 'show this help']]);
  for (const [heading, rows] of groups) lines.push(heading, ...table(rows, width), '');
  if (spec.examples !== undefined && spec.examples.length > 0) {
    lines.push('Examples:');
    for (const [command, what] of spec.examples) lines.push(`  ${command}`, wrap(what, width, '      '));
    lines.push('');
  }
  if (spec.epilogue !== undefined) lines.push(spec.epilogue.trim(), '');
  return lines.join('\n');
}

function valueHint(option: OptionSpec): string {
  if (option.valueName !== undefined) return ` ${option.valueName}`;
  switch (option.kind) {
    case 'boolean':
      return '';
    case 'integer':
    case 'number':
      return ' N';
    case 'list':
      return ' LIST';
    default:
      return ' VALUE';
  }
}

/** Two columns: the flag, then its text wrapped and aligned. */
function table(rows: ReadonlyArray<readonly [string, string]>, width: number): string[] {
  const left = Math.min(34, Math.max(...rows.map(([flag]) => flag.length)) + 2);
  const out: string[] = [];
  for (const [flag, text] of rows) {
    const indent = ' '.repeat(left);
    const wrapped = wrap(text, width, indent).slice(left);
    out.push(flag.length + 2 > left ? `${flag}\n${indent}${wrapped}` : `${flag.padEnd(left)}${wrapped}`);
  }
  return out;
}

/** Wrap `text` at `width` columns, every line starting with `indent`. */
function wrap(text: string, width: number, indent: string): string {
  // Split at spaces only: a no-break space keeps `[default: X]` on one line.
  const words = text.split(/[ \n\t]+/).filter(Boolean);
  const lines: string[] = [];
  let line = indent;
  for (const word of words) {
    if (line.length > indent.length && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent + word;
    } else line = line.length > indent.length ? `${line} ${word}` : indent + word;
  }
  lines.push(line);
  return lines.join('\n').replace(/\u00a0/g, ' ');
}
