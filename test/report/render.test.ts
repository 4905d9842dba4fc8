import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderReport } from '../../src/report/index.js';
import type { ReportData } from '../../src/report/types.js';
import { makeResultSet } from '../../benchmarks/speed/synthetic-results.js';

/** The data model embedded in a rendered page. */
function embeddedData(html: string): ReportData {
  const m = /<script type="application\/json" id="pinbench-data">(.*?)<\/script>/s.exec(html);
  assert.ok(m, 'no embedded data');
  return JSON.parse(m[1] ?? 'null') as ReportData;
}

const CHART_IDS = [
  'chart-traps',
  'chart-entries',
  'chart-batch-hist',
  'chart-flush',
  'chart-preempt',
  'chart-ptl-hold',
  'chart-mmlock-hold',
  'chart-writer-wait',
  'chart-faults',
  'chart-tput-size',
  'chart-tput-vcpus',
  'chart-wall',
];

test('the report has every chart of the issue, each with a sentence saying what to look for', () => {
  const html = renderReport([makeResultSet()]);
  for (const id of [...CHART_IDS, 'chart-micro']) {
    assert.match(html, new RegExp(`<div id="${id}" class="plot"></div>\\s*<figcaption><strong>Look for:</strong> \\S`), id);
  }
});

test('the micro-benchmark chart appears only when the set has micro-benchmarks', () => {
  assert.doesNotMatch(renderReport([makeResultSet({ micro: false })]), /id="chart-micro"/);
});

test('the page loads nothing from the network', () => {
  const html = renderReport([makeResultSet()]);
  assert.doesNotMatch(html, /\b(src|href)="(https?:)?\/\//);
  assert.doesNotMatch(html, /fetch\(|XMLHttpRequest|@import/);
});

test('the header names the suite, date, tool version and commit, machine and cost profile', () => {
  const html = renderReport([makeResultSet({ suite: 'scaling', createdAt: '2030-05-06T07:08:09.000Z', commit: 'abc1234' })]);
  for (const text of [
    'scaling',
    '2030-05-06T07:08:09.000Z',
    'pinbench 0.1.0 (commit abc1234)',
    'Synthetic CPU @ 2.40GHz, 2 cores, 8.0 GiB',
    'modern',
  ]) {
    assert.ok(html.includes(text), text);
  }
});

test('the race banner names the faulting strategy, marked racy by design, and clears the others', () => {
  const html = renderReport([makeResultSet({ vcpus: [4], seeds: 2 })]);
  assert.match(
    html,
    /class="banner bad"><strong>The race:<\/strong> ✗ <strong>unlocked \(racy\)<\/strong>: \d+ write-protect faults in 8 of 8 racing runs \(deliberately racy: expected\)\. ✓ None for mm-lock, whole-lock, per-pte-deferred, unbatched\./,
  );
});

test('the race banner counts apart the racing runs that failed or are invalid', () => {
  const html = renderReport([makeResultSet({ vcpus: [4], seeds: 2, errors: 1, invalid: 2 })]);
  assert.match(html, /⚠ 3 racing runs failed or are invalid and are not counted \(unbatched: see "Failed and invalid runs"\)\./);
});

test('without racing writers the banner says nothing could race', () => {
  assert.match(renderReport([makeResultSet({ vcpus: [1] })]), /no correct run had racing writers/);
});

test('exact and noisy columns are marked apart', () => {
  const html = renderReport([makeResultSet()]);
  assert.match(html, /<span class="exact">exact<\/span> columns are model outputs/);
  assert.match(html, /<span class="noisy">~ noisy<\/span> columns are wall-clock/);
});

test('text from the result set is escaped', () => {
  const set = makeResultSet({ suite: '<img src=x onerror=alert(1)>', errors: 1 });
  const html = renderReport([set]);
  assert.ok(!html.includes('<img src=x'));
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
});

test('embedded data cannot close its script element', () => {
  const set = makeResultSet({ errors: 1 });
  const last = [...set.runs].reverse().find((r) => r.status === 'error');
  assert.ok(last !== undefined);
  if (last.status === 'error') last.error = '</script><script>alert(1)</script>';
  const html = renderReport([set]);
  assert.equal(
    html.match(/<\/script>/g)?.length,
    5,
    'only the plotly mark, the plotly script, the data, the plotly location and the client script close',
  );
  assert.equal(embeddedData(html).errors[0]?.error, '</script><script>alert(1)</script>');
});

test('the same result set renders the same bytes', () => {
  assert.equal(renderReport([makeResultSet()]), renderReport([makeResultSet()]));
});

test('plotly is loaded from the copied file by default and inlined on request', () => {
  const copied = renderReport([makeResultSet()]);
  assert.ok(copied.includes('<script type="application/json" id="pinbench-plotly-src">"plotly.js"</script>'));
  assert.match(
    copied,
    /<head>[\s\S]*<script defer id="plotly-script" src="plotly\.js"[^>]*><\/script>[\s\S]*<\/head>/,
    'the load starts with the page',
  );
  const inline = renderReport([makeResultSet()], { plotly: { inline: 'window.Plotly = {}; "</script>";' } });
  assert.ok(inline.includes('<script>window.Plotly = {}; "<\\/script>";</script>'));
  assert.ok(inline.includes('<script type="application/json" id="pinbench-plotly-src">null</script>'));
  assert.ok(!inline.includes('rel="preload"'));
});

test('the page embeds the browser client as a classic script: no import or export left', () => {
  const html = renderReport([makeResultSet()]);
  const client = html.slice(html.lastIndexOf('<script>') + 8, html.lastIndexOf('</script>'));
  assert.match(client, /clientMain\(pageJson\('pinbench-data'\), pageJson\('pinbench-plotly-src'\)\);/);
  assert.doesNotMatch(client, /^\s*(import|export)\b/m);
});

test('every chart of the page is a figure with its own spec in the embedded data', () => {
  const html = renderReport([makeResultSet()]);
  const data = embeddedData(html) as unknown as { charts: Array<{ id: string; kind: string }> };
  const figures = [...html.matchAll(/<div id="(chart-[\w-]+)" class="plot">/g)].map((m) => m[1]);
  assert.deepEqual(
    data.charts.map((c) => c.id),
    figures,
  );
  assert.ok(data.charts.some((c) => c.kind === 'lines'));
});
