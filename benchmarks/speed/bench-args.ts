import { type ParseArgsConfig, parseArgs } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Argument checks shared by the speed benchmarks' command lines (engine-speed.ts, v8-flags.ts, instructions.ts): a
 * bad value exits 2 with the option's name, what was given, what is allowed, and the usage line.
 */
export interface BenchArgs<P extends string> {
  fail(message: string): never;
  /** node:util's parseArgs of the command line, strict: an unknown option or a missing value exits 2 (`fail`). */
  parse<O extends Options>(options: O): ReturnType<typeof parseArgs<{ options: O; strict: true }>>['values'];
  /** An integer of at least 1, or `fallback` when the option is absent. */
  positiveInt(name: string, value: string | undefined, fallback: number): number;
  /** `--only`'s comma-separated parts, each one of `parts`. */
  parseParts(value: string): P[];
}

export function benchArgs<P extends string>(command: string, usage: string, parts: readonly P[]): BenchArgs<P> {
  const fail = (message: string): never => {
    process.stderr.write(`${command}: ${message}\n${usage}\n`);
    process.exit(2);
  };
  return {
    fail,
    parse(options) {
      try {
        return parseArgs({ options, strict: true }).values;
      } catch (error) {
        return fail((error as Error).message);
      }
    },
    positiveInt(name, value, fallback) {
      if (value === undefined) return fallback;
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1)
        fail(`--${name}: ${JSON.stringify(value)} is not allowed; expected an integer of at least 1`);
      return n;
    },
    parseParts(value) {
      const names = value.split(',').map((x) => x.trim());
      const bad = names.filter((x) => !(parts as readonly string[]).includes(x));
      if (bad.length > 0 || names.length === 0)
        fail(`--only: ${JSON.stringify(bad[0] ?? value)} is not allowed; expected a comma-separated list of ${parts.join(', ')}`);
      return names as P[];
    },
  };
}
