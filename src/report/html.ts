import { clientMain } from './client.js';
import type { ComparisonData, ErrorRow, ReportData, ReportRow, SetHeader } from './types.js';

/** Escape text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** JSON that is safe inside a <script> element: no `</script>`, no `<!--`. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** A chart of the page: its element id, its section and the one sentence that says what to look for. */
export interface ChartSpec {
  id: string;
  section: string;
  lookFor: string;
}

/** Sections of the full report, in order, with their one-paragraph introductions. */
export const SECTIONS: ReadonlyArray<{ id: string; title: string; intro: string }> = [
  {
    id: 'hypercalls',
    title: 'Hypercalls and multicall batching',
    intro:
      'What each strategy asks of Xen per pin/unpin cycle. Counts are run totals divided by the number of pins ' +
      '(one pin and one unpin per cycle); they are exact for a given seed.',
  },
  {
    id: 'locks',
    title: 'Preemption and locks',
    intro:
      'Each held spinlock adds one to the preempt count. Hold and wait times are virtual nanoseconds under the cost profile.',
  },
  {
    id: 'race',
    title: 'The race: write-protect faults',
    intro:
      'A racing vCPU that stores to a PTE page after it was remapped read-only but before Xen validated it as an L1 ' +
      'gets a write-protect fault: the bug the seed patch fixes.',
  },
  {
    id: 'throughput',
    title: 'Throughput (virtual time)',
    intro: 'Pins per virtual second: what the model says the real system would achieve under the cost profile.',
  },
  {
    id: 'toolkit',
    title: "The toolkit's own speed (wall clock, noisy)",
    intro:
      'How fast the simulator itself runs on this machine. These numbers vary from run to run and machine to machine; ' +
      'they track the toolkit, not the strategies.',
  },
];

/** Every chart of the full report except the optional ones (micro-benchmarks, comparisons). */
export const CHARTS: readonly ChartSpec[] = [
  {
    id: 'chart-traps',
    section: 'hypercalls',
    lookFor:
      'the batched strategies need about one trap per 32 multicall entries, so their lines stay low and parallel; ' +
      'unbatched pays one trap per sub-op. unlocked, mm-lock and whole-lock issue the same hypercalls, so their markers coincide.',
  },
  {
    id: 'chart-entries',
    section: 'hypercalls',
    lookFor:
      'per-pte-deferred queues two entries per PTE page (the RO remap, then PIN_L1 or UNPIN) where the 2007 walk queued one, ' +
      'so its line sits about twice as high; unbatched issues no multicalls at all.',
  },
  {
    id: 'chart-batch-hist',
    section: 'hypercalls',
    lookFor:
      'most multicalls should be full (MC_BATCH entries); many small batches mean flushes forced early by callbacks or ' +
      'argument bytes. Drawn at one size: the PTE pages filter.',
  },
  {
    id: 'chart-flush',
    section: 'hypercalls',
    lookFor:
      'flushes for "slots" are the normal case; flushes for "callbacks" (one deferred unlock per PTE page) or "args" end a ' +
      'batch before it is full and cost extra traps.',
  },
  {
    id: 'chart-preempt',
    section: 'locks',
    lookFor:
      'a marker on or above the dashed PREEMPT line has overflowed into the softirq field (crossed ✕): whole-lock does ' +
      'once N+1 reaches 2^PREEMPT_BITS, while per-pte-deferred stays near 18 whatever the size.',
  },
  {
    id: 'chart-ptl-hold',
    section: 'locks',
    lookFor:
      'per-pte-deferred holds each PTE lock only until its batch is flushed, whole-lock holds all of them through the whole ' +
      'pin, so its bar sits far higher. Only summary statistics are recorded, not whole distributions: the thin line spans ' +
      'min to max, the thick bar p50 to p99, the black tick is p50 and ◆ the mean; over several seeds min and max are the ' +
      'extremes and p50, p99 and mean are averaged.',
  },
  {
    id: 'chart-mmlock-hold',
    section: 'locks',
    lookFor:
      'every strategy holds page_table_lock around each pin and unpin (dup_mmap, exit_mmap); under mm-lock the racing writers ' +
      'also need it, so a long hold here is their wait. Same glyphs as the PTE lock chart.',
  },
  {
    id: 'chart-writer-wait',
    section: 'locks',
    lookFor:
      'a p99 that climbs with the vCPUs means writers queue behind the pinner: mm-lock and whole-lock should climb, ' +
      'per-pte-deferred should stay near one batch. Wait is lockstat\'s waittime of contended acquisitions (all vCPUs) of the ' +
      'lock the writers take: page_table_lock under mm-lock, the split PTE lock otherwise.',
  },
  {
    id: 'chart-faults',
    section: 'race',
    lookFor:
      'only unlocked may have a bar. Any other strategy above 0 is a bug in that strategy or in the model. Summed over every ' +
      'size and vCPU count of the result set (the other filters apply).',
  },
  {
    id: 'chart-tput-size',
    section: 'throughput',
    lookFor: 'higher is better; a line that falls faster than the others pays more per PTE page.',
  },
  {
    id: 'chart-tput-vcpus',
    section: 'throughput',
    lookFor:
      'higher is better; a line that drops as writers are added means the pinner stalls behind them (or they behind it).',
  },
  {
    id: 'chart-wall',
    section: 'toolkit',
    lookFor:
      'this is the simulator\'s cost per simulated cycle, not the model\'s answer: use it to catch toolkit slowdowns. ' +
      'Error bars are ±rme (tinybench\'s relative margin of error) where the run was repeated.',
  },
];

export const MICRO_CHART: ChartSpec = {
  id: 'chart-micro',
  section: 'toolkit',
  lookFor:
    'the hot paths of the toolkit. Error bars are ±rme, tinybench\'s relative margin of error at 95 % confidence: bars whose ' +
    'error bars overlap are not different.',
};

const COMPARE_LOOK_FOR =
  'dots away from the line at 1 (each is the geometric mean of current ÷ baseline over a strategy\'s run pairs). An exact ' +
  'metric that changed means the model or a strategy behaves differently, never ' +
  'noise; the wall-time ratio is noisy, so judge it with `pinbench compare`, which tests the raw samples.';

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
table.summary thead th { position: sticky; background: #fff; z-index: 1; }
table.summary thead tr:first-child th { top: 0; }
table.summary thead tr:nth-child(2) th { top: 27px; }
th.grp { text-align: center; font-weight: 700; }
.exact { background: var(--exact); }
.noisy { background: var(--noisy); font-style: italic; }
th.exact, th.noisy { background-clip: padding-box; }
tr.faulty td:first-child { font-weight: 700; }
table.summary td:first-child, table.summary th { white-space: nowrap; }
table.summary thead tr:nth-child(2) th { white-space: normal; vertical-align: bottom; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; border: 1px solid #0003; }
.legend-kinds span { display: inline-block; padding: 1px 8px; margin-right: 8px; border: 1px solid var(--line); border-radius: 4px; }
table.changed td.changed { background: #fde7d9; font-weight: 600; }
.ok-note { color: #005c44; }
details { margin: 6px 0; }
summary { cursor: pointer; color: var(--muted); }
code { font-size: 12.5px; background: #f0f0f3; padding: 0 3px; border-radius: 3px; }
#plotly-missing { color: #fff; background: var(--bad); padding: 10px 20px; }
footer { color: var(--muted); font-size: 13px; border-top: 1px solid var(--line); margin-top: 30px; padding-top: 10px; }
`;

function figure(spec: ChartSpec): string {
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
${row('runs', (s) => `${s.runs} (${s.okRuns} ok, ${s.errorRuns} failed)${s.partial ? ' <strong>partial: interrupted</strong>' : ''}`)}
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
  const fields = [...new Set(names.flatMap((n) => Object.keys(profiles.get(n)!)))].filter((f) => f !== 'name');
  const cell = (v: unknown): string => (typeof v === 'number' ? `<td class="num">${v}</td>` : `<td>${escapeHtml(String(v ?? ''))}</td>`);
  return `<details><summary>Cost profile numbers (virtual ns per operation)</summary>
<table class="meta"><tr><th>field</th>${names.map((n) => `<th>${escapeHtml(n)}</th>`).join('')}</tr>
${fields.map((f) => `<tr><th>${escapeHtml(f)}</th>${names.map((n) => cell(profiles.get(n)![f])).join('')}</tr>`).join('\n')}
</table></details>`;
}

/** The one-line verdict on the race at the top of the page, for the set the page opens on. */
export function raceBanner(rows: ReportRow[], strategies: string[]): string {
  const racing = rows.filter((r) => r.vcpus > 1);
  if (racing.length === 0) {
    return '<div class="banner info"><strong>The race:</strong> no run had racing writers (every run used one vCPU), so no strategy could fault.</div>';
  }
  const parts: string[] = [];
  const clean: string[] = [];
  for (const s of strategies) {
    const rs = racing.filter((r) => r.strategy === s);
    if (rs.length === 0) continue;
    const faults = rs.reduce((a, r) => a + r.faults, 0);
    const runs = rs.reduce((a, r) => a + r.seeds.length, 0);
    const faulty = rs.reduce((a, r) => a + r.faultySeeds, 0);
    if (faults > 0) parts.push(`<strong>${escapeHtml(s)}</strong>: ${faults} write-protect faults in ${faulty} of ${runs} racing runs`);
    else clean.push(escapeHtml(s));
  }
  if (parts.length === 0) {
    return `<div class="banner good"><strong>The race:</strong> ✓ no write-protect fault in any racing run (${clean.join(', ')}).</div>`;
  }
  return `<div class="banner bad"><strong>The race:</strong> ✗ ${parts.join('; ')}.${clean.length > 0 ? ` ✓ None for ${clean.join(', ')}.` : ''}</div>`;
}

function fmtValue(v: number | string | null): string {
  if (v === null) return '<em>absent</em>';
  if (typeof v === 'string') return escapeHtml(v);
  return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toPrecision(6);
}

function comparisonSection(cmp: ComparisonData, index: number, sets: SetHeader[]): string {
  const base = sets[cmp.baseline];
  const cur = sets[cmp.current];
  const verdict =
    cmp.changedExact === 0
      ? `<div class="banner good">✓ No exact metric changed in ${cmp.matched} matched runs.</div>`
      : `<div class="banner bad">✗ ${cmp.changedExact} exact metric values changed in ${cmp.changedRuns} of ${cmp.matched} matched runs.</div>`;
  const unmatched: string[] = [];
  if (cmp.onlyBaseline.length > 0) unmatched.push(`${cmp.onlyBaseline.length} runs only in the baseline (${escapeHtml(cmp.onlyBaseline.slice(0, 5).join('; '))}${cmp.onlyBaseline.length > 5 ? '; …' : ''})`);
  if (cmp.onlyCurrent.length > 0) unmatched.push(`${cmp.onlyCurrent.length} runs only in current (${escapeHtml(cmp.onlyCurrent.slice(0, 5).join('; '))}${cmp.onlyCurrent.length > 5 ? '; …' : ''})`);
  const rows = cmp.changed
    .map(
      (c) => `<tr><td>${escapeHtml(c.run)}</td><td>${escapeHtml(c.metric)}</td><td class="num">${fmtValue(c.baseline)}</td>` +
        `<td class="num changed">${fmtValue(c.current)}</td><td class="num">${c.ratio === null ? '–' : c.ratio.toPrecision(4)}</td></tr>`,
    )
    .join('\n');
  const table =
    cmp.changed.length === 0
      ? ''
      : `<details open><summary>Changed exact metrics${cmp.changedExact > cmp.changed.length ? ` (first ${cmp.changed.length} of ${cmp.changedExact})` : ''}</summary>
<div class="table-wrap"><table class="changed"><thead><tr><th>run</th><th>exact metric</th><th>baseline</th><th>current (changed)</th><th>ratio</th></tr></thead>
<tbody>${rows}</tbody></table></div></details>`;
  return `<h3>${escapeHtml(cur.label)} against the baseline ${escapeHtml(base.label)}</h3>
${verdict}
${unmatched.length > 0 ? `<p>Unmatched: ${unmatched.join('; ')}.</p>` : ''}
<div class="grid">${figure({ id: `chart-compare-${index}`, section: 'comparison', lookFor: COMPARE_LOOK_FOR })}</div>
${table}`;
}

function errorsSection(errors: ErrorRow[], sets: SetHeader[]): string {
  if (errors.length === 0) return '';
  const rows = errors
    .map((e) => `<tr>${sets.length > 1 ? `<td>${escapeHtml(sets[e.set].label)}</td>` : ''}<td>${escapeHtml(e.id)}</td><td>${escapeHtml(e.error)}</td></tr>`)
    .join('\n');
  return `<section id="errors"><h2>Failed runs (${errors.length})</h2>
<p class="intro">These runs threw or broke an invariant; they are left out of every chart and table above.</p>
<div class="table-wrap"><table><thead><tr>${sets.length > 1 ? '<th>result set</th>' : ''}<th>run</th><th>error</th></tr></thead><tbody>${rows}</tbody></table></div></section>`;
}

/** The micro-benchmarks' tinybench statistics as a table, one block per result set. */
function microTable(data: ReportData): string {
  if (data.micro.length === 0) return '';
  const ms = (v: number | null): string => (v === null ? '–' : v < 1 ? `${(v * 1000).toPrecision(4)} µs` : `${v.toPrecision(4)} ms`);
  const many = data.sets.length > 1;
  const rows = data.micro
    .map(
      (m) => `<tr>${many ? `<td>${escapeHtml(data.sets[m.set].label)}</td>` : ''}<td>${escapeHtml(m.name)}</td><td class="num noisy">${ms(m.meanMs)}</td>` +
        `<td class="num noisy">${m.rmePct === null ? '–' : `±${m.rmePct.toFixed(1)} %`}</td><td class="num noisy">${ms(m.p50Ms)}</td>` +
        `<td class="num noisy">${ms(m.p99Ms)}</td><td class="num">${m.samples ?? '–'}</td></tr>`,
    )
    .join('\n');
  return `<details><summary>Micro-benchmark statistics (tinybench, wall clock per call)</summary>
<div class="table-wrap"><table><thead><tr>${many ? '<th>result set</th>' : ''}<th>benchmark</th><th>~ mean</th><th>~ rme</th><th>~ p50</th><th>~ p99</th><th>samples</th></tr></thead>
<tbody>${rows}</tbody></table></div></details>`;
}

/** How the page loads plotly.js. */
export type PlotlyTag = { src: string } | { inline: string };

/** The inline plotly.js, when the page carries it; a copied file is loaded by the page script instead. */
function inlinePlotlyTag(plotly: PlotlyTag): string {
  if ('src' in plotly) return '';
  return `<script>${plotly.inline.replace(/<\/(script)/gi, '<\\/$1')}</script>`;
}

/** The whole page. Pure: the same data gives the same bytes. */
export function renderPage(data: ReportData, plotly: PlotlyTag): string {
  const last = data.sets.length - 1;
  const lastRows = data.rows.filter((r) => r.set === last);
  const full = data.view === 'full';
  // A micro-benchmark suite has no scenario runs: only the toolkit section then has anything to show.
  const scenarios = data.rows.length > 0;
  const sections = full
    ? SECTIONS.filter((sec) => scenarios || sec.id === 'toolkit').map((sec) => {
        const specs = CHARTS.filter((c) => c.section === sec.id && scenarios);
        if (sec.id === 'toolkit' && data.micro.length > 0) specs.push(MICRO_CHART);
        const extra = sec.id === 'race' ? '<div id="fault-examples"></div>' : sec.id === 'toolkit' ? microTable(data) : '';
        return `<section id="${sec.id}"><h2>${escapeHtml(sec.title)}</h2><p class="intro">${escapeHtml(sec.intro)}</p>
<div class="grid">${specs.map(figure).join('\n')}</div>${extra}</section>`;
      }).join('\n')
    : '';
  const summary = full && scenarios
    ? `<section id="summary"><h2>Summary per strategy and size</h2>
<p class="intro legend-kinds"><span class="exact">exact</span> columns are model outputs, identical for the same parameters and seed on any machine;
<span class="noisy">~ noisy</span> columns are wall-clock measurements of this machine. Per cycle = run total ÷ pins. ⚠ marks a preempt overflow, ✗ write-protect faults.</p>
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
<style>${CSS}</style>
</head>
<body>
<div id="plotly-missing" hidden></div>
<header class="top">
<h1>${escapeHtml(data.title)}</h1>
<p class="lede">Pagetable pinning strategies of a Xen PV Linux guest, run on pinbench's deterministic model. Model numbers
are <strong>exact</strong> (virtual time under the cost profile, the same for the same seed anywhere); the toolkit's own timings
are <strong>noisy</strong> wall clock. Charts are per pin/unpin cycle unless they say otherwise; hover for values, click a legend entry to hide a line.</p>
${full && scenarios ? raceBanner(lastRows, data.strategies) : ''}
${headerTable(data.sets)}
${profilesTable(data.sets)}
</header>
<nav id="filters" aria-label="filters"></nav>
<main>
${summary}
${sections}
${comparisons}
${full ? errorsSection(data.errors, data.sets) : ''}
<footer>
<p><strong>How to read this report.</strong> Virtual times are nanoseconds of the model under the named cost profile; throughput is per
virtual second. Wall times are milliseconds on the machine in the header. Each strategy keeps its colour (Okabe-Ito palette, safe for
colour-blind readers) and its marker shape in every chart. Filters apply to every chart except along the chart's own axis.</p>
</footer>
</main>
${inlinePlotlyTag(plotly)}
<script type="application/json" id="pinbench-data">${scriptJson(data)}</script>
<script>
"use strict";
(${clientMain.toString().replace(/<\/(script)/gi, '<\\/$1')})(JSON.parse(document.getElementById('pinbench-data').textContent), ${'src' in plotly ? scriptJson(plotly.src) : 'null'});
</script>
</body>
</html>
`;
}
