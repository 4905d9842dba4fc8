import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { resolveParams, runScenario } from '../../src/scenarios/index.js';
import {
  BUILTIN_STRATEGIES,
  claimsRaceFree,
  getStrategy,
  listStrategies,
  loadStrategyModule,
  registerStrategy,
} from '../../src/strategies/index.js';

describe('strategy registry', () => {
  it('lists the six built-in strategies first', () => {
    assert.deepEqual(listStrategies().slice(0, 6), [
      'unlocked',
      'mm-lock',
      'whole-lock',
      'per-pte-deferred',
      'unbatched',
      'per-pte-early-unlock',
    ]);
  });

  it('declares unlocked and per-pte-early-unlock racy, every other built-in race-free', () => {
    const racy = BUILTIN_STRATEGIES.filter((s) => !claimsRaceFree(s)).map((s) => s.name);
    assert.deepEqual(racy, ['unlocked', 'per-pte-early-unlock']);
  });

  it('takes a strategy without raceFree as race-free, and refuses a raceFree that is not a boolean', () => {
    const seed = getStrategy('per-pte-deferred');
    assert.equal(claimsRaceFree({ name: 'x', description: '', pin: seed.pin, unpin: seed.unpin }), true);
    assert.throws(
      () =>
        registerStrategy({
          name: 'test-bad-racefree',
          description: '',
          raceFree: 'no' as unknown as boolean,
          pin: seed.pin,
          unpin: seed.unpin,
        }),
      /raceFree must be true or false/,
    );
  });

  it('refuses a second strategy under a taken name', () => {
    assert.throws(() => registerStrategy({ ...getStrategy('unlocked') }), /already registered/);
  });

  it('loads a user strategy from a module without editing the registry, and runs it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pinbench-'));
    const file = join(dir, 'mine.mjs');
    const registry = pathToFileURL(join(process.cwd(), 'dist/src/strategies/index.js')).href;
    writeFileSync(
      file,
      `import { getStrategy } from '${registry}';\n` +
        `const seed = getStrategy('per-pte-deferred');\n` +
        `export default { name: 'my-copy', description: 'a copy of the seed', pin: (c) => seed.pin(c), unpin: (c) => seed.unpin(c) };\n`,
    );
    assert.deepEqual(await loadStrategyModule(file), ['my-copy']);
    const mine = runScenario(resolveParams({ strategy: 'my-copy', ptePages: 40, iterations: 2 })).metrics;
    const seed = runScenario(resolveParams({ strategy: 'per-pte-deferred', ptePages: 40, iterations: 2 })).metrics;
    assert.deepEqual(mine, seed);
  });

  it('says plainly when a module cannot be loaded', async () => {
    await assert.rejects(loadStrategyModule('/nonexistent/x.mjs'), /--strategy-module: cannot load/);
  });
});
