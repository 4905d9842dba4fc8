import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PLOTLY_FILE, plotlyBundle, writeComparisonReport, writeReport } from '../../src/report/index.js';
import {
  installedPlotly,
  MINIFIED_PLOTLY_URL,
  minifiedPlotlyStamp,
  parsePlotlyStamp,
  plotlyStampLine,
} from '../../src/report/plotly-bundle.js';
import { makeResultSet } from '../../benchmarks/speed/synthetic-results.js';
import { tempDir } from '../support/cli.js';

test('writeReport writes index.html and a copy of plotly.js beside it, and nothing else', async () => {
  const dir = join(await tempDir(), 'nested', 'out');
  await writeReport([makeResultSet()], dir);
  const { fileName, path } = plotlyBundle();
  assert.deepEqual((await readdir(dir)).sort(), [fileName, 'index.html'].sort());
  assert.equal((await stat(join(dir, fileName))).size, (await stat(path)).size);
  assert.match(await readFile(join(dir, 'index.html'), 'utf8'), /^<!doctype html>/);
});

test('writing again over an existing report replaces it and leaves no temporary file', async () => {
  const dir = await tempDir();
  await writeReport([makeResultSet({ suite: 'first' })], dir);
  await writeReport([makeResultSet({ suite: 'second' })], dir);
  const files = await readdir(dir);
  assert.ok(!files.some((f) => f.endsWith('.tmp')), files.join(', '));
  const html = await readFile(join(dir, 'index.html'), 'utf8');
  assert.match(html, /<title>pinbench: second<\/title>/);
});

test('with inlinePlotly the page carries plotly itself and no file is copied', async () => {
  const dir = await tempDir();
  await writeReport([makeResultSet({ micro: false })], dir, { inlinePlotly: true });
  assert.deepEqual(await readdir(dir), ['index.html']);
  const html = await readFile(join(dir, 'index.html'), 'utf8');
  assert.ok(html.length > (await stat(plotlyBundle().path)).size);
});

test('writeComparisonReport writes a comparison page', async () => {
  const dir = await tempDir();
  const set = makeResultSet({ micro: false });
  await writeComparisonReport(set, structuredClone(set), dir);
  assert.match(await readFile(join(dir, 'index.html'), 'utf8'), /<section id="comparison">/);
});

test("reports ship the build's minified copy of the installed plotly.js-dist, stamped with its version and size", async () => {
  const installed = installedPlotly();
  const bundle = plotlyBundle();
  assert.equal(bundle.minified, true, 'npm run build made dist/src/report/vendor/plotly.js');
  assert.equal(bundle.path, fileURLToPath(MINIFIED_PLOTLY_URL));
  const text = await readFile(bundle.path, 'utf8');
  assert.deepEqual(parsePlotlyStamp(text.slice(0, text.indexOf('\n'))), {
    version: installed.version,
    bytes: installed.bytes,
    minifier: text.match(/with (esbuild@\S+) \*\//)?.[1],
  });
  assert.ok(text.includes(`plotly.js v${installed.version}`), "plotly.js' own header (copyright, licence) is kept");
  assert.ok(Buffer.byteLength(text) < installed.bytes * 0.6, `${Buffer.byteLength(text)} bytes against ${installed.bytes}`);
  const dir = await tempDir();
  await writeReport([makeResultSet({ micro: false })], dir);
  assert.equal((await readFile(join(dir, PLOTLY_FILE), 'utf8')).length, text.length);
});

test('a minified copy made from another plotly.js-dist version or file is not used', async () => {
  const installed = installedPlotly();
  const dir = await tempDir();
  const copy = (stamp: { version: string; bytes: number }): string =>
    `${plotlyStampLine({ ...stamp, minifier: 'esbuild@0.0.0' })}\nwindow.Plotly = {};\n`;
  const path = join(dir, 'plotly.js');
  await writeFile(path, copy(installed));
  assert.notEqual(minifiedPlotlyStamp(path), null);
  await writeFile(path, copy({ ...installed, version: `${installed.version}-other` }));
  assert.equal(minifiedPlotlyStamp(path), null);
  await writeFile(path, copy({ ...installed, bytes: installed.bytes + 1 }));
  assert.equal(minifiedPlotlyStamp(path), null);
  await writeFile(path, 'window.Plotly = {};\n');
  assert.equal(minifiedPlotlyStamp(path), null, 'no stamp');
  assert.equal(minifiedPlotlyStamp(join(dir, 'missing.js')), null, 'no file');
});
