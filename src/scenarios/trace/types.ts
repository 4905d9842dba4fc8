// The Chrome trace-event format (JSON object form), as pinbench writes and reads it: Perfetto (ui.perfetto.dev),
// chrome://tracing and speedscope open it. Only the phases pinbench uses are typed. Times are microseconds, as the
// format requires; pinbench's traces hold virtual time: ts = virtual ns / 1000 (their metadata says so).

/**
 * The phases pinbench uses: `X` a complete slice (ts, dur), `i` an instant, `B`/`E` a slice's begin and end on a
 * thread, `b`/`e` a nestable async slice's begin and end (paired by cat and id, may overlap others), `C` a counter
 * (its args are the series), `M` metadata (process_name, thread_name, thread_sort_index).
 */
export type TracePhase = 'X' | 'i' | 'B' | 'E' | 'b' | 'e' | 'C' | 'M';

/** One trace event. `tid` is the vCPU on pinbench's vCPU tracks. */
export interface TraceEvent {
  name: string;
  ph: TracePhase;
  /** Start, µs (pinbench: virtual ns / 1000). 0 on metadata events. */
  ts: number;
  pid: number;
  tid: number;
  /** Category: what kind of slice (pinbench's are listed in docs/traces.md). */
  cat?: string;
  /** Duration of an `X` slice, µs. */
  dur?: number;
  /** Scope of an instant: `t` thread (pinbench's), `p` process, `g` global. */
  s?: 'g' | 'p' | 't';
  /** Pairs the begin and end of an async slice (with `cat`). */
  id?: string;
  /** Details shown when the event is selected; a counter's series. */
  args?: Record<string, unknown>;
}

/** A whole trace file: the events, the unit viewers display, and what the trace is (`otherData`). */
export interface TraceDocument {
  traceEvents: TraceEvent[];
  /** How viewers display times; pinbench leaves it out: some Perfetto versions read `ns` as the unit of ts. */
  displayTimeUnit?: 'ns' | 'ms';
  otherData: Record<string, unknown>;
}
