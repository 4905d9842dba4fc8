import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { ConfigError } from '../shared/errors.js';
import { mmLock } from './mm-lock.js';
import { perPteDeferred } from './per-pte-deferred.js';
import { perPteEarlyUnlock } from './per-pte-early-unlock.js';
import type { Strategy } from './types.js';
import { unbatched } from './unbatched.js';
import { unlocked } from './unlocked.js';
import { wholeLock } from './whole-lock.js';

const registry = new Map<string, Strategy>();

/** The built-in strategies (docs/strategies.md). */
export const BUILTIN_STRATEGIES: readonly Strategy[] = [
  unlocked,
  mmLock,
  wholeLock,
  perPteDeferred,
  unbatched,
  perPteEarlyUnlock,
];

/** Whether a strategy claims to be race-free (its `raceFree`, default true). */
export function claimsRaceFree(strategy: Strategy): boolean {
  return strategy.raceFree !== false;
}

/** Add a strategy under its name. A name already taken is an error unless `replace`. */
export function registerStrategy(strategy: Strategy, options: { replace?: boolean } = {}): void {
  if (!strategy || typeof strategy.name !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/.test(strategy.name)) {
    throw new ConfigError(
      `strategy.name: expected a lower-case name of letters, digits, '.', '_' or '-', got ${JSON.stringify(strategy?.name)}`,
      'strategy.name',
    );
  }
  if (strategy.raceFree !== undefined && typeof strategy.raceFree !== 'boolean') {
    throw new ConfigError(
      `strategy ${strategy.name}: raceFree must be true or false, got ${JSON.stringify(strategy.raceFree)}`,
      'strategy.raceFree',
    );
  }
  if (typeof strategy.pin !== 'function' || typeof strategy.unpin !== 'function') {
    throw new ConfigError(`strategy ${strategy.name}: expected generator functions pin(ctx) and unpin(ctx)`, 'strategy');
  }
  if (registry.has(strategy.name) && !options.replace && registry.get(strategy.name) !== strategy) {
    throw new ConfigError(`strategy ${strategy.name}: a strategy of that name is already registered`, 'strategy.name');
  }
  registry.set(strategy.name, strategy);
}

for (const s of BUILTIN_STRATEGIES) registerStrategy(s);

/** The strategy registered as `name`; ConfigError naming the allowed ones otherwise. */
export function getStrategy(name: string): Strategy {
  const s = registry.get(name);
  if (!s) throw new ConfigError(`strategy: unknown strategy '${name}'; allowed: ${listStrategies().join(', ')}`, 'strategy');
  return s;
}

/** Registered strategy names, built-ins first. */
export function listStrategies(): string[] {
  return [...registry.keys()];
}

/** All registered strategies. */
export function allStrategies(): Strategy[] {
  return [...registry.values()];
}

/**
 * Import a user module that adds strategies: it may call registerStrategy itself, or export Strategy objects
 * (default export, or named exports, or an array). Returns the names it added.
 */
export async function loadStrategyModule(file: string): Promise<string[]> {
  const before = new Set(registry.keys());
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(resolve(file)).href)) as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError(`--strategy-module: cannot load ${file}: ${(e as Error).message}`, 'strategy-module');
  }
  const candidates = Object.values(mod).flatMap((v) => (Array.isArray(v) ? v : [v]));
  for (const c of candidates) {
    if (c && typeof c === 'object' && typeof (c as Strategy).pin === 'function' && typeof (c as Strategy).name === 'string') {
      if (registry.get((c as Strategy).name) !== c) registerStrategy(c as Strategy);
    }
  }
  const added = [...registry.keys()].filter((k) => !before.has(k));
  if (added.length === 0 && !candidates.some((c) => allStrategies().includes(c as Strategy))) {
    throw new ConfigError(`--strategy-module: ${file} registers or exports no strategy`, 'strategy-module');
  }
  return added;
}
