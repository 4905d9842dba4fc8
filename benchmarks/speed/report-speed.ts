// Speed of the HTML report (issues 5 and 11): not a suite. Run after `npm run build`:
//   node dist/benchmarks/speed/report-speed.js [RESULTS.json] [--rounds N]
// Measures generating the report (target: at most 2 s) and loading it in headless Chromium from file:// (target:
// every chart drawn within 3 s): until the summary table is drawn, until plotly.js has loaded and run, until the
// first screen of charts is drawn, and until every chart on the page is drawn (the page draws them all, nearest
// the viewport first, without waiting for the reader to scroll). Without a results file it uses the synthetic
// 505-run fixture of the report's tests; `node dist/src/cli/main.js run default --out DIR` then DIR/results.json
// measures the default suite.
//
// The page is loaded the way a reader's browser loads it: Chromium driven over a bare DevTools pipe that never
// enables the Runtime domain. playwright (and an open DevTools) enable it, which makes V8 capture a detailed stack
// trace at every exception: plotly.js throws and catches six at start-up (feature tests), each stack runs through
// the bundle's three outermost functions (each spanning the whole 10 MB file), and V8 reparses all three to find
// source positions: about 1.5 s of main-thread CPU that no reader pays. The "DevTools open" variants show it.
//
// Variants, interleaved round by round (the order rotates), each in a fresh browser context:
//   now                the page as writeReport writes it (plotly.js deferred, the build's minified copy)
//   before             the page before this change (plotly.js async in <head>, plotly.js-dist's own file)
//   own file, deferred the page as now, with plotly.js-dist's own file (the minified copy's share)
//   ... DevTools open  the same page with the Runtime domain enabled (what playwright measures)
// Page figures are the page's own marks (ms since navigation start) and its main thread's CPU time (Chromium's
// ThreadTime), which a busy machine inflates least. Medians with min and max; the load average is printed.
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { installedPlotly } from '../../src/report/plotly-bundle.js';
import { PLOTLY_FILE, plotlyBundle, REPORT_FILE, renderReport, writeReport } from '../../src/report/index.js';
import { loadResultSet } from '../../src/results/load.js';
import type { ResultSet } from '../../src/results/types.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumMissing } from './chromium.js';
import { makeLargeResultSet } from './synthetic-results.js';

const GENERATE_REPEATS = 5;
const GENERATE_BUDGET_MS = 2000;
const LOAD_BUDGET_MS = 3000;
const LOAD_TIMEOUT_MS = 120_000;

interface Variant {
  name: string;
  dir: string;
  devtools: boolean;
}

interface Sample {
  fcp: number;
  summary: number;
  plotly: number;
  firstScreen: number;
  everyChart: number;
  cpu: number;
  draws: [string, number][];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

type CdpMessage = { id?: number; method?: string; params?: unknown; result?: unknown; error?: unknown; sessionId?: string };

/**
 * Chromium over --remote-debugging-pipe (NUL-separated JSON on fds 3 and 4): the DevTools protocol without
 * playwright, so no domain is enabled that the benchmark does not ask for.
 */
class Chromium {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly child;
  private buffer = Buffer.alloc(0);

  constructor(profileDir: string) {
    this.child = spawn(
      CHROMIUM_PATH,
      [...CHROMIUM_ARGS, '--remote-debugging-pipe', `--user-data-dir=${profileDir}`, 'about:blank'],
      { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
    );
    const input = this.child.stdio[4] as NodeJS.ReadableStream;
    input.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      for (let end = this.buffer.indexOf(0); end >= 0; end = this.buffer.indexOf(0)) {
        const message = JSON.parse(this.buffer.subarray(0, end).toString('utf8')) as CdpMessage;
        this.buffer = this.buffer.subarray(end + 1);
        const waiter = message.id === undefined ? undefined : this.pending.get(message.id);
        if (waiter === undefined || message.id === undefined) continue;
        this.pending.delete(message.id);
        if (message.error !== undefined) waiter.reject(new Error(`DevTools protocol: ${JSON.stringify(message.error)}`));
        else waiter.resolve(message.result);
      }
    });
    this.child.on('exit', () => {
      for (const waiter of this.pending.values()) waiter.reject(new Error('Chromium exited'));
      this.pending.clear();
    });
  }

  send<T>(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<T> {
    const id = ++this.nextId;
    const output = this.child.stdio[3] as NodeJS.WritableStream;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      output.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.send('Browser.close').catch(() => undefined);
    const timer = setTimeout(() => this.child.kill(), 5000);
    await exited;
    clearTimeout(timer);
  }
}

/** Load one page in a fresh browser context and read its marks and main-thread CPU time. */
async function loadPage(browser: Chromium, variant: Variant): Promise<Sample> {
  const { browserContextId } = await browser.send<{ browserContextId: string }>('Target.createBrowserContext');
  const { targetId } = await browser.send<{ targetId: string }>('Target.createTarget', { url: 'about:blank', browserContextId });
  const { sessionId } = await browser.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
  try {
    await browser.send('Performance.enable', {}, sessionId);
    if (variant.devtools) await browser.send('Runtime.enable', {}, sessionId);
    await browser.send(
      'Emulation.setDeviceMetricsOverride',
      { width: 1400, height: 1000, deviceScaleFactor: 1, mobile: false },
      sessionId,
    );
    await browser.send('Page.navigate', { url: pathToFileURL(join(variant.dir, REPORT_FILE)).href }, sessionId);
    // Poll for the page's own "every chart drawn" flag; the figures come from the page's marks, not from the poll.
    const expression = `document.body?.dataset.chartsReady === 'true' ? JSON.stringify({
      marks: Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name.replace(/:\\d+$/, ''), m.startTime])),
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
      draws: performance.getEntriesByType('measure').filter((m) => m.name.startsWith('pinbench:draw:')).map((m) => [m.name.slice(14), m.duration]),
    }) : null`;
    const deadline = performance.now() + LOAD_TIMEOUT_MS;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const { result } = await browser.send<{ result: { value?: string | null } }>(
        'Runtime.evaluate',
        { expression, returnByValue: true },
        sessionId,
      );
      if (typeof result.value === 'string') {
        const page = JSON.parse(result.value) as { marks: Record<string, number>; fcp: number | null; draws: [string, number][] };
        const { metrics } = await browser.send<{ metrics: { name: string; value: number }[] }>(
          'Performance.getMetrics',
          {},
          sessionId,
        );
        const mark = (name: string): number => page.marks[`pinbench:${name}`] ?? Number.NaN;
        return {
          fcp: page.fcp ?? Number.NaN,
          summary: mark('summary'),
          plotly: mark('plotly-loaded') - mark('plotly-requested'),
          firstScreen: mark('first-screen'),
          everyChart: mark('charts-ready'),
          cpu: (metrics.find((m) => m.name === 'ThreadTime')?.value ?? Number.NaN) * 1000,
          draws: page.draws,
        };
      }
      if (performance.now() > deadline) throw new Error(`${variant.name}: charts not drawn within ${LOAD_TIMEOUT_MS} ms`);
    }
  } finally {
    await browser.send('Target.closeTarget', { targetId }).catch(() => undefined);
    await browser.send('Target.disposeBrowserContext', { browserContextId }).catch(() => undefined);
  }
}

/** The page as it was before plotly.js was minified and deferred: async in <head>, plotly.js-dist's own file. */
async function makeVariantDir(from: string, to: string, tag: 'async' | 'defer', plotlyPath: string): Promise<void> {
  await cp(from, to, { recursive: true });
  const html = await readFile(join(to, REPORT_FILE), 'utf8');
  await writeFile(
    join(to, REPORT_FILE),
    html.replace(/<script (?:async|defer) id="plotly-script"/, `<script ${tag} id="plotly-script"`),
  );
  await cp(plotlyPath, join(to, PLOTLY_FILE));
}

async function main(): Promise<void> {
  const file = process.argv.slice(2).find((a, i, all) => !a.startsWith('--') && all[i - 1] !== '--rounds');
  const rounds = Number(argValue('--rounds') ?? 5);
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new RangeError(`--rounds must be a positive integer, got ${argValue('--rounds')}`);
  const missing = chromiumMissing();
  if (missing) throw new Error(missing);
  const set: ResultSet = file ? await loadResultSet(file) : makeLargeResultSet();
  const loadBefore = loadavg();

  const renderMs: number[] = [];
  for (let i = 0; i < GENERATE_REPEATS; i++) {
    const t0 = performance.now();
    renderReport([set]);
    renderMs.push(performance.now() - t0);
  }
  const root = await mkdtemp(join(tmpdir(), 'pinbench-report-speed-'));
  const now = join(root, 'now');
  const writeMs: number[] = [];
  for (let i = 0; i < GENERATE_REPEATS; i++) {
    const t0 = performance.now();
    await writeReport([set], now);
    writeMs.push(performance.now() - t0);
  }
  const bundle = plotlyBundle();
  const own = installedPlotly();
  await makeVariantDir(now, join(root, 'before'), 'async', own.path);
  await makeVariantDir(now, join(root, 'own'), 'defer', own.path);
  const variants: Variant[] = [
    { name: 'now', dir: now, devtools: false },
    { name: 'before', dir: join(root, 'before'), devtools: false },
    { name: 'own file, deferred', dir: join(root, 'own'), devtools: false },
    { name: 'now, DevTools open', dir: now, devtools: true },
    { name: 'before, DevTools open', dir: join(root, 'before'), devtools: true },
  ];
  const samples = new Map<string, Sample[]>(variants.map((v) => [v.name, []]));

  const browser = new Chromium(join(root, 'profile'));
  try {
    for (let round = 0; round < rounds; round++) {
      const order = variants.map((_, i) => variants[(i + round) % variants.length] as Variant);
      for (const variant of order) {
        samples.get(variant.name)?.push(await loadPage(browser, variant));
        process.stderr.write('.');
      }
    }
  } finally {
    await browser.close();
    process.stderr.write('\n');
    await rm(root, { recursive: true, force: true });
  }

  const stat = (xs: number[]): string =>
    `${median(xs).toFixed(0).padStart(6)} (${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)})`;
  const line = (label: string, xs: number[], budget?: number): string =>
    `${label.padEnd(34)} median ${median(xs).toFixed(0).padStart(6)} ms  (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})` +
    (budget ? `  budget ${budget} ms: ${median(xs) <= budget ? 'ok' : 'OVER'}` : '');
  const header = `${'page (ms since navigation; median (min-max))'.padEnd(46)}${['FCP', 'table', 'plotly ready', 'first screen', 'every chart', 'main-thread CPU'].map((h) => h.padStart(18)).join('')}`;
  const rows = variants.map((v) => {
    const s = samples.get(v.name) ?? [];
    const cols = [
      s.map((x) => x.fcp),
      s.map((x) => x.summary),
      s.map((x) => x.plotly),
      s.map((x) => x.firstScreen),
      s.map((x) => x.everyChart),
      s.map((x) => x.cpu),
    ];
    return `${v.name.padEnd(46)}${cols.map((c) => stat(c).padStart(18)).join('')}`;
  });
  const nowSamples = samples.get('now') ?? [];
  const draws = nowSamples[0]?.draws ?? [];
  const loadAfter = loadavg();
  process.stdout.write(
    [
      `report speed: ${set.runs.length} runs${file ? ` from ${file}` : ' (synthetic fixture)'}; ${rounds} interleaved rounds of ${variants.length} page variants`,
      `plotly.js shipped: ${bundle.minified ? `the build's minified copy of plotly.js-dist ${own.version}` : `plotly.js-dist ${own.version}'s own file (no minified copy: run npm run build)`}`,
      `load average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')}`,
      line('renderReport (HTML string)', renderMs, GENERATE_BUDGET_MS),
      line('writeReport (HTML + plotly copy)', writeMs, GENERATE_BUDGET_MS),
      line(
        'now: every chart drawn',
        nowSamples.map((x) => x.everyChart),
        LOAD_BUDGET_MS,
      ),
      header,
      ...rows,
      `chart draw times, first load of "now" (ms): ${draws.map(([id, ms]) => `${id.replace('chart-', '')} ${ms.toFixed(0)}`).join(', ')}`,
      '',
    ].join('\n'),
  );
}

await main();
