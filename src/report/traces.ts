import { posix } from 'node:path';
import type { ResultSet, RunResult } from '../results/types.js';
import type { TraceDocument, TraceEvent } from '../scenarios/trace/types.js';
import { formatTraceTime, renderTimeline } from './timeline.js';

// The report's view of `run --trace`: a link to each run's trace, and for each strategy whose racing writers faulted,
// a small timeline of its first racing run around its first write-protect fault, one lane per vCPU, so that the race
// is visible without leaving the page. Pure functions: write.ts reads the trace files.

/** Half the width of a timeline window around a fault, µs of virtual time (40 µs: a few multicall entries). */
export const FAULT_WINDOW_US = 40;
/** Largest trace file the report reads to draw a timeline, bytes; larger ones are only linked. */
export const MAX_EXCERPT_TRACE_BYTES = 64 * 2 ** 20;

/** A run's trace as the report lists it. */
export interface TraceRow {
  set: number;
  id: string;
  strategy: string;
  /** The link from the page, or null when the trace was not written. */
  href: string | null;
  events: number;
  bytes: number;
  truncated: boolean;
  error?: string;
}

/** A run chosen for a timeline: the first racing run of a strategy that faulted, with a trace. */
export interface TimelinePick {
  set: number;
  strategy: string;
  runId: string;
  /** The trace file relative to the set's results.json directory. */
  file: string;
  bytes: number;
}

/** A timeline to draw: the excerpt of a trace around its first fault, or why there is none. */
export interface TimelineExcerpt {
  pick: TimelinePick;
  href: string | null;
  events: TraceEvent[];
  fromUs: number;
  toUs: number;
  fault: { ts: number; vcpu: number; frame: number } | null;
  /** One sentence: who faulted, inside which batch. */
  caption: string;
}

function tracedRuns(set: ResultSet): Array<Extract<RunResult, { kind: 'scenario'; status: 'ok' | 'invalid' }>> {
  return set.runs.flatMap((r) =>
    r.kind === 'scenario' && (r.status === 'ok' || r.status === 'invalid') && r.trace !== undefined ? [r] : [],
  );
}

/** The link from the page to a trace: the set's results directory as seen from the page, joined with the file. */
export function traceHref(traceDirs: readonly string[] | undefined, set: number, file: string): string {
  const base = traceDirs?.[set] ?? '';
  return base === '' ? file : posix.join(base, file);
}

/** Every traced run of every set, in set order. */
export function traceRows(sets: readonly ResultSet[], traceDirs?: readonly string[]): TraceRow[] {
  return sets.flatMap((set, i) =>
    tracedRuns(set).map((r) => {
      const t = r.trace as NonNullable<typeof r.trace>;
      return {
        set: i,
        id: r.id,
        strategy: r.params.strategy,
        href: t.file === null ? null : traceHref(traceDirs, i, t.file),
        events: t.events,
        bytes: t.bytes,
        truncated: t.truncated,
        ...(t.error === undefined ? {} : { error: t.error }),
      };
    }),
  );
}

/** For each strategy whose racing runs faulted, the first such run with a trace (set order, then run order). */
export function timelinePicks(sets: readonly ResultSet[]): TimelinePick[] {
  const picks = new Map<string, TimelinePick>();
  sets.forEach((set, i) => {
    for (const r of tracedRuns(set)) {
      const t = r.trace as NonNullable<typeof r.trace>;
      if (r.params.vcpus < 2 || r.metrics.faults.writeProtect === 0 || t.file === null || picks.has(r.params.strategy)) continue;
      picks.set(r.params.strategy, { set: i, strategy: r.params.strategy, runId: r.id, file: t.file, bytes: t.bytes });
    }
  });
  return [...picks.values()];
}

/**
 * The part of a trace to draw: the vCPU tracks (X and i events) from the start of the pinner's batch in which the first
 * write-protect fault happened (at most FAULT_WINDOW_US before the fault) to its end (at most FAULT_WINDOW_US after),
 * with a sentence saying which vCPU faulted, on which frame, inside which batch and entry of the pinner.
 */
export function excerptAroundFirstFault(doc: TraceDocument, pick: TimelinePick, href: string | null): TimelineExcerpt {
  const events = doc.traceEvents;
  const fault = events.find((e) => e.ph === 'i' && e.cat === 'fault');
  const base = { pick, href };
  if (fault === undefined) {
    return {
      ...base,
      events: [],
      fromUs: 0,
      toUs: 0,
      fault: null,
      caption: 'The trace has no write-protect fault (it may be truncated before the first).',
    };
  }
  const pinnerTid = 0;
  const within = (e: TraceEvent) => e.ts <= fault.ts && fault.ts <= e.ts + (e.dur ?? 0);
  const batch = events.find((e) => e.tid === pinnerTid && e.ph === 'X' && e.cat === 'batch' && within(e));
  const entry = events.find(
    (e) => e.tid === pinnerTid && e.ph === 'X' && (e.cat === 'entry' || e.cat === 'trap' || e.cat === 'hypercall') && within(e),
  );
  const frame = Number(fault.args?.frame ?? -1);
  const remap = events
    .filter(
      (e) => e.tid === pinnerTid && e.ph === 'X' && e.ts <= fault.ts && e.name.startsWith(`update_va_mapping frame ${frame} RO`),
    )
    .at(-1);
  // From just before the remap that opened the window (or the batch's start) to a little after the fault: narrow
  // enough that each entry of the batch is a few pixels wide.
  const fromUs = Math.max(batch?.ts ?? -Infinity, Math.min(remap?.ts ?? fault.ts, fault.ts) - 1, fault.ts - FAULT_WINDOW_US, 0);
  const toUs = Math.min(
    batch === undefined ? Infinity : batch.ts + (batch.dur ?? 0),
    fault.ts + Math.max(4, 1.5 * (fault.ts - fromUs)),
    fault.ts + FAULT_WINDOW_US,
  );
  const where =
    batch === undefined
      ? 'while vCPU 0 was not flushing a batch'
      : `inside vCPU 0's batch "${batch.name}" (started at ${formatTraceTime(batch.ts)})${entry === undefined ? '' : `, during "${entry.name}"`}`;
  const why =
    remap === undefined
      ? ''
      : `: the batch had remapped frame ${frame} read-only ("${remap.name}" at ${formatTraceTime(remap.ts)}) and no pin had validated it yet, so Xen delivered the fault instead of emulating the store`;
  const caption = `vCPU ${fault.tid} took a write-protect fault storing into PTE page frame ${frame} at ${formatTraceTime(fault.ts)} ${where}${why}.`;
  const drawn = events.filter(
    (e) => (e.ph === 'X' || e.ph === 'i' || e.ph === 'M') && (e.ph === 'M' || (e.ts + (e.dur ?? 0) >= fromUs && e.ts <= toUs)),
  );
  return {
    ...base,
    events: drawn,
    fromUs,
    toUs: Math.max(toUs, fromUs + 1),
    fault: { ts: fault.ts, vcpu: fault.tid, frame },
    caption,
  };
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function mib(bytes: number): string {
  return bytes < 2 ** 20 ? `${(bytes / 1024).toFixed(0)} KiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** The race section's timelines (empty when no strategy faulted in a traced racing run). */
export function raceTimelinesHtml(excerpts: readonly TimelineExcerpt[]): string {
  if (excerpts.length === 0) return '';
  const figures = excerpts.map((x) => {
    const link =
      x.href === null
        ? ''
        : ` <a href="${esc(x.href)}">trace file</a> (open it in Perfetto, ui.perfetto.dev, or chrome://tracing).`;
    const title = `${x.pick.strategy}: ${x.pick.runId}`;
    const body =
      x.fault === null || x.events.length === 0
        ? `<p>${esc(x.caption)}</p>`
        : renderTimeline(x.events, {
            title,
            fromUs: x.fromUs,
            toUs: x.toUs,
            markers: [{ ts: x.fault.ts, label: `vCPU ${x.fault.vcpu}: fault, frame ${x.fault.frame}` }],
            caption: x.caption,
          });
    return `<div class="race-timeline" data-strategy="${esc(x.pick.strategy)}">${body}<p class="intro">${esc(`${title}.`)}${link}</p></div>`;
  });
  return `<div id="race-timelines"><h3>The race on a timeline</h3>
<p class="intro">For each strategy whose racing writers faulted, the first racing run with a trace, around its first write-protect
fault: one lane per vCPU, the pinner's phase, batch and entries nested, the writers' think, lock, store and unlock; the red mark is
the fault. Times are virtual. Hover for details.</p>
${figures.join('\n')}</div>`;
}

/** The list of traces, with links (inside a collapsed block: a suite can have hundreds). */
export function tracesSectionHtml(rows: readonly TraceRow[], labels: readonly string[]): string {
  if (rows.length === 0) return '';
  const many = labels.length > 1;
  const body = rows
    .map((r) => {
      const link =
        r.href === null
          ? `<span class="reason">not written: ${esc(r.error ?? 'unknown')}</span>`
          : `<a href="${esc(r.href)}">${esc(posix.basename(r.href))}</a>`;
      return `<tr>${many ? `<td>${esc(labels[r.set] ?? '')}</td>` : ''}<td>${esc(r.id)}</td><td>${link}</td><td class="num">${r.events.toLocaleString('en-US')}</td><td class="num">${mib(r.bytes)}</td><td>${r.truncated ? 'truncated at the size limit' : ''}</td></tr>`;
    })
    .join('\n');
  return `<section id="traces"><h2>Traces</h2>
<p class="intro">Each run's timeline in the Chrome trace-event format (<code>run --trace</code>): open a file in Perfetto (ui.perfetto.dev),
chrome://tracing or speedscope. One track per vCPU, lock tracks, preempt-depth and batch-fill counters; times are the model's virtual
nanoseconds.</p>
<details><summary>${rows.length} trace file${rows.length === 1 ? '' : 's'}</summary>
<div class="table-wrap"><table><thead><tr>${many ? '<th>result set</th>' : ''}<th>run</th><th>trace</th><th>events</th><th>size</th><th></th></tr></thead>
<tbody>${body}</tbody></table></div></details></section>`;
}
