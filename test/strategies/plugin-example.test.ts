import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolveParams, runScenario } from '../../src/scenarios/index.js';
import { claimsRaceFree, getStrategy, loadStrategyModule } from '../../src/strategies/index.js';

// The example of docs/strategies.md ("Adding your own"), run as a user would load it, with its imports pointed
// at this build instead of the installed package.
const here = fileURLToPath(new URL('.', import.meta.url)); // dist/test/strategies/
const repo = join(here, '..', '..', '..');
const markdown = readFileSync(join(repo, 'docs', 'strategies.md'), 'utf8');
const block = /```js\n(\/\/ my-strategy\.mjs\n[\s\S]*?)```/.exec(markdown);
const dir = mkdtempSync(join(tmpdir(), 'pinbench-plugin-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('the documented plug-in example', () => {
  it('is in docs/strategies.md', () => assert.ok(block !== null, 'a ```js block starting with // my-strategy.mjs'));

  it('loads, pins race-free under racing writers and leaves the mm as it found it, in both kernel eras', async () => {
    const dist = pathToFileURL(join(repo, 'dist', 'src')).href;
    const file = join(dir, 'my-strategy.mjs');
    writeFileSync(file, block![1].replaceAll("'pinbench/dist/src/", `'${dist}/`));
    assert.deepEqual(await loadStrategyModule(file), ['pin-l1-first']);
    assert.equal(claimsRaceFree(getStrategy('pin-l1-first')), true);
    for (const era of [{ mode: '4level' }, { mode: 'pae', kernel: '2.6.24', profile: 'xeon-2007' }] as const) {
      const params = resolveParams({ ...era, strategy: 'pin-l1-first', ptePages: 100, vcpus: 4, iterations: 3, dwellNs: 20_000, writerThinkNs: 1_000 });
      const { metrics: m } = runScenario(params); // throws on a broken end-of-run invariant
      assert.equal(m.faults.writeProtect, 0, era.mode);
      assert.equal(m.faults.hypercallErrors, 0, era.mode);
      // Every PTE page is pinned on its own, as by the seed: N PIN_L1 per pin.
      assert.equal(m.hypercalls.subops.mmuext_op.PIN_L1_TABLE, 100 * 3, era.mode);
    }
  });
});
