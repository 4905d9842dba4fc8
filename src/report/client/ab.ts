// The browser client of the A/B page (`pinbench ab`): two plotly charts from the page's data. Compiled by
// tsconfig.client.json like main.ts, embedded as a classic script (types only are imported).
import type { AbPageData, AbPageState } from '../ab-types.js';

interface PlotlyApi {
  newPlot(el: HTMLElement, data: object[], layout: object, config?: object): Promise<unknown>;
}
declare const Plotly: PlotlyApi | undefined;

/** Okabe-Ito colours per verdict. */
const STATE_COLOURS: Record<AbPageState, string> = {
  regressed: '#D55E00',
  improved: '#009E73',
  'no-change': '#0072B2',
  'insufficient-samples': '#999999',
};

function abMain(data: AbPageData): void {
  const missing = document.getElementById('plotly-missing');
  if (typeof Plotly === 'undefined') {
    if (missing) missing.hidden = false;
    return;
  }
  const plotly = Plotly;
  const upper = 1 + data.threshold;
  const lower = 1 / upper;
  const line = (y: number, colour: string, dash: string) => ({
    type: 'line',
    xref: 'paper',
    x0: 0,
    x1: 1,
    y0: y,
    y1: y,
    line: { color: colour, width: 1.5, dash },
  });
  const shapes: object[] = [line(1, '#000000', 'solid'), line(upper, '#D55E00', 'dash'), line(lower, '#009E73', 'dash')];
  if (data.ci) {
    shapes.push({
      type: 'rect',
      xref: 'paper',
      x0: 0,
      x1: 1,
      y0: data.ci.low,
      y1: data.ci.high,
      fillcolor: '#56B4E9',
      opacity: 0.25,
      line: { width: 0 },
    });
    shapes.push(line(data.ratio, '#0072B2', 'solid'));
  }
  const sorted = [...data.runs].sort((a, b) => a.ratio - b.ratio);
  const states = [...new Set(sorted.map((r) => r.state))];
  const traces = states.map((state) => {
    const runs = sorted.filter((r) => r.state === state);
    return {
      type: 'scatter',
      mode: 'markers',
      name: state.replace('-', ' '),
      x: runs.map((r) => sorted.indexOf(r) + 1),
      y: runs.map((r) => r.ratio),
      text: runs.map(
        (r) =>
          `${r.id}<br>head/base ${r.ratio.toFixed(3)} [${r.low.toFixed(3)}, ${r.high.toFixed(3)}]<br>base ${r.baseMs.toPrecision(4)} ms, head ${r.headMs.toPrecision(4)} ms<br>adjusted p ${r.pAdjusted.toPrecision(2)}`,
      ),
      hovertemplate: '%{text}<extra></extra>',
      marker: { color: STATE_COLOURS[state], size: 7 },
      error_y: {
        type: 'data',
        symmetric: false,
        array: runs.map((r) => r.high - r.ratio),
        arrayminus: runs.map((r) => r.ratio - r.low),
        color: STATE_COLOURS[state],
        thickness: 1,
        width: 0,
      },
    };
  });
  const ratioEl = document.getElementById('ab-runs');
  if (ratioEl) {
    void plotly.newPlot(
      ratioEl,
      traces,
      {
        title: {
          text: `Per-run ratio head / base (${data.estimator === 'min' ? 'fastest round over fastest round' : 'median per-round ratio'}, with its interval over blocks), sorted`,
        },
        xaxis: { title: { text: 'runs, sorted by ratio' }, zeroline: false },
        yaxis: { title: { text: 'head / base (log scale; above 1 is slower)' }, type: 'log', tickformat: '.2f' },
        shapes,
        margin: { t: 50, r: 20 },
        legend: { orientation: 'h', y: -0.2 },
      },
      { responsive: true, displaylogo: false },
    );
  }
  const roundsEl = document.getElementById('ab-rounds');
  if (roundsEl) {
    void plotly.newPlot(
      roundsEl,
      [
        {
          type: 'scatter',
          mode: 'lines+markers',
          name: 'median over runs',
          x: data.rounds.map((r) => r.round),
          y: data.rounds.map((r) => r.ratio),
          marker: { color: '#0072B2' },
          hovertemplate: 'round %{x}: %{y:.3f}<extra></extra>',
        },
      ],
      {
        title: { text: 'Head / base per round (median over runs): drift or a trend over the job' },
        xaxis: { title: { text: 'round' }, dtick: 1 },
        yaxis: { title: { text: 'head / base' }, type: 'log', tickformat: '.3f' },
        shapes: shapes.filter((s) => (s as { type: string }).type === 'line'),
        margin: { t: 50, r: 20 },
      },
      { responsive: true, displaylogo: false },
    );
  }
}

abMain(JSON.parse(document.getElementById('ab-data')?.textContent ?? 'null') as AbPageData);
