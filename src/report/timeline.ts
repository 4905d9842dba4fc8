import { escapeHtml } from './html.js';
import { OKABE_ITO } from './palette.js';

// One timeline for every view that shows a run as lanes (issue 15's trace format): a list of Chrome trace events,
// `ph: 'X'` slices with `ts`/`dur`, `ph: 'i'` instants, `ph: 'M'` names, `tid` = vCPU, `args` for details. The same
// events open in Perfetto (ui.perfetto.dev) and chrome://tracing. Drawn as HTML with an inline SVG: no plotly.
// (A minimal version written for `pinbench explore`'s counterexamples; the trace export extends it.)

/** One event of the Chrome trace-event format (JSON Array/Object format; times in microseconds). */
export interface TraceEvent {
  name: string;
  /** 'X' complete slice, 'i' instant, 'M' metadata (process_name, thread_name), 'C' counter. */
  ph: 'X' | 'i' | 'M' | 'C' | 'B' | 'E';
  /** Start, microseconds of the trace's time base. */
  ts: number;
  /** Duration of an 'X' slice, microseconds. */
  dur?: number;
  pid: number;
  /** The lane: a vCPU. */
  tid: number;
  cat?: string;
  /** Scope of an instant: thread, process, global. */
  s?: 't' | 'p' | 'g';
  args?: Record<string, unknown>;
}

/** How a timeline is drawn. */
export interface TimelineOptions {
  /** A caption above the lanes. */
  title?: string;
  /** What one unit of `ts` is, for the axis (`µs`, `step`). */
  unit?: string;
  /** Lane names by tid (otherwise the `thread_name` metadata events, otherwise `tid N`). */
  laneNames?: Readonly<Record<number, string>>;
  /** Pixels per unit of `ts` (default: the width of 1,100 px spread over the trace, at least 6). */
  pxPerUnit?: number;
  /** Slice colours by name (default: a fixed palette in order of first appearance). */
  colours?: Readonly<Record<string, string>>;
}

const LANE_HEIGHT = 26;
const LANE_GAP = 6;
const LABEL_WIDTH = 150;
const AXIS_HEIGHT = 22;
const PALETTE = [
  OKABE_ITO.skyBlue,
  OKABE_ITO.bluishGreen,
  OKABE_ITO.orange,
  OKABE_ITO.reddishPurple,
  OKABE_ITO.blue,
  '#999999',
  OKABE_ITO.yellow,
];

function tooltip(e: TraceEvent): string {
  const lines = [e.name];
  for (const [k, v] of Object.entries(e.args ?? {}))
    if (v !== null && v !== undefined && v !== '') lines.push(`${k}: ${String(v)}`);
  return escapeHtml(lines.join('\n'));
}

/**
 * An HTML fragment (a <figure> with an inline SVG) drawing `events` as one lane per `tid`: 'X' events as slices
 * (hover for their args), 'i' events as red markers, a time axis below. Lanes are named from `thread_name` metadata.
 * Scrolls sideways when the trace is long.
 */
export function renderTimeline(events: readonly TraceEvent[], options: TimelineOptions = {}): string {
  const names = new Map<number, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(e.tid, String(e.args?.name ?? `tid ${e.tid}`));
  for (const [tid, name] of Object.entries(options.laneNames ?? {})) names.set(Number(tid), name);
  const drawn = events.filter((e) => e.ph === 'X' || e.ph === 'i');
  const tids = [...new Set([...drawn.map((e) => e.tid), ...names.keys()])].sort((a, b) => a - b);
  const start = Math.min(0, ...drawn.map((e) => e.ts));
  const end = Math.max(1, ...drawn.map((e) => e.ts + (e.dur ?? 0)));
  const span = end - start;
  const px = options.pxPerUnit ?? Math.max(6, 1100 / span);
  const width = LABEL_WIDTH + Math.ceil(span * px) + 20;
  const height = tids.length * (LANE_HEIGHT + LANE_GAP) + AXIS_HEIGHT;
  const lane = (tid: number): number => tids.indexOf(tid) * (LANE_HEIGHT + LANE_GAP);
  const x = (ts: number): number => LABEL_WIDTH + (ts - start) * px;
  const colours = new Map<string, string>(Object.entries(options.colours ?? {}));
  const colour = (name: string): string => {
    const known = colours.get(name);
    if (known !== undefined) return known;
    const c = PALETTE[colours.size % PALETTE.length] as string;
    colours.set(name, c);
    return c;
  };
  const parts: string[] = [];
  for (const tid of tids) {
    const y = lane(tid);
    parts.push(
      `<rect x="0" y="${y}" width="${width}" height="${LANE_HEIGHT}" fill="#f4f4f6"/>`,
      `<text x="6" y="${y + LANE_HEIGHT / 2 + 4}" font-size="12" fill="#1d1d1f">${escapeHtml(names.get(tid) ?? `tid ${tid}`)}</text>`,
    );
  }
  for (const e of drawn) {
    if (e.ph !== 'X') continue;
    const y = lane(e.tid);
    const w = Math.max(1, (e.dur ?? 0) * px - 1);
    const label =
      w > 7 * e.name.length
        ? `<text x="${x(e.ts) + 3}" y="${y + LANE_HEIGHT / 2 + 4}" font-size="11" fill="#000">${escapeHtml(e.name)}</text>`
        : '';
    parts.push(
      `<g><title>${tooltip(e)}</title><rect x="${x(e.ts).toFixed(1)}" y="${y + 2}" width="${w.toFixed(1)}" height="${LANE_HEIGHT - 4}" rx="2" fill="${colour(e.name)}" stroke="#0004"/>${label}</g>`,
    );
  }
  for (const e of drawn) {
    if (e.ph !== 'i') continue;
    const y = lane(e.tid);
    const cx = x(e.ts);
    parts.push(
      `<g><title>${tooltip(e)}</title><path d="M${cx.toFixed(1)} ${y - 1} l5 ${LANE_HEIGHT / 2} l-5 ${LANE_HEIGHT / 2} l-5 ${-LANE_HEIGHT / 2} z" fill="${OKABE_ITO.vermillion}" stroke="#000"/></g>`,
    );
  }
  const axisY = tids.length * (LANE_HEIGHT + LANE_GAP);
  const tickEvery = Math.max(1, 10 ** Math.floor(Math.log10(Math.max(1, span / 10))));
  for (let t = Math.ceil(start / tickEvery) * tickEvery; t <= end; t += tickEvery) {
    parts.push(
      `<line x1="${x(t)}" y1="${axisY}" x2="${x(t)}" y2="${axisY + 5}" stroke="#5b5b60"/>`,
      `<text x="${x(t) + 2}" y="${axisY + 16}" font-size="10" fill="#5b5b60">${t}</text>`,
    );
  }
  parts.push(`<text x="6" y="${axisY + 16}" font-size="10" fill="#5b5b60">${escapeHtml(options.unit ?? 'µs')}</text>`);
  const legend = [...colours.entries()]
    .map(
      ([name, c]) =>
        `<span style="display:inline-block;margin-right:10px"><span style="display:inline-block;width:10px;height:10px;background:${c};border:1px solid #0004;margin-right:4px"></span>${escapeHtml(name)}</span>`,
    )
    .join('');
  const title =
    options.title === undefined
      ? ''
      : `<figcaption style="font-weight:600;margin:4px 0">${escapeHtml(options.title)}</figcaption>`;
  return `<figure class="timeline" style="margin:8px 0">${title}<div style="overflow-x:auto;border:1px solid #d9d9de;border-radius:6px;background:#fff"><svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(options.title ?? 'timeline')}">${parts.join('')}</svg></div><div style="font-size:12px;color:#5b5b60;margin-top:4px">${legend}</div></figure>`;
}
