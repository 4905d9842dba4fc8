import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { plotlyBundle, writeComparisonReport, writeReport } from '../../src/report/index.js';
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
