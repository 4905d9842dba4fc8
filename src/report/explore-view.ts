import { escapeHtml } from './html.js';
import { renderTimeline, type TraceEvent } from './timeline.js';

// The page `pinbench explore` writes beside explore.json: the verdict on each configuration, and each
// counterexample as a timeline (one lane per vCPU) with its step-by-step trace. A view of its own: it shares only
// the timeline and the escaping with the benchmark report, and loads no script.

/** One configuration explored. */
export interface ExploreReportRow {
  id: string;
  strategy: string;
  /** Whether the strategy claims to be race-free. */
  raceFree: boolean;
  /** `violation`, `no-violation`, `incomplete`. */
  verdict: string;
  /** Whether the verdict is what the strategy declares (null: not known, the search was incomplete). */
  expected: boolean | null;
  bound: number;
  boundCovered: number;
  limitHit: string | null;
  schedules: number;
  pruned: number;
  distinctStates: number;
  seconds: number;
  schedulesPerSec: number;
  /** The counterexample's violation, preemptions and steps, when there is one. */
  violation: string | null;
  preemptions: number | null;
  steps: number | null;
  scheduleFile: string | null;
}

/** A counterexample: its trace events (drawn as a timeline) and its readable trace. */
export interface ExploreReportCounterexample {
  id: string;
  title: string;
  events: readonly TraceEvent[];
  /** The trace as text (`pinbench replay` prints the same). */
  trace: string;
  scheduleFile: string;
  traceFile: string;
}

/** Everything the page shows. */
export interface ExploreReportData {
  title: string;
  createdAt: string;
  tool: string;
  /** The options of the exploration, as `name: value`. */
  settings: ReadonlyArray<readonly [string, string]>;
  /** The sentence under the title (default: what explore checks). */
  lede?: string;
  /** The verdicts (none on a replay's page: the table is left out). */
  rows: readonly ExploreReportRow[];
  counterexamples: readonly ExploreReportCounterexample[];
}

/** How a time of a counterexample's trace reads (its time base counts schedule steps): `7 steps`. */
export function formatStepTime(us: number): string {
  return Number.isInteger(us) ? `${us} step${us === 1 ? '' : 's'}` : '';
}

const CSS = `
body { margin:0; font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif; color:#1d1d1f; background:#fafafa; }
main { max-width: 1400px; margin: 0 auto; padding: 16px 20px 40px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 28px 0 4px; padding-top: 8px; border-top: 1px solid #d9d9de; }
p.lede { color: #5b5b60; max-width: 70em; }
table { border-collapse: collapse; font-size: 13px; background: #fff; }
th, td { padding: 3px 8px; border-bottom: 1px solid #d9d9de; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.unexpected td { background: #fde7d9; }
tr.incomplete td { color: #5b5b60; font-style: italic; }
.bad { color: #D55E00; font-weight: 600; }
.good { color: #005c44; font-weight: 600; }
pre.trace { font-size: 12px; background: #fff; border: 1px solid #d9d9de; border-radius: 6px; padding: 8px; overflow-x: auto; }
code { font-size: 12.5px; background: #f0f0f3; padding: 0 3px; border-radius: 3px; }
`;

function verdictCell(r: ExploreReportRow): string {
  const verdict =
    r.verdict === 'violation'
      ? 'violation'
      : r.verdict === 'no-violation'
        ? `no violation up to bound ${r.bound}`
        : `incomplete: ${r.limitHit ?? 'limit hit'} (bound ${r.boundCovered} covered)`;
  const expected =
    r.expected === null ? '' : r.expected ? ' <span class="good">expected</span>' : ' <span class="bad">unexpected</span>';
  return `${escapeHtml(verdict)}${expected}`;
}

const num = (n: number | null, digits = 0): string =>
  `<td class="num">${n === null ? '–' : digits > 0 ? n.toFixed(digits) : n.toLocaleString('en-US')}</td>`;

const EXPLORE_LEDE =
  "Every schedule of the vCPUs at the engine's interleaving points, up to the preemption bound, checked for write-protect faults (of strategies that claim to be race-free), failed hypercalls, preempt-count overflows, deadlocks and the end-of-run invariants.";

/**
 * A counterexample's timeline, drawn by the report's one renderer: a slice per step on its vCPU's lane, the violation
 * as an instant, each preemption as a marker across the lanes (where one vCPU takes the CPU from another), and an axis
 * that counts steps.
 */
export function counterexampleTimeline(events: readonly TraceEvent[]): string {
  const isPreemption = (e: TraceEvent): boolean => e.ph === 'i' && e.cat === 'preemption';
  const markers = events.filter(isPreemption).map((e) => ({ ts: e.ts, label: `vCPU ${e.tid} preempts` }));
  return renderTimeline(
    events.filter((e) => !isPreemption(e)),
    { formatTime: formatStepTime, markers },
  );
}

/** The explore page: a summary table, then each counterexample's timeline and trace. Self-contained HTML. */
export function renderExploreReport(data: ExploreReportData): string {
  const rows = data.rows
    .map((r) => {
      const cls = r.verdict === 'incomplete' ? 'incomplete' : r.expected === false ? 'unexpected' : '';
      const cx =
        r.scheduleFile === null ? '' : ` <a href="#cx-${escapeHtml(r.id.replace(/[^A-Za-z0-9_-]+/g, '-'))}">timeline</a>`;
      return `<tr class="${cls}"><td>${escapeHtml(r.id)}${r.raceFree ? '' : ' (racy)'}</td><td>${verdictCell(r)}${cx}</td><td>${escapeHtml(r.violation ?? '–')}</td>${num(r.preemptions)}${num(r.steps)}${num(r.boundCovered)}${num(r.schedules)}${num(r.pruned)}${num(r.distinctStates)}${num(r.seconds, 2)}${num(Math.round(r.schedulesPerSec))}</tr>`;
    })
    .join('\n');
  const sections = data.counterexamples
    .map(
      (c) => `<section id="cx-${escapeHtml(c.id.replace(/[^A-Za-z0-9_-]+/g, '-'))}">
<h2>${escapeHtml(c.title)}</h2>
<p>Schedule: <code>${escapeHtml(c.scheduleFile)}</code> (<code>pinbench replay ${escapeHtml(c.scheduleFile)}</code> runs it again); Chrome trace for Perfetto: <code>${escapeHtml(c.traceFile)}</code>.
One lane per vCPU; one slice per step, lasting until that vCPU's next step (the time axis counts steps: under exploration the schedule orders the actions, not their costs). Hover a slice for the action, the locks held and the PTE pages' state after it; red marks are preemptions and the violation.</p>
${counterexampleTimeline(c.events)}
<details><summary>Step-by-step trace</summary><pre class="trace">${escapeHtml(c.trace)}</pre></details>
</section>`,
    )
    .join('\n');
  const settings = data.settings.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(data.title)}</title><style>${CSS}</style></head>
<body><main>
<h1>${escapeHtml(data.title)}</h1>
<p class="lede">${escapeHtml(data.lede ?? EXPLORE_LEDE)} ${escapeHtml(data.createdAt)}, ${escapeHtml(data.tool)}.</p>
<table>${settings}</table>
${
  data.rows.length === 0
    ? ''
    : `<h2>Verdicts</h2>
<table><thead><tr><th>configuration</th><th>verdict</th><th>violation</th><th>preemptions</th><th>steps</th><th>bound covered</th><th>schedules</th><th>pruned</th><th>distinct states</th><th>time (s)</th><th>schedules/s</th></tr></thead>
<tbody>
${rows}
</tbody></table>`
}
${sections}
</main></body></html>
`;
}
