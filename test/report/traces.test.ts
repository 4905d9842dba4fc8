import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { renderReport } from '../../src/report/index.js';
import { excerptAroundFirstFault, timelinePicks, traceRows } from '../../src/report/traces.js';
import { writeReport } from '../../src/report/write.js';
import type { ResultSet } from '../../src/results/types.js';
import { resolveParams, runScenario, traceJson } from '../../src/scenarios/index.js';
import { readResults, runCli, tempDir } from '../support/cli.js';

const MATRIX = [
  '--strategy',
  'unlocked,per-pte-deferred',
  '--mode',
  '4level',
  '--pte-pages',
  '16',
  '--vcpus',
  '1,3',
  '--iterations',
  '2',
];

/** `pinbench run MATRIX --trace DIR/traces` into a fresh DIR, in this process, one sample per run. */
async function tracedRun(...extra: string[]): Promise<{ dir: string; set: ResultSet }> {
  const dir = tempDir();
  const r = await runCli([
    'run',
    ...MATRIX,
    '--samples',
    '1',
    '--workers',
    '0',
    '--quiet',
    ...extra,
    '--out',
    dir,
    '--trace',
    join(dir, 'traces'),
  ]);
  assert.equal(r.code, 0, r.stderr);
  return { dir, set: readResults(dir) };
}

describe('the report and traces', () => {
  it('links each traced run to its trace file, relative to the page', async () => {
    const { set } = await tracedRun();
    const rows = traceRows([set]);
    assert.equal(rows.length, 4);
    assert.ok(rows.every((row) => row.href?.startsWith('traces/')));
    // Rendered from elsewhere, the links go back to the results' directory.
    const elsewhere = traceRows([set], ['../run']);
    assert.ok(elsewhere.every((row) => row.href?.startsWith('../run/traces/')));
    const html = renderReport([set], { traceDirs: [''] });
    for (const row of rows) assert.ok(html.includes(`<a href="${row.href}">`), row.id);
  });

  it('draws one timeline per strategy whose racing runs faulted, and none for the one that did not', async () => {
    const { dir, set } = await tracedRun();
    assert.deepEqual(
      timelinePicks([set]).map((p) => p.runId),
      ['unlocked 4level ptePages=16 vcpus=3 iterations=2 seed=1'],
    );
    // `pinbench report` from another directory reads the traces where results.json says they are.
    const out = join(dir, 'elsewhere');
    await writeReport([set], out, { resultsDirs: [dir] });
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    const timelines = html.match(/<div class="race-timeline" data-strategy="([^"]+)">/g) ?? [];
    assert.deepEqual(timelines, ['<div class="race-timeline" data-strategy="unlocked">']);
    assert.match(html, /<svg [^>]*aria-label="unlocked: unlocked 4level ptePages=16 vcpus=3/);
    assert.match(
      html,
      /vCPU \d took a write-protect fault storing into PTE page frame \d+ at [\d,]+ ns inside vCPU 0&#39;s batch|vCPU \d took a write-protect fault storing into PTE page frame \d+ at [\d,]+ ns inside vCPU 0's batch/,
    );
    assert.match(html, /<a href="\.\.\/traces\/0001-unlocked/);
  });

  it("names the faulting vCPU, the frame, the pinner's batch and entry, and the remap that opened the window", () => {
    const params = resolveParams({
      strategy: 'unlocked',
      mode: '4level',
      ptePages: 16,
      vcpus: 3,
      iterations: 1,
      writerThinkNs: 500,
    });
    const out = runScenario(params, { trace: {} });
    const doc = JSON.parse(traceJson(out.trace?.document() ?? assert.fail('no trace')));
    const first = out.metrics.faults.details[0] ?? assert.fail('unlocked must fault');
    const x = excerptAroundFirstFault(doc, { set: 0, strategy: 'unlocked', runId: 'r', file: 'f', bytes: 0 }, 'f');
    assert.ok(x.fault !== null);
    assert.equal(x.fault.vcpu, first.vcpu);
    assert.equal(x.fault.frame, first.frame);
    assert.equal(Math.round(x.fault.ts * 1000), first.atNs);
    assert.match(
      x.caption,
      new RegExp(
        `^vCPU ${first.vcpu} took a write-protect fault storing into PTE page frame ${first.frame} at .* inside vCPU 0's batch "multicall: \\d+ entries"`,
      ),
    );
    assert.match(x.caption, new RegExp(`"update_va_mapping frame ${first.frame} RO" at`));
    assert.ok(x.fromUs <= x.fault.ts && x.fault.ts <= x.toUs);
  });

  it('a missing trace file leaves a sentence, not a broken page', async () => {
    const { dir, set } = await tracedRun('--no-report');
    const out = join(dir, 'page');
    mkdirSync(out);
    writeFileSync(join(out, 'x'), '');
    await writeReport([set], out, { resultsDirs: [join(dir, 'nowhere')] });
    assert.match(readFileSync(join(out, 'index.html'), 'utf8'), /The trace could not be read/);
  });
});
