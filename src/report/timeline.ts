import type { TraceEvent } from '../scenarios/trace/types.js';
import { OKABE_ITO } from './palette.js';

// A small timeline of trace events, one lane per thread (per vCPU on pinbench's tracks), drawn as static SVG for
// the HTML report: no plotly, no script, the same bytes for the same events. It draws complete slices (`X`, nested
// by time within a lane) and instants (`i`); other phases are ignored. The full trace is for Perfetto; this is the
// few microseconds around one event (a race) that a reader should see without leaving the page.

export type { TraceEvent } from '../scenarios/trace/types.js';

/** Options of renderTimeline; every field optional. */
export interface TimelineOptions {
  /** Draw only this process's events (default: every process; a lane is one pid and tid). */
  pid?: number;
  /** The window drawn, µs of the trace (default: from the first to the last slice or instant). */
  fromUs?: number;
  toUs?: number;
  /** Width of the drawing, px. Default TIMELINE_WIDTH_PX. */
  widthPx?: number;
  /** The figure's title, above it and as its accessible name. */
  title?: string;
  /** A sentence under the figure. */
  caption?: string;
  /** Instants to mark with a rule across every lane (a fault, a schedule point), µs, each with a label. */
  markers?: ReadonlyArray<{ readonly ts: number; readonly label: string }>;
  /** Lane labels by tid (default: thread_name metadata events, else `vCPU <tid>`). */
  laneNames?: Readonly<Record<number, string>>;
  /**
   * How a time of the trace reads on the axis and in tooltips (default formatTraceTime: virtual time). A trace whose
   * time base is not virtual time gives its own (explore's counterexamples count schedule steps).
   */
  formatTime?: (us: number, scaleUs: number) => string;
}

/** Default width of the drawing, px. */
export const TIMELINE_WIDTH_PX = 960;
/** Most slices and instants drawn; beyond it the smallest slices are left out (and the caption says how many). */
export const TIMELINE_MAX_EVENTS = 4000;

const LABEL_W = 150;
const AXIS_H = 24;
const ROW_H = 16;
const LANE_GAP = 8;
const INSTANT_W = 7;

/**
 * Colours of pinbench's categories (docs/traces.md); any other category gets one of the palette's by a hash of its
 * name, so a caller's own categories are coloured the same in every drawing.
 */
const CATEGORY_COLOURS: Readonly<Record<string, string>> = {
  phase: '#d9d9de',
  batch: '#56B4E9',
  trap: '#0072B2',
  entry: '#9ecae1',
  callback: '#009E73',
  hypercall: '#0072B2',
  lock: '#E69F00',
  unlock: '#F0E442',
  wait: '#CC79A7',
  spin: '#CC79A7',
  store: '#999999',
  sleep: '#eeeeee',
  guest: '#bbbbbb',
  fault: '#D55E00',
  emulated: '#0072B2',
  stale: '#E69F00',
};

const PALETTE: readonly string[] = Object.values(OKABE_ITO).filter((c) => c !== OKABE_ITO.black);

function colourOf(cat: string | undefined): string {
  if (cat === undefined) return '#999999';
  const known = CATEGORY_COLOURS[cat];
  if (known !== undefined) return known;
  let h = 0;
  for (let i = 0; i < cat.length; i++) h = (h * 31 + cat.charCodeAt(i)) >>> 0;
  return PALETTE[h % PALETTE.length] ?? '#999999';
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * A time of the trace (µs) as virtual time for a reader: ns below 10 µs, µs below 10 ms, else ms; the unit follows
 * `scaleUs` when given (an axis's ticks share the unit of its largest value).
 */
export function formatTraceTime(us: number, scaleUs = us): string {
  const ns = us * 1000;
  const abs = Math.abs(scaleUs * 1000);
  if (abs < 10_000) return `${trim(ns)} ns`;
  if (abs < 10_000_000) return `${trim(us)} µs`;
  return `${trim(us / 1000)} ms`;
}

function trim(v: number): string {
  return Number.isInteger(v)
    ? v.toLocaleString('en-US')
    : Number(v.toPrecision(6)).toLocaleString('en-US', { maximumFractionDigits: 3 });
}

/** A tick step of 1, 2 or 5 x 10^k µs giving about `target` ticks over `span` µs. */
function tickStep(span: number, target: number): number {
  const raw = span / target;
  const pow = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

/** The tooltip of an event: its name, time, duration and args. */
function tooltip(e: TraceEvent, time: (us: number, scaleUs: number) => string): string {
  const lines = [e.name, `at ${time(e.ts, e.ts)}${e.dur !== undefined ? `, for ${time(e.dur, e.dur)}` : ''}`];
  if (e.args !== undefined)
    for (const [k, v] of Object.entries(e.args)) lines.push(`${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return esc(lines.join('\n'));
}

interface Lane {
  pid: number;
  tid: number;
  label: string;
  sort: number;
  slices: Array<{ e: TraceEvent; depth: number }>;
  instants: TraceEvent[];
  depth: number;
}

/**
 * A timeline of `events` as HTML (a figure holding one SVG): one lane per thread, slices nested by time, instants as
 * marks, a time axis in virtual time, and a legend of the categories drawn. Pure: the same events and options give the
 * same string. Hovering a slice or instant shows its name, time, duration and args (SVG titles).
 */
export function renderTimeline(events: readonly TraceEvent[], options: TimelineOptions = {}): string {
  const width = options.widthPx ?? TIMELINE_WIDTH_PX;
  const time = options.formatTime ?? formatTraceTime;
  const inProcess = (e: TraceEvent): boolean => options.pid === undefined || e.pid === options.pid;
  const drawn = events.filter((e) => (e.ph === 'X' || e.ph === 'i') && inProcess(e));
  const from = options.fromUs ?? Math.min(...drawn.map((e) => e.ts));
  const to = options.toUs ?? Math.max(...drawn.map((e) => e.ts + (e.dur ?? 0)));
  const title =
    options.title === undefined ? '' : `<figcaption class="timeline-title"><strong>${esc(options.title)}</strong></figcaption>`;
  if (drawn.length === 0 || !Number.isFinite(from) || !Number.isFinite(to)) {
    return `<figure class="timeline">${title}<p>No slices or instants to draw.</p></figure>`;
  }
  const span = Math.max(to - from, 1e-3);
  let inWindow = drawn.filter((e) => e.ts + (e.dur ?? 0) >= from && e.ts <= to);
  let left = 0;
  if (inWindow.length > TIMELINE_MAX_EVENTS) {
    // Keep the instants and the longest slices: the short ones would be under a pixel anyway.
    const instants = inWindow.filter((e) => e.ph === 'i');
    const slices = inWindow.filter((e) => e.ph === 'X').sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0));
    const kept = new Set([...instants, ...slices.slice(0, Math.max(0, TIMELINE_MAX_EVENTS - instants.length))]);
    left = inWindow.length - kept.size;
    inWindow = inWindow.filter((e) => kept.has(e));
  }

  // Lanes, by pid then thread_sort_index (or tid); labels from thread_name metadata.
  const names = new Map<string, string>();
  const sorts = new Map<string, number>();
  for (const e of events) {
    if (e.ph !== 'M' || !inProcess(e)) continue;
    const key = `${e.pid}:${e.tid}`;
    if (e.name === 'thread_name' && typeof e.args?.name === 'string') names.set(key, e.args.name);
    if (e.name === 'thread_sort_index' && typeof e.args?.sort_index === 'number') sorts.set(key, e.args.sort_index);
  }
  const lanes = new Map<string, Lane>();
  for (const e of inWindow) {
    const key = `${e.pid}:${e.tid}`;
    if (!lanes.has(key)) {
      lanes.set(key, {
        pid: e.pid,
        tid: e.tid,
        label: options.laneNames?.[e.tid] ?? names.get(key) ?? `vCPU ${e.tid}`,
        sort: sorts.get(key) ?? e.tid,
        slices: [],
        instants: [],
        depth: 1,
      });
    }
    const lane = lanes.get(key) as Lane;
    if (e.ph === 'i') lane.instants.push(e);
    else lane.slices.push({ e, depth: 0 });
  }
  const ordered = [...lanes.values()].sort((a, b) => a.pid - b.pid || a.sort - b.sort || a.tid - b.tid);
  for (const lane of ordered) {
    // Nesting depth: a slice sits one row below every slice still open at its start (parents first at equal ts).
    lane.slices.sort((a, b) => a.e.ts - b.e.ts || (b.e.dur ?? 0) - (a.e.dur ?? 0));
    // Compared in whole ns, as viewers round the format's µs: 2.632 + 0.3 must end where 2.932 starts.
    const open: number[] = [];
    for (const s of lane.slices) {
      const start = Math.round(s.e.ts * 1000);
      while (open.length > 0 && (open[open.length - 1] ?? 0) <= start) open.pop();
      s.depth = open.length;
      open.push(start + Math.round((s.e.dur ?? 0) * 1000));
      lane.depth = Math.max(lane.depth, s.depth + 1);
    }
  }

  const plotW = width - LABEL_W - 10;
  const x = (us: number): number => LABEL_W + ((Math.min(Math.max(us, from), to) - from) / span) * plotW;
  const parts: string[] = [];
  const categories = new Set<string>();
  let y = AXIS_H;
  for (const lane of ordered) {
    const h = lane.depth * ROW_H;
    parts.push(
      `<g class="lane"><rect x="0" y="${y}" width="${width}" height="${h}" fill="#f6f6f8"/>` +
        `<text x="6" y="${y + 12}" font-size="12" fill="#1d1d1f">${esc(lane.label)}</text>`,
    );
    for (const { e, depth } of lane.slices) {
      const x0 = x(e.ts);
      const w = Math.max(x(e.ts + (e.dur ?? 0)) - x0, 1);
      const top = y + depth * ROW_H + 1;
      const colour = colourOf(e.cat);
      if (e.cat !== undefined) categories.add(e.cat);
      const label =
        w > 40 ? `<text x="${fx(x0 + 3)}" y="${top + 11}" font-size="10" fill="#1d1d1f">${esc(fit(e.name, w))}</text>` : '';
      parts.push(
        `<g><title>${tooltip(e, time)}</title><rect x="${fx(x0)}" y="${top}" width="${fx(w)}" height="${ROW_H - 2}" fill="${colour}" stroke="#ffffff" stroke-width="0.5"/>${label}</g>`,
      );
    }
    for (const e of lane.instants) {
      const cx = x(e.ts);
      const colour = colourOf(e.cat);
      if (e.cat !== undefined) categories.add(e.cat);
      parts.push(
        `<g><title>${tooltip(e, time)}</title><line x1="${fx(cx)}" y1="${y}" x2="${fx(cx)}" y2="${y + h}" stroke="${colour}" stroke-width="2"/>` +
          `<path d="M${fx(cx - INSTANT_W / 2)} ${y} L${fx(cx + INSTANT_W / 2)} ${y} L${fx(cx)} ${y + INSTANT_W} Z" fill="${colour}"/></g>`,
      );
    }
    parts.push('</g>');
    y += h + LANE_GAP;
  }
  const height = y;
  // Markers across every lane, with their label in the axis band.
  for (const m of options.markers ?? []) {
    if (m.ts < from || m.ts > to) continue;
    const mx = x(m.ts);
    parts.push(
      `<g class="marker"><title>${esc(`${m.label} at ${time(m.ts, m.ts)}`)}</title><line x1="${fx(mx)}" y1="${AXIS_H - 4}" x2="${fx(mx)}" y2="${height}" stroke="#D55E00" stroke-width="1" stroke-dasharray="3 2"/>` +
        `<text x="${fx(Math.min(mx + 3, width - 120))}" y="${AXIS_H - 6}" font-size="10" fill="#D55E00">${esc(m.label)}</text></g>`,
    );
  }
  // Time axis: virtual time of the trace.
  const step = tickStep(span, 6);
  const axis: string[] = [
    `<line x1="${LABEL_W}" y1="${AXIS_H - 1}" x2="${LABEL_W + plotW}" y2="${AXIS_H - 1}" stroke="#5b5b60"/>`,
  ];
  for (let t = Math.ceil(from / step) * step; t <= to + 1e-9; t += step) {
    const tx = x(t);
    axis.push(
      `<line x1="${fx(tx)}" y1="${AXIS_H - 5}" x2="${fx(tx)}" y2="${AXIS_H - 1}" stroke="#5b5b60"/><text x="${fx(tx)}" y="${AXIS_H - 8}" font-size="10" text-anchor="middle" fill="#5b5b60">${esc(time(t, to))}</text>`,
    );
  }
  const legend = [...categories]
    .sort()
    .map(
      (c) =>
        `<span style="display:inline-block;margin-right:10px"><span style="display:inline-block;width:10px;height:10px;margin-right:4px;background:${colourOf(c)};border:1px solid #0003"></span>${esc(c)}</span>`,
    )
    .join('');
  const note = left > 0 ? ` ${left} short slices are left out; the trace file has every event.` : '';
  const caption =
    options.caption !== undefined || note !== ''
      ? `<figcaption class="timeline-caption">${esc(options.caption ?? '')}${esc(note)}</figcaption>`
      : '';
  return `<figure class="timeline">${title}<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(options.title ?? 'timeline')}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui,sans-serif">
${axis.join('')}
${parts.join('\n')}
</svg><div class="timeline-legend" style="font-size:12px;color:#5b5b60">${legend}</div>${caption}</figure>`;
}

/** A coordinate with at most two decimals (stable, short output). */
function fx(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** `text` cut to what fits in `widthPx` at the label's size (about 5.6 px per character). */
function fit(text: string, widthPx: number): string {
  const chars = Math.floor((widthPx - 6) / 5.6);
  return text.length <= chars ? text : `${text.slice(0, Math.max(chars - 1, 1))}…`;
}
