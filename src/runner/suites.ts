import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SCENARIO_PARAMS } from '../results/params.js';
import { ConfigError } from '../shared/errors.js';
import type { Suite } from './types.js';

/** The registry of built-in suites: dist/benchmarks/index.js (this file is dist/src/runner/suites.js). */
export const SUITE_INDEX_URL = new URL('../../benchmarks/index.js', import.meta.url).href;

/** The suite `pinbench run` runs when none is named. */
export const DEFAULT_SUITE = 'default';

/**
 * Built-in suites by name, from benchmarks/index.ts (the suites are data shipped beside src/, loaded by URL like
 * a user's suite module). A registry that cannot be imported is a broken installation, said as such: it is not
 * an empty list of suites.
 */
async function suiteModules(): Promise<Readonly<Record<string, string>>> {
  let mod: { SUITE_MODULES?: Record<string, string> };
  try {
    mod = (await import(SUITE_INDEX_URL)) as { SUITE_MODULES?: Record<string, string> };
  } catch (error) {
    const why = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    throw new Error(`the built-in suites cannot be loaded from ${SUITE_INDEX_URL} (${why}); run npm run build`);
  }
  if (mod.SUITE_MODULES === undefined) throw new Error(`${SUITE_INDEX_URL} exports no SUITE_MODULES`);
  return mod.SUITE_MODULES;
}

/** Names of the built-in suites, sorted. */
export async function listSuiteNames(): Promise<string[]> {
  return Object.keys(await suiteModules()).sort();
}

/** Whether SUITE names a module file rather than a built-in suite. */
function isSuitePath(nameOrPath: string): boolean {
  return /[\\/]/.test(nameOrPath) || /\.[cm]?js$/.test(nameOrPath);
}

/**
 * The URL of a suite module: a built-in name (`default`, `ci`, ...) or a path to a compiled module that
 * default-exports a Suite. Throws ConfigError naming the known suites when there is no such suite.
 */
export async function suiteUrl(nameOrPath: string): Promise<string> {
  if (isSuitePath(nameOrPath)) {
    const path = isAbsolute(nameOrPath) ? nameOrPath : resolve(process.cwd(), nameOrPath);
    if (!existsSync(path))
      throw new ConfigError(`SUITE: ${nameOrPath} does not exist; expected a suite name or a suite module file`, 'SUITE');
    return pathToFileURL(path).href;
  }
  const modules = await suiteModules();
  const names = Object.keys(modules).sort();
  const url = Object.hasOwn(modules, nameOrPath) ? modules[nameOrPath] : undefined;
  if (url === undefined) {
    throw new ConfigError(
      `SUITE: unknown suite ${JSON.stringify(nameOrPath)}; allowed: ${names.join(', ')}, or a path to a suite module`,
      'SUITE',
    );
  }
  return url;
}

/** Import a suite module and check its default export. Throws ConfigError on a missing or malformed suite. */
export async function loadSuite(nameOrPath: string): Promise<{ suite: Suite; url: string }> {
  const url = await suiteUrl(nameOrPath);
  let mod: { default?: unknown };
  try {
    mod = (await import(url)) as { default?: unknown };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ConfigError(`SUITE ${nameOrPath}: cannot import it: ${message}`, 'SUITE');
  }
  const suite = mod.default as Partial<Suite> | undefined;
  const valid =
    suite !== undefined &&
    typeof suite.name === 'string' &&
    typeof suite.description === 'string' &&
    ((suite.kind === 'scenario' && Array.isArray(suite.matrices)) ||
      (suite.kind === 'micro' && typeof suite.tasks === 'function'));
  if (!valid) {
    throw new ConfigError(
      `SUITE ${nameOrPath}: the module must default-export a suite ({ kind: 'scenario', name, description, matrices } or { kind: 'micro', name, description, tasks })`,
      'SUITE',
    );
  }
  if (suite.kind === 'scenario') checkMatrices(nameOrPath, suite.matrices as readonly unknown[]);
  return { suite: suite as Suite, url };
}

/**
 * Every axis of a suite's matrices must be a scenario parameter with a list of values: a typo (`vcpu:` for
 * `vcpus:`) would otherwise be ignored, and the suite run with the default. ConfigError naming the suite, the
 * matrix, the axis and the allowed ones.
 */
function checkMatrices(nameOrPath: string, matrices: readonly unknown[]): void {
  const axes = SCENARIO_PARAMS.map((p) => p.name as string);
  matrices.forEach((matrix, i) => {
    if (typeof matrix !== 'object' || matrix === null || Array.isArray(matrix)) {
      throw new ConfigError(`SUITE ${nameOrPath}: matrices[${i}] is not an object of axes`, 'SUITE');
    }
    for (const [axis, values] of Object.entries(matrix)) {
      if (!axes.includes(axis)) {
        const near = axes.find(
          (a) => a.toLowerCase().startsWith(axis.toLowerCase()) || axis.toLowerCase().startsWith(a.toLowerCase()),
        );
        throw new ConfigError(
          `SUITE ${nameOrPath}: matrices[${i}] has an unknown axis "${axis}"${near ? `; did you mean ${near}?` : ''}; allowed: ${axes.join(', ')}`,
          'SUITE',
        );
      }
      if (!Array.isArray(values) || values.length === 0) {
        throw new ConfigError(
          `SUITE ${nameOrPath}: matrices[${i}].${axis} is ${JSON.stringify(values)}; expected a non-empty list of values`,
          'SUITE',
        );
      }
    }
  });
}
