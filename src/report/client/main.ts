// The browser client of the HTML report: a script of its own, compiled by tsconfig.client.json (DOM types here
// only, none in the Node build) and embedded in the page by html.ts. It imports types only, so the emitted
// JavaScript has no import: the page runs it as a classic script (a page opened from file:// cannot load ES
// modules). The page carries the data (#pinbench-data) and where plotly.js is (#pinbench-plotly-src).
import type { ChartSpec, LockAgg, ReportData, ReportRow } from '../types.js';

/** The part of plotly.js the page uses. */
interface PlotlyApi {
  react(el: HTMLElement, data: object[], layout: object, config?: object): Promise<unknown>;
}
declare const Plotly: PlotlyApi | undefined;

/** The JSON of a `<script type="application/json">` element of the page. */
function pageJson<T>(id: string): T {
  return JSON.parse(document.getElementById(id)?.textContent ?? 'null') as T;
}

/**
 * Build the filter bar, the summary table and every chart; redraw on every filter change. `plotlySrc` is
 * the URL of plotly.js beside the page (a deferred script in <head>, parsed off the main thread while the table
 * is drawn), or null when the page has plotly inlined before this script.
 */
function clientMain(data: ReportData, plotlySrc: string | null): void {
  type Row = ReportRow;
  type Trace = Record<string, unknown>;
  type Layout = Record<string, unknown>;
  type Axis = 'ptePages' | 'vcpus';
  interface Chart {
    id: string;
    /** Parameters this chart draws along an axis or sums over: the filters do not apply to them. */
    free: string[];
    draw: (rows: Row[]) => { traces: Trace[]; layout: Layout };
  }

  const $ = (id: string): HTMLElement | null => document.getElementById(id);
  const DASHES = ['solid', 'dot', 'dash', 'longdash', 'dashdot', 'longdashdot'];
  const REASON_STYLES: Record<'slots' | 'args' | 'callbacks', { colour: string; pattern: string }> = {
    slots: { colour: '#56B4E9', pattern: '' },
    args: { colour: '#F0E442', pattern: '/' },
    callbacks: { colour: '#000000', pattern: 'x' },
  };

  let plotly: PlotlyApi | null = null;
  function plotlyMissing(): void {
    const msg = `plotly.js did not load: the page expects ${plotlySrc ?? 'it'} beside index.html (run \`pinbench report\` again).`;
    const banner = $('plotly-missing');
    if (banner) {
      banner.textContent = msg;
      banner.hidden = false;
    }
    console.error(msg);
  }

  // ---- number formatting -------------------------------------------------------------------------------
  const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  const sigFmt = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 });
  const bigFmt = new Intl.NumberFormat('en-US', { notation: 'compact', maximumSignificantDigits: 4 });
  function fmt(n: number | null | undefined): string {
    if (n === null || n === undefined || !Number.isFinite(n)) return '–';
    if (Math.abs(n) >= 1e7) return bigFmt.format(n);
    if (Number.isInteger(n) || Math.abs(n) >= 1000) return intFmt.format(n);
    return sigFmt.format(n);
  }
  function fmtNs(ns: number): string {
    if (ns >= 1e9) return `${sigFmt.format(ns / 1e9)} s`;
    if (ns >= 1e6) return `${sigFmt.format(ns / 1e6)} ms`;
    if (ns >= 1e3) return `${sigFmt.format(ns / 1e3)} µs`;
    return `${sigFmt.format(ns)} ns`;
  }

  // ---- state and filtering -----------------------------------------------------------------------------
  const state: Record<string, string> = {};
  for (const f of data.filters) state[f.name] = f.initial;
  let currentSet = data.sets.length - 1;

  function rowsFor(free: string[]): Row[] {
    return data.rows.filter(
      (r) => r.set === currentSet && data.filters.every((f) => free.includes(f.name) || r.key[f.name] === state[f.name]),
    );
  }
  function byStrategy(rows: Row[]): [string, Row[]][] {
    // Each series is a strategy's correct rows (marked racy when it does not claim to be race-free) or its invalid
    // rows: an invalid row is drawn apart, under its own legend entry, never mixed into a correct line.
    return data.series.map((s): [string, Row[]] => [s, rows.filter((r) => r.series === s)]).filter(([, rs]) => rs.length > 0);
  }
  function appliedText(free: string[]): string {
    const parts = data.filters.filter((f) => !free.includes(f.name)).map((f) => `${f.label} = ${state[f.name]}`);
    if (data.sets.length > 1) parts.unshift(`result set ${data.sets[currentSet]?.label ?? ''}`);
    return parts.length > 0 ? `Showing ${parts.join(', ')}.` : '';
  }

  // ---- layout helpers ----------------------------------------------------------------------------------
  function layout(title: string, xTitle: string, yTitle: string, xType: string, yType: string, extra: Layout = {}): Layout {
    return {
      title: { text: title, x: 0.01, xanchor: 'left', font: { size: 15 } },
      xaxis: { title: { text: xTitle }, type: xType, automargin: false, gridcolor: '#e6e6e6', zeroline: false },
      yaxis: { title: { text: yTitle }, type: yType, automargin: false, gridcolor: '#e6e6e6', zeroline: false },
      legend: { orientation: 'h', x: 0, xanchor: 'left', y: -0.22, yanchor: 'top' },
      margin: { t: 44, r: 16, b: 110, l: 80 },
      height: 420,
      font: { family: 'system-ui, -apple-system, "Segoe UI", sans-serif', size: 12, color: '#222' },
      paper_bgcolor: '#ffffff',
      plot_bgcolor: '#ffffff',
      hovermode: 'closest',
      ...extra,
    };
  }
  function emptyNote(traces: Trace[], l: Layout, text = 'No runs match the filters above.'): Layout {
    if (traces.length > 0 || l.meta === 'empty') return l;
    return {
      ...l,
      meta: 'empty',
      annotations: [{ text, xref: 'paper', yref: 'paper', x: 0.5, y: 0.5, showarrow: false, font: { size: 14, color: '#555' } }],
      xaxis: { ...(l.xaxis as object), type: 'linear', showticklabels: false },
      yaxis: { ...(l.yaxis as object), type: 'linear', showticklabels: false },
    };
  }
  function strategyIndex(s: string): number {
    return Math.max(0, data.series.indexOf(s));
  }
  const invalidSeries = new Set(data.invalidSeries);
  /** Open markers of decreasing size, so strategies that coincide (same hypercalls) stay visible. */
  function lineStyle(s: string): Trace {
    const i = strategyIndex(s);
    if (invalidSeries.has(s)) {
      // Invalid runs: markers only (an x), no line joining them to anything: they are not results.
      return { mode: 'markers', marker: { color: data.colours[s], symbol: 'x-thin-open', size: 14, line: { width: 2 } } };
    }
    return {
      mode: 'lines+markers',
      line: { color: data.colours[s], width: 2, dash: DASHES[i % DASHES.length] },
      marker: { color: data.colours[s], symbol: `${data.symbols[s]}-open`, size: 13 - 1.5 * (i % 5), line: { width: 2 } },
    };
  }
  /** One line per strategy of `y` against the axis parameter; on log axes, points at or below zero are dropped. */
  function lines(
    rows: Row[],
    axis: Axis,
    y: (r: Row) => number,
    yName: string,
    logY: boolean,
  ): { traces: Trace[]; dropped: string[] } {
    const traces: Trace[] = [];
    const dropped: string[] = [];
    for (const [s, rs] of byStrategy(rows)) {
      const pts = rs
        .map((r) => ({ x: axis === 'ptePages' ? r.ptePages : r.vcpus, y: y(r) }))
        .filter((p) => Number.isFinite(p.y) && (!logY || p.y > 0))
        .sort((a, b) => a.x - b.x);
      if (pts.length === 0) {
        dropped.push(s);
        continue;
      }
      // Average rows that share an x (they differ in a free parameter the chart does not separate).
      const xs = [...new Set(pts.map((p) => p.x))];
      const ys = xs.map((x) => {
        const at = pts.filter((p) => p.x === x);
        return at.reduce((a, p) => a + p.y, 0) / at.length;
      });
      traces.push({
        type: 'scatter',
        name: s,
        x: xs,
        y: ys,
        ...lineStyle(s),
        hovertemplate: `<b>${s}</b><br>${axis === 'ptePages' ? 'PTE pages' : 'vCPUs'} %{x}<br>${yName} %{y:.4~g}<extra></extra>`,
      });
    }
    return { traces, dropped };
  }
  /** A note inside the plot naming the strategies whose values are 0 and cannot sit on a log axis. */
  function dropNotes(dropped: string[]): object[] {
    if (dropped.length === 0) return [];
    return [
      {
        text: `0 for ${dropped.join(', ')}: not drawn on a log axis`,
        xref: 'paper',
        yref: 'paper',
        x: 0.99,
        y: 0.01,
        xanchor: 'right',
        yanchor: 'bottom',
        showarrow: false,
        font: { size: 11, color: '#444' },
        bgcolor: 'rgba(255,255,255,0.85)',
      },
    ];
  }
  /** A log x axis of PTE pages with a tick at every size run. */
  function sizeAxis(rows: Row[]): object {
    const sizes = [...new Set(rows.map((r) => r.ptePages))].sort((a, b) => a - b);
    // Many sizes: keep ticks at least a quarter of a decade apart so their labels do not overlap.
    const ticks: number[] = [];
    for (const size of sizes) {
      if (sizes.length <= 8 || ticks.length === 0 || Math.log10(size / (ticks[ticks.length - 1] ?? size)) >= 0.25)
        ticks.push(size);
    }
    return {
      title: { text: axisTitle.ptePages },
      type: 'log',
      automargin: false,
      gridcolor: '#e6e6e6',
      tickmode: 'array',
      tickvals: ticks,
      ticktext: ticks.map((t) => intFmt.format(t)),
    };
  }
  /** A linear x axis of vCPUs with a tick at every count run. */
  function vcpuAxis(rows: Row[]): object {
    const xs = [...new Set(rows.map((r) => r.vcpus))].sort((a, b) => a - b);
    return {
      title: { text: axisTitle.vcpus },
      type: 'linear',
      automargin: false,
      gridcolor: '#e6e6e6',
      tickmode: 'array',
      tickvals: xs,
    };
  }
  const axisTitle: Record<Axis, string> = {
    ptePages: 'PTE pages in the mm (log scale)',
    vcpus: 'vCPUs (vCPU 0 pins, the others write PTEs)',
  };
  /** The last row of a non-empty group (byStrategy never yields an empty one). */
  function lastRow(rs: Row[]): Row {
    const r = rs[rs.length - 1];
    if (r === undefined) throw new Error('pinbench report: an empty group of rows');
    return r;
  }

  // ---- charts --------------------------------------------------------------------------------------------
  function lockGlyphs(rows: Row[], pick: (r: Row) => LockAgg, lockName: string): Trace[] {
    const traces: Trace[] = [];
    for (const [s, rs] of byStrategy(rows)) {
      // Several rows per strategy only when a free parameter differs; take the largest mm (the last).
      const r = lastRow(rs);
      const h = pick(r).hold;
      if (h.count === 0) continue;
      const c = data.colours[s];
      const group = { legendgroup: s, hoverinfo: 'skip' };
      traces.push({
        type: 'scatter',
        mode: 'lines',
        x: [s, s],
        y: [Math.max(h.minNs, 1), h.maxNs],
        line: { color: c, width: 2 },
        showlegend: false,
        ...group,
      });
      traces.push({
        type: 'scatter',
        mode: 'lines',
        name: s,
        x: [s, s],
        y: [Math.max(h.p50Ns, 1), Math.max(h.p99Ns, 1)],
        line: { color: c, width: 18 },
        opacity: 0.8,
        ...group,
      });
      traces.push({
        type: 'scatter',
        mode: 'markers',
        name: `${s} p50 and mean`,
        legendgroup: s,
        showlegend: false,
        x: [s, s],
        y: [Math.max(h.p50Ns, 1), Math.max(h.meanNs, 1)],
        marker: {
          color: '#000000',
          symbol: ['line-ew', 'diamond'],
          size: [26, 10],
          line: { color: ['#000000', '#ffffff'], width: [3, 1] },
        },
        customdata: [[h.minNs, h.p50Ns, h.p99Ns, h.maxNs, h.meanNs, h.count]],
        hovertemplate:
          `<b>${s}</b> ${lockName} hold<br>min ${fmtNs(h.minNs)}<br>p50 ${fmtNs(h.p50Ns)}<br>p99 ${fmtNs(h.p99Ns)}` +
          `<br>max ${fmtNs(h.maxNs)}<br>mean ${fmtNs(h.meanNs)}<br>${fmt(h.count)} holds<extra></extra>`,
      });
    }
    return traces;
  }
  function unusedNote(rows: Row[], pick: (r: Row) => LockAgg): string {
    const unused = byStrategy(rows)
      .filter(([, rs]) => pick(lastRow(rs)).hold.count === 0)
      .map(([s]) => s);
    return unused.length > 0 ? `not taken by: ${unused.join(', ')}` : '';
  }

  // ---- renderers, one per chart kind; the charts themselves are data (data.charts, from charts.ts) ----------
  type Drawn = { traces: Trace[]; layout: Layout };
  type Spec<K extends ChartSpec['kind']> = ChartSpec & { kind: K };
  const renderers: { [K in ChartSpec['kind']]: (spec: Spec<K>, rows: Row[]) => Drawn } = {
    lines: (spec, rows) => {
      const logX = spec.axis === 'ptePages';
      const { traces, dropped } = lines(rows, spec.axis, (r) => r[spec.value], spec.yName, true);
      return {
        traces,
        layout: layout(spec.title, '', spec.yTitle, logX ? 'log' : 'linear', 'log', {
          xaxis: logX ? sizeAxis(rows) : vcpuAxis(rows),
          annotations: dropNotes(dropped),
        }),
      };
    },
    'lock-hold': (spec, rows) => {
      const pick = (r: Row): LockAgg => r[spec.lock];
      const traces = lockGlyphs(rows, pick, spec.lockName);
      const note = unusedNote(rows, pick);
      return {
        traces,
        layout: emptyNote(
          traces,
          layout(`${spec.title}${note ? ` (${note})` : ''}`, 'strategy', 'hold time (virtual ns, log scale)', 'category', 'log'),
          spec.emptyText,
        ),
      };
    },
    'batch-histogram': (spec, rows) => {
      const traces: Trace[] = [];
      const none: string[] = [];
      for (const [s, rs] of byStrategy(rows)) {
        const r = lastRow(rs);
        if (r.multicallsPerCycle === 0) {
          none.push(s);
          continue;
        }
        const ks: number[] = [];
        const ys: number[] = [];
        r.batchHistogramPerCycle.forEach((y, k) => {
          if (y > 0) {
            ks.push(k);
            ys.push(y);
          }
        });
        traces.push({
          type: 'bar',
          name: s,
          x: ks,
          y: ys,
          marker: { color: data.colours[s], line: { color: '#222', width: 0.5 } },
          hovertemplate: `<b>${s}</b><br>%{y:.4~g} multicalls per cycle with %{x} entries<extra></extra>`,
        });
      }
      return {
        traces,
        layout: layout(spec.title, 'entries in one multicall (batch size)', 'multicalls per cycle (log scale)', 'linear', 'log', {
          barmode: 'group',
          bargap: 0.15,
          annotations:
            none.length > 0
              ? [
                  {
                    text: `no multicalls: ${none.join(', ')}`,
                    xref: 'paper',
                    yref: 'paper',
                    x: 0.01,
                    y: 0.99,
                    xanchor: 'left',
                    yanchor: 'top',
                    showarrow: false,
                    font: { size: 11, color: '#444' },
                    bgcolor: 'rgba(255,255,255,0.85)',
                  },
                ]
              : [],
        }),
      };
    },
    'flush-reasons': (spec, rows) => {
      const strategies = byStrategy(rows).map(([s]) => s);
      const last = (s: string): Row => {
        return lastRow(rows.filter((r) => r.series === s));
      };
      const traces: Trace[] = (['slots', 'args', 'callbacks'] as const).map((reason) => ({
        type: 'bar',
        name: `flushed for ${reason}`,
        x: strategies,
        y: strategies.map((s) => last(s).flushPerCycle[reason]),
        marker: {
          color: REASON_STYLES[reason].colour,
          line: { color: '#222', width: 1 },
          pattern: { shape: REASON_STYLES[reason].pattern, fgcolor: '#555', size: 7 },
        },
        hovertemplate: `<b>%{x}</b><br>%{y:.4~g} flushes per cycle for ${reason}<extra></extra>`,
      }));
      return {
        traces: strategies.length > 0 ? traces : [],
        layout: layout(spec.title, 'strategy', 'flushes per cycle', 'category', 'linear', { barmode: 'stack' }),
      };
    },
    preempt: (spec, rows) => {
      const { traces, dropped } = lines(rows, 'ptePages', (r) => r.preemptMaxDepth, 'max depth', true);
      const over = rows.filter((r) => r.preemptOverflows > 0);
      if (over.length > 0) {
        traces.push({
          type: 'scatter',
          mode: 'markers',
          name: 'overflowed into softirq bits',
          x: over.map((r) => r.ptePages),
          y: over.map((r) => r.preemptMaxDepth),
          marker: { symbol: 'x-thin', size: 22, color: '#000000', line: { width: 3, color: '#000000' } },
          customdata: over.map((r) => [r.series, r.preemptOverflows]),
          hovertemplate: '<b>%{customdata[0]}</b><br>depth %{y} at %{x} PTE pages<br>%{customdata[1]} overflows<extra></extra>',
        });
      }
      const limits = [...new Set(rows.map((r) => r.preemptLimit))];
      const shapes = limits.map((lim) => ({
        type: 'line',
        xref: 'paper',
        x0: 0,
        x1: 1,
        yref: 'y',
        y0: lim,
        y1: lim,
        line: { color: '#000000', width: 2, dash: 'dash' },
      }));
      const annotations: object[] = dropNotes(dropped);
      annotations.push(
        ...limits.map((lim) => ({
          xref: 'paper',
          x: 0.01,
          xanchor: 'left',
          yref: 'y',
          y: Math.log10(lim),
          yanchor: 'top',
          showarrow: false,
          text: `PREEMPT limit 2^${Math.round(Math.log2(lim))} = ${lim}: deeper overflows into the softirq field`,
          font: { size: 11, color: '#000' },
          bgcolor: 'rgba(255,255,255,0.8)',
        })),
      );
      const maxY = Math.max(...rows.map((r) => r.preemptMaxDepth), ...limits, 2);
      return {
        traces,
        layout: layout(spec.title, '', '', 'log', 'log', {
          xaxis: sizeAxis(rows),
          shapes,
          annotations,
          yaxis: {
            title: { text: 'max preempt depth (log scale)' },
            type: 'log',
            automargin: false,
            gridcolor: '#e6e6e6',
            range: [Math.log10(0.7), Math.log10(maxY * 2)],
          },
        }),
      };
    },
    'writer-wait': (spec, rows) => {
      const traces: Trace[] = [];
      for (const [s, rs] of byStrategy(rows)) {
        const sorted = [...rs].sort((a, b) => a.vcpus - b.vcpus);
        for (const q of ['p50', 'p99'] as const) {
          const pts = sorted
            .map((r) => {
              const w = r.writerLock === 'ptl' ? r.ptl.wait : r.pageTableLock.wait;
              return { x: r.vcpus, y: q === 'p50' ? w.p50Ns : w.p99Ns, n: w.count };
            })
            .filter((p) => p.n > 0 && p.y > 0);
          if (pts.length === 0) continue;
          const st = lineStyle(s);
          traces.push({
            type: 'scatter',
            name: `${s} ${q}`,
            legendgroup: s,
            x: pts.map((p) => p.x),
            y: pts.map((p) => p.y),
            ...st,
            line: { ...(st.line as object), dash: q === 'p50' ? 'solid' : 'dash', width: q === 'p50' ? 2.5 : 1.5 },
            hovertemplate: `<b>${s}</b> writer wait ${q}<br>%{x} vCPUs<br>%{y:.4~g} ns<extra></extra>`,
          });
        }
      }
      return {
        traces,
        layout: emptyNote(
          traces,
          layout(spec.title, '', 'writer wait (virtual ns, log scale)', 'linear', 'log', { xaxis: vcpuAxis(rows) }),
          'No contended lock acquisitions in the runs shown (one vCPU has no one to wait for).',
        ),
      };
    },
    faults: (spec, rows) => {
      const groups = byStrategy(rows);
      const racing = (rs: Row[]): Row[] => rs.filter((r) => r.vcpus > 1);
      const runs = (rs: Row[]): number => rs.reduce((a, r) => a + r.seeds.length, 0);
      const faults = groups.map(([, rs]) => rs.reduce((a, r) => a + r.faults, 0));
      const text = groups.map(([, rs], i) => {
        const rr = racing(rs);
        const faulty = rr.reduce((a, r) => a + r.faultySeeds, 0);
        return `${fmt(faults[i])} faults · ${faulty} of ${runs(rr)} racing runs`;
      });
      const traces: Trace[] =
        groups.length === 0
          ? []
          : [
              {
                type: 'bar',
                x: groups.map(([s]) => s),
                y: faults,
                text,
                textposition: 'outside',
                cliponaxis: false,
                marker: { color: groups.map(([s]) => data.colours[s]), line: { color: '#222', width: 1 } },
                hovertemplate: '<b>%{x}</b><br>%{text}<extra></extra>',
                showlegend: false,
              },
            ];
      const anyRacing = rows.some((r) => r.vcpus > 1);
      const l = layout(spec.title, 'strategy', 'write-protect faults (all sizes and vCPU counts shown)', 'category', 'linear', {
        yaxis: {
          title: { text: 'write-protect faults (sum over runs)' },
          type: 'linear',
          automargin: false,
          gridcolor: '#e6e6e6',
          rangemode: 'tozero',
          range: Math.max(...faults, 0) === 0 ? [0, 1] : undefined,
        },
        annotations: anyRacing
          ? []
          : [
              {
                text: 'No runs with racing writers (vCPUs > 1): nothing could race.',
                xref: 'paper',
                yref: 'paper',
                x: 0.5,
                y: 0.6,
                showarrow: false,
              },
            ],
      });
      return { traces, layout: emptyNote(traces, l) };
    },
    wall: (spec, rows) => {
      const traces: Trace[] = [];
      for (const [s, rs] of byStrategy(rows)) {
        const sorted = [...rs].sort((a, b) => a.ptePages - b.ptePages);
        const hasRme = sorted.some((r) => r.wallRmePct !== null);
        traces.push({
          type: 'scatter',
          name: s,
          x: sorted.map((r) => r.ptePages),
          y: sorted.map((r) => r.wallMsPerCycle),
          ...lineStyle(s),
          error_y: hasRme
            ? {
                type: 'data',
                array: sorted.map((r) => (r.wallMsPerCycle * (r.wallRmePct ?? 0)) / 100),
                visible: true,
                thickness: 1.5,
                width: 4,
              }
            : undefined,
          customdata: sorted.map((r) => [r.wallRmePct === null ? 'n/a' : `±${sigFmt.format(r.wallRmePct)} %`]),
          hovertemplate: `<b>${s}</b><br>PTE pages %{x}<br>%{y:.4~g} ms wall per cycle (%{customdata[0]})<extra></extra>`,
        });
      }
      return { traces, layout: layout(spec.title, '', 'wall ms per cycle (log scale)', 'log', 'log', { xaxis: sizeAxis(rows) }) };
    },
    micro: (spec) => {
      const ms = data.micro.filter((m) => m.set === currentSet);
      // Micro-benchmarks are often far below a millisecond: show µs then, so the ticks stay readable.
      const us = ms.length > 0 && Math.max(...ms.map((m) => m.meanMs)) < 1;
      const k = us ? 1000 : 1;
      const unit = us ? 'µs' : 'ms';
      // Dots, not bars: on a log axis a bar's length means nothing.
      const traces: Trace[] =
        ms.length === 0
          ? []
          : [
              {
                type: 'scatter',
                mode: 'markers',
                y: ms.map((m) => m.name),
                x: ms.map((m) => m.meanMs * k),
                error_x: {
                  type: 'data',
                  array: ms.map((m) => (m.meanMs * k * (m.rmePct ?? 0)) / 100),
                  visible: true,
                  thickness: 1.5,
                  width: 6,
                  color: '#000',
                },
                marker: { color: '#0072B2', size: 10, symbol: 'circle' },
                customdata: ms.map((m) => [
                  m.rmePct === null ? 'n/a' : sigFmt.format(m.rmePct),
                  m.samples ?? 'n/a',
                  m.p99Ms === null ? NaN : m.p99Ms * k,
                ]),
                hovertemplate: `<b>%{y}</b><br>mean %{x:.4~g} ${unit} ±%{customdata[0]} %<br>p99 %{customdata[2]:.4~g} ${unit}<br>%{customdata[1]} samples<extra></extra>`,
                showlegend: false,
              },
            ];
      return {
        traces,
        layout: emptyNote(
          traces,
          layout(spec.title, `mean wall time per call (${unit}, log scale), error bars ±rme`, '', 'log', 'category', {
            height: Math.max(300, 110 + 28 * ms.length),
            yaxis: { type: 'category', automargin: true, autorange: 'reversed' },
          }),
          'No micro-benchmarks in this result set.',
        ),
      };
    },
    comparison: (spec) => {
      const cmp = data.comparisons[spec.comparison];
      if (cmp === undefined)
        return { traces: [], layout: emptyNote([], layout('', '', '', 'linear', 'linear'), 'No run pairs to compare.') };

      const metrics = [...new Set(cmp.ratios.map((c) => c.metric))];
      const strategies = [...new Set(cmp.ratios.map((c) => c.strategy))];
      const ordered = [
        ...data.strategies.filter((s) => strategies.includes(s)),
        ...strategies.filter((s) => !data.strategies.includes(s)),
      ];
      // A dot per strategy and metric, grouped side by side, on a log axis around the line at 1: a ratio of
      // exactly 1 (no change) sits on the line, which bars starting at 1 could not show.
      const traces: Trace[] = ordered.map((s) => {
        const cells = metrics.map((m) => cmp.ratios.find((c) => c.strategy === s && c.metric === m));
        return {
          type: 'scatter',
          mode: 'markers',
          name: s,
          x: metrics,
          y: cells.map((c) => (c ? c.ratio : null)),
          marker: {
            color: data.colours[s] ?? '#56B4E9',
            symbol: data.symbols[s] ?? 'circle',
            size: 12,
            line: { color: '#222', width: 1 },
          },
          customdata: cells.map((c) => (c ? [c.pairs, c.kind] : [0, ''])),
          hovertemplate: `<b>${s}</b> %{x}<br>current / baseline = %{y:.4~g}<br>over %{customdata[0]} run pairs (%{customdata[1]})<extra></extra>`,
        };
      });
      const ratios = cmp.ratios.map((c) => c.ratio).filter((r) => r > 0);
      const span = Math.max(2, ...ratios.map((r) => Math.max(r, 1 / r)));
      const l = layout(
        `${data.sets[cmp.current]?.label ?? ''} against ${data.sets[cmp.baseline]?.label ?? ''}`,
        'metric (exact ones first; the last is wall clock, noisy)',
        'current ÷ baseline (log scale)',
        'category',
        'log',
        {
          scattermode: 'group',
          yaxis: {
            title: { text: 'current ÷ baseline (log)' },
            type: 'log',
            gridcolor: '#e6e6e6',
            range: [-Math.log10(span * 1.2), Math.log10(span * 1.2)],
          },
          shapes: [{ type: 'line', xref: 'paper', x0: 0, x1: 1, yref: 'y', y0: 1, y1: 1, line: { color: '#000', width: 1.5 } }],
        },
      );
      return { traces, layout: emptyNote(traces, l, 'No run pairs to compare.') };
    },
  };
  function render(spec: ChartSpec, rows: Row[]): Drawn {
    // The union of renderers is indexed by the spec's own kind: the pair always matches.
    return (renderers[spec.kind] as (spec: ChartSpec, rows: Row[]) => Drawn)(spec, rows);
  }
  const charts: Chart[] = data.charts.map((spec) => ({ id: spec.id, free: spec.free, draw: (rows) => render(spec, rows) }));

  // ---- summary table -----------------------------------------------------------------------------------
  const SUMMARY_FREE = ['ptePages', 'vcpus'];
  function renderSummary(): void {
    const host = $('summary-table');
    if (!host) return;
    // Correct rows first, by strategy and size; invalid rows after them all: never ranked among results.
    const rows = rowsFor(SUMMARY_FREE).sort(
      (a, b) =>
        Number(a.invalid.length > 0) - Number(b.invalid.length > 0) ||
        strategyIndex(a.series) - strategyIndex(b.series) ||
        a.ptePages - b.ptePages ||
        a.vcpus - b.vcpus,
    );
    const extraParams = data.filters.filter((f) => !['mode', 'ptePages', 'vcpus'].includes(f.name)).map((f) => f.name);
    const exactCols: [string, string, (r: Row) => string][] = [
      ['traps / cycle', 'hypercall instructions per pin + unpin', (r) => fmt(r.trapsPerCycle)],
      [
        'TLB flushes / cycle',
        "Xen's TLB flushes for page type changes (get_page_type), per pin + unpin",
        (r) => fmt(r.tlbFlushesPerCycle),
      ],
      ['flush IPIs / cycle', 'remote vCPUs those flushes reached with an IPI, per pin + unpin', (r) => fmt(r.flushIpisPerCycle)],
      ['entries / cycle', 'multicall entries per pin + unpin', (r) => fmt(r.entriesPerCycle)],
      ['multicalls / cycle', 'multicalls with at least one entry', (r) => fmt(r.multicallsPerCycle)],
      [
        'max preempt depth',
        'maximum preempt count; ⚠ overflowed the PREEMPT field',
        (r) => `${fmt(r.preemptMaxDepth)}${r.preemptOverflows > 0 ? ' ⚠' : ''}`,
      ],
      ['PTE locks held (max)', 'most split PTE locks held at once', (r) => fmt(r.ptl.maxHeld)],
      ['PTE lock hold p99', 'virtual time', (r) => (r.ptl.hold.count > 0 ? fmtNs(r.ptl.hold.p99Ns) : '–')],
      [
        'page_table_lock hold p99',
        'virtual time',
        (r) => (r.pageTableLock.hold.count > 0 ? fmtNs(r.pageTableLock.hold.p99Ns) : '–'),
      ],
      [
        'writer wait p99',
        'contended acquisitions of the lock writers take',
        (r) => {
          const w = r.writerLock === 'ptl' ? r.ptl.wait : r.pageTableLock.wait;
          return w.count > 0 ? fmtNs(w.p99Ns) : '–';
        },
      ],
      ['WP faults', 'write-protect faults, sum over seeds', (r) => (r.faults > 0 ? `<strong>${fmt(r.faults)} ✗</strong>` : '0')],
      [
        'warnings',
        "failed hypercalls (with Xen's first reason) and the lockdep and preempt-count warnings the model recorded, totals over seeds",
        (r) =>
          r.warnings.length === 0
            ? '–'
            : r.warnings
                .map((w) => {
                  const reason =
                    w.label === 'failed hypercalls' && r.firstHypercallError !== null
                      ? ` (first: ${esc(r.firstHypercallError)})`
                      : '';
                  return `<strong>${fmt(w.count)}</strong> ${esc(w.label)}${reason}`;
                })
                .join('<br>'),
      ],
      ['pins / s', 'per virtual second', (r) => fmt(r.pinsPerSec)],
    ];
    const noisyCols: [string, string, (r: Row) => string][] = [
      [
        'wall ms / cycle',
        'wall clock of the simulator, ± tinybench rme',
        (r) => `${fmt(r.wallMsPerCycle)}${r.wallRmePct !== null ? ` ±${r.wallRmePct.toFixed(1)}%` : ''}`,
      ],
      ['sim events / s', 'simulated events per wall second', (r) => fmt(r.eventsPerSec)],
    ];
    const paramCols = ['strategy', 'mode', 'ptePages', 'vcpus', ...extraParams];
    const paramLabel = (n: string): string =>
      (({ strategy: 'strategy', mode: 'mode', ptePages: 'PTE pages', vcpus: 'vCPUs' }) as Record<string, string>)[n] ??
      data.filters.find((f) => f.name === n)?.label ??
      n;
    const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    let html = '<table class="summary"><thead><tr>';
    html += `<th colspan="${paramCols.length + 1}" class="grp">run</th>`;
    html += `<th colspan="${exactCols.length}" class="grp exact">exact: model output, deterministic for a seed</th>`;
    html += `<th colspan="${noisyCols.length}" class="grp noisy">noisy: wall clock</th></tr><tr>`;
    for (const p of paramCols) html += `<th>${esc(paramLabel(p))}</th>`;
    html += '<th title="seeds pooled as one long run">seeds</th>';
    for (const [name, tip] of exactCols) html += `<th class="exact" title="${esc(tip)}">${esc(name)}</th>`;
    for (const [name, tip] of noisyCols) html += `<th class="noisy" title="${esc(tip)}">~ ${esc(name)}</th>`;
    html += '</tr></thead><tbody>';
    for (const r of rows) {
      const invalid = r.invalid.length > 0;
      const classes = [r.faults > 0 ? 'faulty' : '', invalid ? 'invalid' : ''].filter(Boolean).join(' ');
      html += `<tr${classes ? ` class="${classes}"` : ''}${invalid ? ` title="${esc(`invalid: ${r.invalid.join('; ')}`)}"` : ''}>`;
      html += `<td><span class="swatch" style="background:${data.colours[r.series]}"></span>${esc(r.series)}${invalid ? `<br><span class="reason">${esc(r.invalid.join('; '))}</span>` : ''}</td>`;
      html += `<td>${esc(r.mode)}</td><td class="num">${fmt(r.ptePages)}</td><td class="num">${r.vcpus}</td>`;
      for (const p of extraParams) html += `<td class="num">${esc(r.key[p] ?? '')}</td>`;
      html += `<td class="num">${r.seeds.length}</td>`;
      for (const [, , f] of exactCols) html += `<td class="num exact">${f(r)}</td>`;
      for (const [, , f] of noisyCols) html += `<td class="num noisy">${f(r)}</td>`;
      html += '</tr>';
    }
    if (rows.length === 0) html += `<tr><td colspan="99">No runs match the filters.</td></tr>`;
    html += '</tbody></table>';
    host.innerHTML = html;
    const applied = $('summary-applied');
    if (applied)
      applied.textContent = `${appliedText(SUMMARY_FREE)} ${rows.length} rows, one per strategy, size and vCPU count; seeds pooled.`;

    const faultHost = $('fault-examples');
    if (faultHost) {
      const shown = rowsFor(['ptePages', 'vcpus'])
        .flatMap((r) => r.faultDetails.map((d) => ({ r, d })))
        .slice(0, 10);
      if (shown.length === 0) {
        faultHost.innerHTML = '<p class="ok-note">✓ No write-protect fault in the runs shown.</p>';
      } else {
        let t =
          '<table class="faults"><thead><tr><th>strategy</th><th>PTE pages</th><th>vCPUs</th><th>seed</th><th>writer vCPU</th><th>frame</th><th>at (virtual)</th><th>pinner was doing</th></tr></thead><tbody>';
        for (const { r, d } of shown) {
          t += `<tr><td>${esc(r.series)}</td><td class="num">${fmt(r.ptePages)}</td><td class="num">${r.vcpus}</td><td class="num">${d.seed}</td><td class="num">${d.vcpu}</td><td class="num">${d.frame}</td><td class="num">${fmtNs(d.atNs)}</td><td>${esc(d.pinner)}</td></tr>`;
        }
        faultHost.innerHTML = `<p>The first write-protect faults recorded (up to 10):</p>${t}</tbody></table>`;
      }
    }
  }

  // ---- drawing ---------------------------------------------------------------------------------------------
  // Plotly spends about 0.1 s of CPU per chart. Drawing all of them in one task would freeze a large report for
  // seconds, so charts are drawn one per task, the one nearest the viewport first: the screen the reader is
  // looking at fills in first and the page stays responsive while the rest are drawn.
  const config = { responsive: true, displaylogo: false, modeBarButtonsToRemove: ['lasso2d', 'select2d'] };
  function drawChart(chart: Chart): void {
    const el = $(chart.id);
    if (!el || !plotly) return;
    const rows = chart.free.includes('*') ? [] : rowsFor(chart.free);
    const t0 = performance.now();
    const { traces, layout: l } = chart.draw(rows);
    void plotly.react(el, traces, logTicks(traces, emptyNote(traces, l)), config);
    performance.measure(`pinbench:draw:${chart.id}`, { start: t0 });
    const applied = document.querySelector(`[data-applied-for="${chart.id}"]`);
    if (applied)
      applied.textContent = chart.free.includes('*') ? appliedText(data.filters.map((f) => f.name)) : appliedText(chart.free);
  }
  /**
   * Tick spacing of log axes from the data: 1, 2 and 5 of every decade over a short span (as explicit ticks with
   * their whole values), powers of ten over a long one (plotly labels every digit of a short span, which crowds
   * the axis).
   */
  function logTicks(traces: Trace[], l: Layout): Layout {
    const out: Layout = { ...l };
    for (const [name, key] of [
      ['xaxis', 'x'],
      ['yaxis', 'y'],
    ] as const) {
      const axis = l[name] as Record<string, unknown> | undefined;
      if (axis?.type !== 'log' || axis.tickvals !== undefined || axis.dtick !== undefined) continue;
      const values = traces
        .flatMap((t) => (Array.isArray(t[key]) ? (t[key] as unknown[]) : []))
        .filter((v): v is number => typeof v === 'number' && v > 0);
      if (values.length === 0) continue;
      const lo = Math.min(...values);
      const hi = Math.max(...values);
      const decades = Math.log10(hi / lo);
      if (decades > 2) {
        out[name] = { ...axis, dtick: 1 };
        continue;
      }
      // 1, 2 and 5 of every decade, labelled with their whole value: plotly's own 'D2' ticks label 0.5 as "5".
      const ticks: number[] = [];
      for (let k = Math.floor(Math.log10(lo)) - 1; k <= Math.ceil(Math.log10(hi)); k++) {
        for (const m of [1, 2, 5]) {
          const v = m * 10 ** k;
          if (v >= lo / 2.5 && v <= hi * 2.5) ticks.push(Number(v.toPrecision(3)));
        }
      }
      out[name] = { ...axis, tickmode: 'array', tickvals: ticks, ticktext: ticks.map((v) => fmt(v)) };
    }
    return out;
  }
  /** Distance in pixels from the viewport to the chart's element; 0 when it is on screen. */
  function distance(chart: Chart): number {
    const el = $(chart.id);
    if (!el) return Infinity;
    const r = el.getBoundingClientRect();
    if (r.bottom >= 0 && r.top <= window.innerHeight) return 0;
    return r.top > window.innerHeight ? r.top - window.innerHeight : -r.bottom;
  }
  const TASK_BUDGET_MS = 250;
  let generation = 0;
  let firstScreenMarked = false;
  /** Charts still to draw on the first screen. */
  let onScreen = 0;
  function drawAll(): Promise<void> {
    const gen = ++generation;
    document.body.dataset.chartsReady = 'false';
    renderSummary();
    if (!plotly) return Promise.resolve();
    const pending = charts.filter((c) => $(c.id) !== null);
    return new Promise((resolve) => {
      // Drawing order: nearest the viewport first. Positions only change when the reader scrolls, so the order
      // is worked out again only then (measuring forces a layout of the whole page).
      let scrolledTo = NaN;
      const step = (): void => {
        // A newer drawAll (a filter changed) has taken over the remaining charts.
        if (gen !== generation) {
          resolve();
          return;
        }
        const started = performance.now();
        // Several charts per task, up to a budget: each task ends in a layout and paint of the page.
        do {
          if (window.scrollY !== scrolledTo) {
            scrolledTo = window.scrollY;
            const ds = new Map(pending.map((c) => [c, distance(c)]));
            pending.sort((a, b) => (ds.get(a) ?? Infinity) - (ds.get(b) ?? Infinity));
            if (!firstScreenMarked) onScreen = pending.filter((c) => ds.get(c) === 0).length;
          }
          if (!firstScreenMarked && (pending.length === 0 || onScreen === 0)) {
            // Every chart on the first screen is drawn: the page is usable from here on.
            firstScreenMarked = true;
            performance.mark('pinbench:first-screen');
            break;
          }
          if (pending.length === 0) {
            performance.mark(`pinbench:charts-ready:${gen}`);
            document.body.dataset.chartsReady = 'true';
            resolve();
            return;
          }
          const next = pending.shift();
          if (next !== undefined) drawChart(next);
          onScreen--;
        } while (performance.now() - started < TASK_BUDGET_MS);
        setTimeout(step, 0);
      };
      step();
    });
  }

  // ---- filter bar ------------------------------------------------------------------------------------------
  const bar = $('filters');
  if (bar) {
    const add = (label: string, values: string[], labels: string[], selected: string, onChange: (v: string) => void): void => {
      const wrap = document.createElement('label');
      wrap.className = 'filter';
      wrap.append(`${label} `);
      const sel = document.createElement('select');
      values.forEach((v, i) => {
        const opt = document.createElement('option');
        opt.value = v;
        opt.textContent = labels[i] ?? v;
        opt.selected = v === selected;
        sel.append(opt);
      });
      sel.addEventListener('change', () => {
        onChange(sel.value);
        void drawAll();
      });
      wrap.append(sel);
      bar.append(wrap);
    };
    if (data.sets.length > 1) {
      add(
        'result set',
        data.sets.map((_, i) => String(i)),
        data.sets.map((s) => s.label),
        String(currentSet),
        (v) => {
          currentSet = Number(v);
        },
      );
    }
    for (const f of data.filters) {
      add(f.label, f.values, f.values, f.initial, (v) => {
        state[f.name] = v;
      });
    }
    if (bar.childElementCount === 0) {
      bar.append(
        data.rows.length === 0
          ? 'No scenario runs in this report: nothing to filter.'
          : 'The runs differ only in strategy (and seed): nothing to filter.',
      );
    }
  }

  // The table first, then plotly: the reader sees numbers while plotly starts.
  renderSummary();
  performance.mark('pinbench:summary');
  const start = (): void => {
    performance.mark('pinbench:plotly-loaded');
    if (typeof Plotly === 'undefined') {
      plotlyMissing();
      return;
    }
    plotly = Plotly;
    void drawAll();
  };
  // plotly.js is a deferred script of the page's <head>: it runs after this script, but may have failed already.
  const loadState = (window as unknown as { pinbenchPlotly?: 'loaded' | 'failed' }).pinbenchPlotly;
  const script = document.getElementById('plotly-script');
  if (typeof Plotly !== 'undefined' || plotlySrc === null || script === null) start();
  else if (loadState === 'failed') plotlyMissing();
  else {
    script.addEventListener('load', start, { once: true });
    script.addEventListener('error', plotlyMissing, { once: true });
  }
}

clientMain(pageJson<ReportData>('pinbench-data'), pageJson<string | null>('pinbench-plotly-src'));
