import { loadStrategyModule } from '../strategies/index.js';

const loaded = new Map<string, Promise<string[]>>();

/**
 * Import user strategy modules (`--strategy-module FILE`, absolute paths), once per thread each. The main
 * thread and every worker import the same list before running anything, so a strategy name resolves
 * everywhere. Throws ConfigError naming the module when it cannot be imported or adds no strategy.
 */
export async function loadStrategyModules(paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    let pending = loaded.get(path);
    if (pending === undefined) {
      pending = loadStrategyModule(path);
      loaded.set(path, pending);
    }
    await pending;
  }
}
