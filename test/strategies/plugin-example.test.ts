import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolveParams, runScenario } from '../../src/scenarios/index.js';
import { claimsRaceFree, getStrategy, loadStrategyModule } from '../../src/strategies/index.js';
import { defined } from '../../src/shared/defined.js';

// The example of docs/strategies.md ("Adding your own"), run as a user would load it, with its imports pointed
// at this build instead of the installed package.
const here = fileURLToPath(new URL('.', import.meta.url)); // dist/test/strategies/
const repo = join(here, '..', '..', '..');
const markdown = readFileSync(join(repo, 'docs', 'strategies.md'), 'utf8');
const block = /```js\n(\/\/ flush-per-pte\.mjs\n[\s\S]*?)```/.exec(markdown);
const dir = mkdtempSync(join(tmpdir(), 'pinbench-plugin-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('the documented plug-in example', () => {
  it('is in docs/strategies.md', () => assert.ok(block !== null, 'a ```js block starting with // flush-per-pte.mjs'));

  it('loads, pins race-free under racing writers and leaves the mm as it found it, in both kernel eras', async () => {
    const dist = pathToFileURL(join(repo, 'dist', 'src')).href;
    const file = join(dir, 'flush-per-pte.mjs');
    writeFileSync(file, defined(block?.[1], 'the example block').replaceAll("from 'pinbench'", `from '${dist}/index.js'`));
    assert.deepEqual(await loadStrategyModule(file), ['flush-per-pte']);
    assert.equal(claimsRaceFree(getStrategy('flush-per-pte')), true);
    for (const era of [{ mode: '4level' }, { mode: 'pae', kernel: '2.6.24', profile: 'xeon-2007' }] as const) {
      const params = resolveParams({
        ...era,
        strategy: 'flush-per-pte',
        ptePages: 100,
        vcpus: 4,
        iterations: 3,
        dwellNs: 20_000,
        writerThinkNs: 1_000,
      });
      const { metrics: m } = runScenario(params); // throws on a broken end-of-run invariant
      assert.equal(m.faults.writeProtect, 0, era.mode);
      assert.equal(m.faults.hypercallErrors, 0, era.mode);
      // Every PTE page is pinned on its own, as by the seed: N PIN_L1 per pin.
      assert.equal(m.hypercalls.subops.mmuext_op.PIN_L1_TABLE, 100 * 3, era.mode);
      // One explicit flush per PTE page in the pin and in the unpin, plus each pass's final xen_mc_issue.
      assert.equal(m.hypercalls.traps, 2 * (100 + 1) * 3, era.mode);
    }
  });
});
