// Speed of the HTML report (issue 5): not a suite. Run after `npx tsc -p .`:
//   node dist/benchmarks/speed/report-speed.js [RESULTS.json]
// Measures generating the report of a 500-run result set (target: at most 2 s) and loading it in headless
// Chromium from file:// (target: at most 3 s): until the first screen is drawn (the page is usable; the page
// draws charts one per task, nearest the viewport first) and until every chart has rendered. Without a
// results file it uses the synthetic 500-run fixture of the report's tests. Page load is reported as wall
// time and as the page main thread's CPU time (Chromium's ThreadTime), which a busy machine inflates less.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderReport, writeReport } from '../../src/report/index.js';
import { loadResultSet } from '../../src/results/load.js';
import type { ResultSet } from '../../src/results/types.js';
import { makeLargeResultSet } from './synthetic-results.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.js';
import { defined } from '../../src/shared/defined.js';

const REPEATS = 5;
const GENERATE_BUDGET_MS = 2000;
const LOAD_BUDGET_MS = 3000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return defined(s[Math.floor(s.length / 2)], 'median of a non-empty sample');
}

async function main(): Promise<void> {
  const file = process.argv[2];
  const set: ResultSet = file ? await loadResultSet(file) : makeLargeResultSet();
  const runs = set.runs.length;

  const renderMs: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    renderReport([set]);
    renderMs.push(performance.now() - t0);
  }
  const dir = await mkdtemp(join(tmpdir(), 'pinbench-report-speed-'));
  const writeMs: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    await writeReport([set], dir);
    writeMs.push(performance.now() - t0);
  }

  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const loadMs: number[] = [];
  const firstScreenMs: number[] = [];
  const fcpMs: number[] = [];
  const plotlyMs: number[] = [];
  let draws: [string, number][] = [];
  const summaryMs: number[] = [];
  const cpuMs: number[] = [];
  try {
    for (let i = 0; i < REPEATS; i++) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable');
      const t0 = performance.now();
      await page.goto(pathToFileURL(join(dir, 'index.html')).href);
      await page.waitForSelector('body[data-charts-ready="true"]', { timeout: 60_000 });
      loadMs.push(performance.now() - t0);
      const marks = await page.evaluate(() => ({
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
        summary: performance.getEntriesByName('pinbench:summary')[0]?.startTime ?? NaN,
        first: performance.getEntriesByName('pinbench:first-screen')[0]?.startTime ?? NaN,
        requested: performance.getEntriesByName('pinbench:plotly-requested')[0]?.startTime ?? NaN,
        loaded: performance.getEntriesByName('pinbench:plotly-loaded')[0]?.startTime ?? NaN,
      }));
      plotlyMs.push(marks.loaded - marks.requested);
      if (i === 0) {
        draws = await page.evaluate(() =>
          performance
            .getEntriesByType('measure')
            .filter((m) => m.name.startsWith('pinbench:draw:'))
            .map((m) => [m.name.slice(14), m.duration] as [string, number]),
        );
      }
      fcpMs.push(marks.fcp);
      summaryMs.push(marks.summary);
      firstScreenMs.push(marks.first);
      const { metrics } = await cdp.send('Performance.getMetrics');
      const thread = metrics.find((m) => m.name === 'ThreadTime');
      if (thread) cpuMs.push(thread.value * 1000);
      await page.close();
    }
  } finally {
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }

  const line = (label: string, xs: number[], budget?: number): string =>
    `${label.padEnd(34)} median ${median(xs).toFixed(0).padStart(6)} ms  (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})` +
    (budget ? `  budget ${budget} ms: ${median(xs) <= budget ? 'ok' : 'OVER'}` : '');
  process.stdout.write(
    [
      `report speed: ${runs} runs${file ? ` from ${file}` : ' (synthetic fixture)'}, ${REPEATS} repeats`,
      line('renderReport (HTML string)', renderMs, GENERATE_BUDGET_MS),
      line('writeReport (HTML + plotly copy)', writeMs, GENERATE_BUDGET_MS),
      line('page: first contentful paint', fcpMs),
      line('page: summary table drawn', summaryMs),
      line('page: plotly.js load and start', plotlyMs),
      line('page: first screen of charts drawn', firstScreenMs, LOAD_BUDGET_MS),
      line('page: every chart drawn', loadMs, LOAD_BUDGET_MS),
      cpuMs.length > 0 ? line('page main-thread CPU time', cpuMs) : 'page main-thread CPU time: not reported',
      `chart draw times, first load (ms): ${draws.map(([id, ms]) => `${id.replace('chart-', '')} ${ms.toFixed(0)}`).join(', ')}`,
      '',
    ].join('\n'),
  );
}

await main();
