import { comparisonChart, SECTIONS } from './charts.js';
import type { ChartSpec, CompareVerdicts, ComparisonData, ErrorRow, ReportData, ReportRow, SetHeader } from './types.js';
import { elementAt } from '../shared/element-at.js';

/** Escape text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** JSON that is safe inside a <script> element: no `</script>`, no `<!--`. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const CSS = `
:root { --fg:#1d1d1f; --muted:#5b5b60; --line:#d9d9de; --exact:#e8f1fa; --noisy:#f6f1e6; --bad:#D55E00; --good:#009E73; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif; color:var(--fg); background:#fafafa; }
main { max-width: 1400px; margin: 0 auto; padding: 0 20px 40px; }
header.top { max-width:1400px; margin:0 auto; padding:20px 20px 4px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 28px 0 4px; padding-top: 8px; border-top: 1px solid var(--line); }
p.lede { color: var(--muted); margin: 0 0 12px; max-width: 70em; }
.intro { color: var(--muted); margin: 0 0 10px; max-width: 70em; }
table { border-collapse: collapse; font-size: 13px; }
th, td { padding: 3px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.meta th { color: var(--muted); font-weight: 600; white-space: nowrap; }
.banner { padding: 10px 14px; margin: 10px 0; border-radius: 6px; border-left: 6px solid; background: #fff; max-width: 70em; }
.banner.bad { border-color: var(--bad); }
.banner.good { border-color: var(--good); }
.banner.info { border-color: #56B4E9; }
nav#filters { position: sticky; top: 0; z-index: 10; background: #fffffff0; border-bottom: 1px solid var(--line);
  padding: 8px 20px; display: flex; flex-wrap: wrap; gap: 6px 18px; align-items: center; box-shadow: 0 1px 4px #0001; }
nav#filters::before { content: "Filters"; font-weight: 700; margin-right: 4px; }
label.filter { white-space: nowrap; color: var(--muted); }
label.filter select { font: inherit; margin-left: 4px; padding: 1px 4px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 16px; }
figure.chart { contain: layout style; margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 6px 8px 8px; min-width: 0; }
figure.chart .plot { width: 100%; min-height: 420px; }
figcaption { font-size: 13px; color: var(--fg); padding: 4px 4px 0; }
figcaption .applied { display: block; color: var(--muted); font-size: 12px; }
.table-wrap { max-height: 520px; overflow: auto; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
/* The summary table may be wider than the page's 1400 px column: it takes the window's width, and scrolls below that. */
#summary .table-wrap { width: max-content; min-width: 100%; max-width: calc(100vw - 40px); max-height: 80vh; }
table.summary thead th { position: sticky; background: #fff; z-index: 1; }
table.summary thead tr:first-child th { top: 0; }
table.summary thead tr:nth-child(2) th { top: 27px; }
th.grp { text-align: center; font-weight: 700; }
.exact { background: var(--exact); }
.noisy { background: var(--noisy); font-style: italic; }
th.exact, th.noisy { background-clip: padding-box; }
tr.faulty td:first-child { font-weight: 700; }
tr.invalid td { color: var(--muted); background: repeating-linear-gradient(135deg, #fff, #fff 6px, #f3f3f5 6px, #f3f3f5 12px); }
tr.invalid td:first-child { font-weight: 400; }
.reason { font-size: 12px; color: var(--bad); white-space: normal; }
table.summary td:first-child, table.summary th { white-space: nowrap; }
table.summary thead tr:nth-child(2) th { white-space: normal; vertical-align: bottom; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; border: 1px solid #0003; }
.legend-kinds span { display: inline-block; padding: 1px 8px; margin-right: 8px; border: 1px solid var(--line); border-radius: 4px; }
table.changed td.changed { background: #fde7d9; font-weight: 600; }
table.verdicts tr.regressed td { background: #fde7d9; font-weight: 600; }
.ok-note { color: #005c44; }
details { margin: 6px 0; }
summary { cursor: pointer; color: var(--muted); }
code { font-size: 12.5px; background: #f0f0f3; padding: 0 3px; border-radius: 3px; }
#plotly-missing { color: #fff; background: var(--bad); padding: 10px 20px; }
.race-timeline { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; margin: 12px 0; overflow-x: auto; }
figure.timeline { margin: 0; }
.timeline-caption { font-size: 13px; padding-top: 4px; max-width: 70em; }
footer { color: var(--muted); font-size: 13px; border-top: 1px solid var(--line); margin-top: 30px; padding-top: 10px; }
`;

function figure(spec: Pick<ChartSpec, 'id' | 'lookFor'>): string {
  return `<figure class="chart">
<div id="${spec.id}" class="plot"></div>
<figcaption><strong>Look for:</strong> ${escapeHtml(spec.lookFor)}<span class="applied" data-applied-for="${spec.id}"></span></figcaption>
</figure>`;
}

function formatParams(record: Record<string, string | string[]>): string {
  const entries = Object.entries(record).filter(([k]) => k !== 'scenario');
  if (entries.length === 0) return '–';
  return entries
    .map(([k, v]) => `<code>${escapeHtml(k)}</code>&nbsp;${escapeHtml(Array.isArray(v) ? v.join(', ') : v)}`)
    .join('; ');
}

/** `80 (77 ok, 2 invalid, 1 failed)`, or `33 of 80 (...) partial: interrupted`. */
function runsCell(s: SetHeader): string {
  const of = s.partial && s.plannedRuns !== null && s.plannedRuns > s.runs ? `${s.runs} of ${s.plannedRuns}` : String(s.runs);
  const invalid = s.invalidRuns > 0 ? `, <strong>${s.invalidRuns} invalid</strong>` : '';
  return `${of} (${s.okRuns} ok${invalid}, ${s.errorRuns} failed)${s.partial ? ' <strong>partial: interrupted</strong>' : ''}`;
}

function headerTable(sets: SetHeader[]): string {
  const row = (label: string, cell: (s: SetHeader) => string): string =>
    `<tr><th>${label}</th>${sets.map((s) => `<td>${cell(s)}</td>`).join('')}</tr>`;
  const profileNames = (s: SetHeader): string => Object.keys(s.profiles).map(escapeHtml).join(', ') || '–';
  return `<table class="meta">
${sets.length > 1 ? row('result set', (s) => `<strong>${escapeHtml(s.label)}</strong>`) : ''}
${row('suite', (s) => `<strong>${escapeHtml(s.suite)}</strong>`)}
${row('date', (s) => escapeHtml(s.createdAt))}
${row('tool', (s) => escapeHtml(s.tool))}
${row('machine', (s) => escapeHtml(s.machine))}
${row('Node', (s) => escapeHtml(s.node))}
${row('cost profile', profileNames)}
${row('runs', runsCell)}
${row('parameters that vary', (s) => formatParams(s.varying))}
${row('fixed parameters', (s) => formatParams(s.fixed))}
</table>`;
}

function profilesTable(sets: SetHeader[]): string {
  const profiles = new Map<string, Record<string, unknown>>();
  for (const s of sets) {
    for (const [name, p] of Object.entries(s.profiles)) {
      if (!profiles.has(name) && p && typeof p === 'object') profiles.set(name, p as Record<string, unknown>);
    }
  }
  if (profiles.size === 0) return '';
  const names = [...profiles.keys()];
  const fields = [...new Set(names.flatMap((n) => Object.keys(profiles.get(n) ?? {})))].filter((f) => f !== 'name');
  const cell = (v: unknown): string =>
    typeof v === 'number' ? `<td class="num">${v}</td>` : `<td>${escapeHtml(String(v ?? ''))}</td>`;
  return `<details><summary>Cost profile numbers (virtual ns per operation)</summary>
<table class="meta"><tr><th>field</th>${names.map((n) => `<th>${escapeHtml(n)}</th>`).join('')}</tr>
${fields.map((f) => `<tr><th>${escapeHtml(f)}</th>${names.map((n) => cell(profiles.get(n)?.[f])).join('')}</tr>`).join('\n')}
</table></details>`;
}

/**
 * The one-line verdict on the race at the top of the page, for the set the page opens on: every series (strategy,
 * marked racy when it does not claim to be race-free), its faults in racing runs, and the racing runs that failed
 * or are invalid, which the counts cannot cover.
 */
export function raceBanner(rows: ReportRow[], series: string[], errors: readonly ErrorRow[] = []): string {
  const racing = rows.filter((r) => r.vcpus > 1 && r.invalid.length === 0);
  const notCounted = errors.filter((e) => e.vcpus !== null && e.vcpus > 1);
  const lost =
    notCounted.length === 0
      ? ''
      : ` ⚠ ${notCounted.length} racing run${notCounted.length === 1 ? '' : 's'} failed or ${notCounted.length === 1 ? 'is' : 'are'} invalid and ${notCounted.length === 1 ? 'is' : 'are'} not counted (${escapeHtml(
          [...new Set(notCounted.map((e) => e.strategy ?? e.id))].join(', '),
        )}: see "Failed and invalid runs").`;
  if (racing.length === 0) {
    return `<div class="banner ${lost ? 'bad' : 'info'}"><strong>The race:</strong> no correct run had racing writers, so no strategy could be seen to fault.${lost}</div>`;
  }
  const parts: string[] = [];
  const clean: string[] = [];
  for (const s of series) {
    const rs = racing.filter((r) => r.series === s);
    if (rs.length === 0) continue;
    const faults = rs.reduce((a, r) => a + r.faults, 0);
    const runs = rs.reduce((a, r) => a + r.seeds.length, 0);
    const faulty = rs.reduce((a, r) => a + r.faultySeeds, 0);
    const expected = rs[0]?.raceFree === false ? ' (deliberately racy: expected)' : '';
    if (faults > 0)
      parts.push(
        `<strong>${escapeHtml(s)}</strong>: ${faults} write-protect faults in ${faulty} of ${runs} racing runs${expected}`,
      );
    else clean.push(escapeHtml(s));
  }
  if (parts.length === 0) {
    return `<div class="banner ${lost ? 'bad' : 'good'}"><strong>The race:</strong> ✓ no write-protect fault in any racing run (${clean.join(', ')}).${lost}</div>`;
  }
  return `<div class="banner bad"><strong>The race:</strong> ✗ ${parts.join('; ')}.${clean.length > 0 ? ` ✓ None for ${clean.join(', ')}.` : ''}${lost}</div>`;
}

function fmtValue(v: number | string | null): string {
  if (v === null) return '<em>absent</em>';
  if (typeof v === 'string') return escapeHtml(v);
  return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toPrecision(6);
}

function comparisonSection(cmp: ComparisonData, index: number, sets: SetHeader[]): string {
  const base = elementAt(sets, cmp.baseline, 'result set');
  const cur = elementAt(sets, cmp.current, 'result set');
  const verdict =
    cmp.changedExact === 0
      ? `<div class="banner good">✓ No exact metric changed in ${cmp.matched} matched runs.</div>`
      : `<div class="banner bad">✗ ${cmp.changedExact} exact metric values changed in ${cmp.changedRuns} of ${cmp.matched} matched runs.</div>`;
  const unmatched: string[] = [];
  if (cmp.onlyBaseline.length > 0)
    unmatched.push(
      `${cmp.onlyBaseline.length} runs only in the baseline (${escapeHtml(cmp.onlyBaseline.slice(0, 5).join('; '))}${cmp.onlyBaseline.length > 5 ? '; …' : ''})`,
    );
  if (cmp.onlyCurrent.length > 0)
    unmatched.push(
      `${cmp.onlyCurrent.length} runs only in current (${escapeHtml(cmp.onlyCurrent.slice(0, 5).join('; '))}${cmp.onlyCurrent.length > 5 ? '; …' : ''})`,
    );
  const rows = cmp.changed
    .map(
      (c) =>
        `<tr><td>${escapeHtml(c.run)}</td><td>${escapeHtml(c.metric)}</td><td class="num">${fmtValue(c.baseline)}</td>` +
        `<td class="num changed">${fmtValue(c.current)}</td><td class="num">${c.ratio === null ? '–' : c.ratio.toPrecision(4)}</td></tr>`,
    )
    .join('\n');
  const table =
    cmp.changed.length === 0
      ? ''
      : `<details open><summary>Changed exact metrics${cmp.changedExact > cmp.changed.length ? ` (first ${cmp.changed.length} of ${cmp.changedExact})` : ''}</summary>
<div class="table-wrap"><table class="changed"><thead><tr><th>run</th><th>exact metric</th><th>baseline</th><th>current (changed)</th><th>ratio</th></tr></thead>
<tbody>${rows}</tbody></table></div></details>`;
  return `<h3>${escapeHtml(cur?.label ?? `#${cmp.current + 1}`)} against the baseline ${escapeHtml(base?.label ?? `#${cmp.baseline + 1}`)}</h3>
${verdict}
${cmp.verdicts?.hint ? `<div class="banner info"><strong>Few runs paired:</strong> ${escapeHtml(cmp.verdicts.hint)}.</div>` : ''}
${unmatched.length > 0 ? `<p>Unmatched: ${unmatched.join('; ')}.</p>` : ''}
${cmp.verdicts ? verdictsTable(cmp.verdicts) : ''}
<div class="grid">${figure(comparisonChart(index))}</div>
${table}`;
}

/** compare's wall-clock verdicts, as the terminal shows them. */
function verdictsTable(v: CompareVerdicts): string {
  const body =
    v.rows.length === 0
      ? `<tr><td colspan="${v.headers.length}">Nothing judged.</td></tr>`
      : v.rows
          .map((row) => {
            const bad = row.some((cell) => /^regressed$/i.test(cell));
            return `<tr${bad ? ' class="regressed"' : ''}>${row.map((cell, i) => `<td${i > 1 ? ' class="num"' : ''}>${escapeHtml(cell)}</td>`).join('')}</tr>`;
          })
          .join('\n');
  const more = v.omitted > 0 ? `<p>… and ${v.omitted} more row(s).</p>` : '';
  const notJudged = v.notJudged.length > 0 ? `<p>Not judged: ${v.notJudged.map(escapeHtml).join('; ')}.</p>` : '';
  return `<section class="verdicts"><h4>Wall-clock verdicts (noisy)</h4><p class="intro">${escapeHtml(v.caption)}</p>
<div class="table-wrap"><table class="verdicts"><thead><tr>${v.headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody>${body}</tbody></table></div>${more}${notJudged}</section>`;
}

function errorsSection(errors: ErrorRow[], sets: SetHeader[]): string {
  if (errors.length === 0) return '';
  const rows = errors
    .map(
      (e) =>
        `<tr>${sets.length > 1 ? `<td>${escapeHtml(sets[e.set]?.label ?? '')}</td>` : ''}<td>${escapeHtml(e.id)}</td><td>${e.status === 'invalid' ? '✗ invalid' : 'failed'}</td><td>${escapeHtml(e.error)}</td></tr>`,
    )
    .join('\n');
  const invalid = errors.filter((e) => e.status === 'invalid').length;
  return `<section id="errors"><h2>Failed and invalid runs (${errors.length - invalid} failed, ${invalid} invalid)</h2>
<p class="intro">Failed runs threw or reached a run limit: they have no metrics and are in no chart. Invalid runs completed but are
not results (a hypercall failed, an end-of-run invariant broke, or a strategy that claims to be race-free faulted): their rows are
marked ✗ invalid, drawn as crosses apart from the lines, and listed after every correct row.</p>
<div class="table-wrap"><table><thead><tr>${sets.length > 1 ? '<th>result set</th>' : ''}<th>run</th><th>status</th><th>error, or why it is invalid</th></tr></thead><tbody>${rows}</tbody></table></div></section>`;
}

/** The micro-benchmarks' tinybench statistics as a table, one block per result set. */
function microTable(data: ReportData): string {
  if (data.micro.length === 0) return '';
  const ms = (v: number | null): string =>
    v === null ? '–' : v < 1 ? `${(v * 1000).toPrecision(4)} µs` : `${v.toPrecision(4)} ms`;
  const many = data.sets.length > 1;
  const rows = data.micro
    .map(
      (m) =>
        `<tr>${many ? `<td>${escapeHtml(data.sets[m.set]?.label ?? '')}</td>` : ''}<td>${escapeHtml(m.name)}</td><td class="num noisy">${ms(m.meanMs)}</td>` +
        `<td class="num noisy">${m.rmePct === null ? '–' : `±${m.rmePct.toFixed(1)} %`}</td><td class="num noisy">${ms(m.p50Ms)}</td>` +
        `<td class="num noisy">${ms(m.p99Ms)}</td><td class="num">${m.samples ?? '–'}</td></tr>`,
    )
    .join('\n');
  return `<details><summary>Micro-benchmark statistics (tinybench, wall clock per call)</summary>
<div class="table-wrap"><table><thead><tr>${many ? '<th>result set</th>' : ''}<th>benchmark</th><th>~ mean</th><th>~ rme</th><th>~ p50</th><th>~ p99</th><th>samples</th></tr></thead>
<tbody>${rows}</tbody></table></div></details>`;
}

/**
 * plotly.js as a deferred script in <head>: Chromium reads and parses its file off the main thread while the page
 * parses and the summary table is drawn, and runs it only once the page is parsed, so it can never hold up the
 * table (an async script runs as soon as it has loaded, which on a fast machine can be before the table). The
 * inline handlers record the outcome for the client; the mark starts the benchmark's "plotly ready" clock.
 */
function plotlyScriptTag(src: string): string {
  return `<script>performance.mark('pinbench:plotly-requested')</script>
<script defer id="plotly-script" src="${escapeHtml(src)}" onload="window.pinbenchPlotly='loaded'" onerror="window.pinbenchPlotly='failed'"></script>`;
}

/** How the page loads plotly.js. */
export type PlotlyTag = { src: string } | { inline: string };

/** Text of a script safe inside <script>: no `</script>`. */
function scriptText(text: string): string {
  return text.replace(/<\/(script)/gi, '<\\/$1');
}

/**
 * The whole page. Pure: the same data gives the same bytes. `client` is the browser client's compiled script
 * (client/main.ts); it renders the summary table first, then draws every chart once plotly.js is there (a copied
 * file, loaded by a deferred script in <head> while the table is drawn, or the inlined one).
 */
export function renderPage(
  data: ReportData,
  plotly: PlotlyTag,
  client: string,
  extras: { race?: string; traces?: string } = {},
): string {
  const last = data.sets.length - 1;
  const lastRows = data.rows.filter((r) => r.set === last);
  const full = data.view === 'full';
  // A micro-benchmark suite has no scenario runs: only the toolkit section then has anything to show.
  const scenarios = data.rows.length > 0;
  const sections = full
    ? SECTIONS.filter((sec) => scenarios || sec.id === 'toolkit')
        .map((sec) => {
          const specs = data.charts.filter((c) => c.section === sec.id);
          const extra =
            sec.id === 'race'
              ? `<div id="fault-examples"></div>${extras.race ?? ''}`
              : sec.id === 'toolkit'
                ? microTable(data)
                : '';
          return `<section id="${sec.id}"><h2>${escapeHtml(sec.title)}</h2><p class="intro">${escapeHtml(sec.intro)}</p>
<div class="grid">${specs.map(figure).join('\n')}</div>${extra}</section>`;
        })
        .join('\n')
    : '';
  const summary =
    full && scenarios
      ? `<section id="summary"><h2>Summary per strategy and size</h2>
<p class="intro legend-kinds"><span class="exact">exact</span> columns are model outputs, identical for the same parameters and seed on any machine;
<span class="noisy">~ noisy</span> columns are wall-clock measurements of this machine. Seeds are pooled as one long run; per cycle = total ÷ pins, p99 the largest over seeds. ⚠ marks a preempt overflow, ✗ write-protect faults.</p>
<p class="intro" id="summary-applied"></p>
<div class="table-wrap" id="summary-table"></div></section>`
      : '';
  const comparisons =
    data.comparisons.length > 0
      ? `<section id="comparison"><h2>Comparison</h2>
<p class="intro">Runs are paired by their parameters (seed included). Ratios are current ÷ baseline: above 1 means more traps, deeper preemption, longer holds, more throughput or slower wall time.</p>
${data.comparisons.map((c, i) => comparisonSection(c, i, data.sets)).join('\n')}</section>`
      : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(data.title)}</title>
${'src' in plotly ? plotlyScriptTag(plotly.src) : ''}
<style>${CSS}</style>
</head>
<body>
<div id="plotly-missing" hidden></div>
<header class="top">
<h1>${escapeHtml(data.title)}</h1>
<p class="lede">Pagetable pinning strategies of a Xen PV Linux guest, run on pinbench's deterministic model. Model numbers
are <strong>exact</strong> (virtual time under the cost profile, the same for the same seed anywhere); the toolkit's own timings
are <strong>noisy</strong> wall clock. Charts are per pin/unpin cycle unless they say otherwise; hover for values, click a legend entry to hide a line.</p>
${
  full && scenarios
    ? raceBanner(
        lastRows,
        data.series,
        data.errors.filter((e) => e.set === last),
      )
    : ''
}
${headerTable(data.sets)}
${profilesTable(data.sets)}
</header>
<nav id="filters" aria-label="filters"></nav>
<main>
${summary}
${sections}
${comparisons}
${full ? (extras.traces ?? '') : ''}
${full ? errorsSection(data.errors, data.sets) : ''}
<footer>
<p><strong>How to read this report.</strong> Virtual times are nanoseconds of the model under the named cost profile; throughput is per
virtual second. Wall times are milliseconds on the machine in the header. Each strategy keeps its colour (Okabe-Ito palette, safe for
colour-blind readers) and its marker shape in every chart. Filters apply to every chart except along the chart's own axis.</p>
</footer>
</main>
${'inline' in plotly ? `<script>${scriptText(plotly.inline)}</script>` : ''}
<script type="application/json" id="pinbench-data">${scriptJson(data)}</script>
<script type="application/json" id="pinbench-plotly-src">${scriptJson('src' in plotly ? plotly.src : null)}</script>
<script>
${scriptText(client)}
</script>
</body>
</html>
`;
}
