import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { v8FlagsFor } from '../../src/shared/v8-tuning.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** A pinbench checkout measured: `this`, or a reference (`ref`, `ref2`, ...) given with --ref. */
export interface Build {
  name: string;
  root: string;
}

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
  /** The V8 flags pinbench sets (PINBENCH_V8_FLAGS honoured); a malformed variable exits 2. */
  v8Flags(): readonly string[];
  /** This checkout, then each --ref directory (ref, ref2, ...), each checked to have its dist/ built. */
  builds(thisRoot: string, refDirs: readonly string[]): Build[];
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
    v8Flags() {
      try {
        return v8FlagsFor(process.env);
      } catch (error) {
        return fail((error as Error).message);
      }
    },
    builds(thisRoot, refDirs) {
      const builds: Build[] = [{ name: 'this', root: thisRoot }];
      refDirs.forEach((refDir, k) => {
        const root = resolve(refDir);
        if (!existsSync(join(root, 'dist', 'src', 'scenarios', 'index.js')))
          fail(`--ref: ${root} has no dist/src/scenarios/index.js; build it first (npm ci && npm run build in that checkout)`);
        builds.push({ name: k === 0 ? 'ref' : `ref${k + 1}`, root });
      });
      return builds;
    },
  };
}
