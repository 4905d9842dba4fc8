// Opens generated reports from file:// in headless Chromium (Debian's package, driven by playwright-core)
// and checks what a reader would see: every chart drawn, no console error, nothing fetched from the network.
// Saves a screenshot to reports/report-screenshot.png.
import assert from 'node:assert/strict';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { plotlyBundle, writeReport } from '../../src/report/index.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumMissing } from '../../benchmarks/speed/chromium.js';
import { FIVE_STRATEGIES, makeResultSet } from '../../benchmarks/speed/synthetic-results.js';
import { tempDir } from '../support/cli.js';

/** reports/ at the top of the repository (this file is dist/test/e2e/browser.test.js). */
const REPORTS_DIR = fileURLToPath(new URL('../../../reports/', import.meta.url));
const SCREENSHOT = join(REPORTS_DIR, 'report-screenshot.png');
/** Generous: CI shares two cores with other work, and plotly takes about a second of CPU to start. */
const READY_TIMEOUT_MS = 60_000;

let browser: Browser;

before(async () => {
  const missing = chromiumMissing();
  if (missing) throw new Error(`browser tests need Chromium: ${missing}`);
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
});

interface Opened {
  page: Page;
  /** Console errors and uncaught page errors. */
  errors: string[];
  /** Requests for anything but a file:// URL (data: URLs that plotly makes itself excepted). */
  network: string[];
}

/** Open `dir/index.html` from file:// and wait until every chart is drawn (or the page gives up). */
async function open(dir: string, waitForCharts = true, width = 1400): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width, height: 1000 } });
  const errors: string[] = [];
  const network: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    network.push(url);
    return route.abort();
  });
  await page.goto(pathToFileURL(join(dir, 'index.html')).href);
  if (waitForCharts) await page.waitForSelector('body[data-charts-ready="true"]', { timeout: READY_TIMEOUT_MS });
  return { page, errors, network };
}

/** Ids of the chart elements that hold no rendered plotly SVG. */
function undrawnCharts(page: Page): Promise<string[]> {
  return page.$$eval('.plot', (els) => els.filter((el) => el.querySelector('.main-svg') === null).map((el) => el.id));
}

test('the report opens from file://, draws every chart, logs no error and fetches nothing', async () => {
  const dir = await tempDir();
  await writeReport([makeResultSet({ suite: 'default', errors: 1 })], dir);
  const { page, errors, network } = await open(dir);
  try {
    const charts = await page.$$eval('.plot', (els) => els.map((el) => el.id));
    assert.equal(charts.length, 15, charts.join(', '));
    assert.deepEqual(await undrawnCharts(page), []);
    // Each chart has a title in its SVG, and the summary table has a row per strategy, size and vCPU count.
    const titles = await page.$$eval('.plot .gtitle', (els) => els.map((el) => el.textContent ?? ''));
    assert.equal(titles.filter((t) => t.length > 0).length, 15, titles.join(' | '));
    assert.equal(await page.$$eval('#summary-table tbody tr', (rows) => rows.length), 5 * 4 * 2);
    assert.deepEqual(errors, []);
    assert.deepEqual(network, []);
    await mkdir(REPORTS_DIR, { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  } finally {
    await page.close();
  }
});

test('changing a filter redraws the charts for the new selection', async () => {
  const dir = await tempDir();
  await writeReport([makeResultSet({ micro: false })], dir);
  const { page, errors } = await open(dir);
  try {
    assert.match((await page.textContent('[data-applied-for="chart-traps"]')) ?? '', /vCPUs = 4/);
    await page.selectOption('nav#filters select >> nth=0', '1');
    await page.selectOption('nav#filters select >> nth=1', '64');
    await page.waitForSelector('body[data-charts-ready="true"]', { timeout: READY_TIMEOUT_MS });
    assert.match((await page.textContent('[data-applied-for="chart-traps"]')) ?? '', /vCPUs = 1\.$/);
    assert.match((await page.textContent('[data-applied-for="chart-batch-hist"]')) ?? '', /vCPUs = 1, PTE pages = 64\./);
    // At 64 PTE pages the fixture's per-pte-deferred pin takes 134 slots (4 full batches and one of 6) and its
    // unpin 133 (4 full and one of 5).
    // Evaluated in the page (a string: the Node build has no DOM types).
    const bars = await page.evaluate<number[] | undefined>(
      "document.getElementById('chart-batch-hist').data.find((t) => t.name === 'per-pte-deferred')?.x",
    );
    assert.deepEqual(bars, [5, 6, 32]);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test('a report of two result sets draws its comparison chart', async () => {
  const dir = await tempDir();
  await writeReport([makeResultSet({ micro: false }), makeResultSet({ micro: false, wallFactor: 2 })], dir);
  const { page, errors } = await open(dir);
  try {
    assert.deepEqual(await undrawnCharts(page), []);
    assert.equal(await page.$$eval('#chart-compare-0 .main-svg', (els) => els.length > 0), true);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test('a report whose plotly copy is missing says so on the page and in the console', async () => {
  const dir = await tempDir();
  await writeReport([makeResultSet({ micro: false })], dir);
  await rm(join(dir, plotlyBundle().fileName));
  const { page, errors } = await open(dir, false);
  try {
    await page.waitForSelector('#plotly-missing:not([hidden])', { timeout: READY_TIMEOUT_MS });
    assert.match((await page.textContent('#plotly-missing')) ?? '', /plotly\.js did not load/);
    assert.ok(
      errors.some((e) => e.includes('plotly.js did not load')),
      errors.join('\n'),
    );
    // The summary table does not need plotly.
    assert.ok((await page.$$eval('#summary-table tbody tr', (rows) => rows.length)) > 0);
  } finally {
    await page.close();
  }
});

test("the model's new metrics, racy strategies and invalid runs are shown as such", async () => {
  const dir = await tempDir();
  const set = makeResultSet({
    suite: 'default',
    micro: false,
    invalid: 2,
    strategies: [...FIVE_STRATEGIES, 'per-pte-early-unlock'],
  });
  await writeReport([set], dir);
  const { page, errors } = await open(dir);
  try {
    // TLB flushes and flush IPIs per cycle beside traps, in the table and as charts.
    const headers = await page.$$eval('#summary-table thead tr:nth-child(2) th', (els) => els.map((el) => el.textContent ?? ''));
    const traps = headers.indexOf('traps / cycle');
    assert.deepEqual(headers.slice(traps, traps + 3), ['traps / cycle', 'TLB flushes / cycle', 'flush IPIs / cycle']);
    assert.deepEqual(await undrawnCharts(page), []);
    for (const id of ['chart-tlb-flushes', 'chart-flush-ipis'])
      assert.equal(await page.$$eval(`#${id} .main-svg`, (els) => els.length > 0), true, id);
    // The race banner names the broken variant, marked as deliberately racy.
    assert.match((await page.textContent('.banner')) ?? '', /unlocked \(racy\)/);
    // Legends mark the racy strategies; invalid rows are listed last, marked, with their reason.
    const legend = await page.$$eval('#chart-traps .legendtext', (els) => els.map((el) => el.textContent ?? ''));
    assert.ok(legend.includes('unlocked (racy)'), legend.join(', '));
    assert.ok(legend.includes('per-pte-early-unlock (racy)'), legend.join(', '));
    const rows = await page.$$eval('#summary-table tbody tr', (els) => els.map((el) => [el.className, el.textContent ?? '']));
    const invalid = rows.filter(([cls]) => cls.includes('invalid'));
    assert.ok(invalid.length > 0, 'an invalid row with the filters shown');
    assert.ok(
      rows.slice(rows.length - invalid.length).every(([cls]) => cls.includes('invalid')),
      'invalid rows come last',
    );
    assert.match(invalid[0]?.[1] ?? '', /✗ invalid.*1 hypercall sub-op failed/);
    assert.match((await page.textContent('#errors h2')) ?? '', /0 failed, 2 invalid/);
    // Log axes label their ticks with their whole value (plotly's own short-span ticks label 0.5 as "5").
    const axes = await page.evaluate<Array<{ vals: number[]; text: string[] }>>(
      "[...document.querySelectorAll('.plot')].flatMap((el) => ['xaxis', 'yaxis'].map((k) => el.layout?.[k]).filter((a) => a && a.type === 'log' && Array.isArray(a.tickvals)).map((a) => ({ vals: a.tickvals, text: a.ticktext })))",
    );
    for (const { vals, text } of axes) {
      for (const [i, v] of vals.entries()) assert.equal(Number((text[i] ?? '').replace(/,/g, '')), v, text.join(' '));
    }
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});

test('on a wide window the summary table takes the width it needs instead of being clipped at 1400 px', async () => {
  const dir = await tempDir();
  await writeReport([makeResultSet({ micro: false, writerThinkNs: [500, 2000] })], dir);
  const { page, errors } = await open(dir, true, 2200);
  try {
    const { table, wrap } = await page.evaluate<{ table: number; wrap: number }>(
      "({ table: document.querySelector('#summary-table table').scrollWidth, wrap: document.getElementById('summary-table').clientWidth })",
    );
    assert.ok(table > 1400, `the fixture's table is ${table} px wide`);
    assert.ok(wrap >= table, `the table's box is ${wrap} px for a ${table} px table`);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});
