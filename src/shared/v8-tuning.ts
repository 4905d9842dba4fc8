/**
 * The V8 flags pinbench runs with, and the one place that sets them (v8.setFlagsFromString). V8's flags are
 * process-wide: set in the main thread before any model code is hot, they hold for the piscina worker threads
 * started later too (a worker's code is compiled with the same flags).
 *
 * Why: the engine's hot paths (the vCPU dispatch, Xen's entry execution, the batcher, the locks) are many small
 * functions that call each other; TurboFan stops inlining into an optimised function once the bytecode it has
 * inlined adds up to --max-inlined-bytecode-size-cumulative (920 by default in Node 20's V8), which cuts those
 * chains short. Measured with benchmarks/speed/v8-flags.ts (8 pairs of child processes, CPU time, median of paired
 * speed-ups [min-max], load 4.8-6.8), --max-inlined-bytecode-size-cumulative=2000 against V8's defaults: pin+unpin
 * cycles of 32,768 PTE pages per-pte-deferred 1.311x [1.063-1.432], unlocked 1.095x, mm-lock 1.137x, whole-lock
 * 1.205x, unbatched 1.105x; 4 vCPUs racing 1.03-1.10x; `pinbench run default --workers 1` wall 0.977x
 * [0.911-1.083] over 4 pairs (the suite is bound by its time budgets, and inlining more costs TurboFan time).
 *
 * PINBENCH_V8_FLAGS overrides the list: unset, these flags; empty, none (V8's defaults); otherwise the flags it
 * names, space-separated, instead of these.
 */
import { setFlagsFromString } from 'node:v8';

/** The flags pinbench sets. */
export const V8_FLAGS: readonly string[] = Object.freeze(['--max-inlined-bytecode-size-cumulative=2000']);

/** The environment variable that overrides V8_FLAGS (empty: no flags at all). */
export const V8_FLAGS_ENV = 'PINBENCH_V8_FLAGS';

/** One V8 flag as this module accepts it: --name or --name=value. */
const FLAG = /^--[a-z0-9][a-z0-9_-]*(=\S+)?$/;

/**
 * The flags for an environment: V8_FLAGS when PINBENCH_V8_FLAGS is unset, none when it is empty (or blank), else
 * its space-separated flags. Throws on a word that is not a flag, naming the variable and the allowed form.
 */
export function v8FlagsFor(env: NodeJS.ProcessEnv): readonly string[] {
  const value = env[V8_FLAGS_ENV];
  if (value === undefined) return V8_FLAGS;
  const flags = value.split(/\s+/).filter((f) => f !== '');
  const bad = flags.find((f) => !FLAG.test(f));
  if (bad !== undefined) {
    throw new Error(
      `${V8_FLAGS_ENV}: ${JSON.stringify(bad)} is not allowed; expected space-separated V8 flags of the form --name or --name=value (empty: none)`,
    );
  }
  return flags;
}

/**
 * A function that sets the flags for an environment with `set`, once per process: later calls set nothing and
 * return the flags set the first time. `applyV8Tuning` is the one bound to V8; tests make their own with a spy.
 */
export function makeV8Tuning(set: (flags: string) => void): (env?: NodeJS.ProcessEnv) => readonly string[] {
  let applied: readonly string[] | undefined;
  return (env = process.env) => {
    if (applied !== undefined) return applied;
    const flags = v8FlagsFor(env);
    if (flags.length > 0) set(flags.join(' '));
    applied = flags;
    return flags;
  };
}

/** Sets pinbench's V8 flags in this process (see the module comment); returns the flags set. */
export const applyV8Tuning = makeV8Tuning(setFlagsFromString);
