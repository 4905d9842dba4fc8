import { readFileSync } from 'node:fs';
import { medianOf } from '../compare/bootstrap.js';
import { describeAbOutcome, describeAbSide, ratioText } from '../compare/ab/render.js';
import { intervalText, percentText } from '../compare/ab/judge.js';
import type { AbComparison, AbMeasurement, AbOutcome } from '../compare/ab/types.js';
import type { AbPageData } from './ab-types.js';
import { escapeHtml, scriptJson } from './html.js';

/** The A/B page's browser client, compiled by tsconfig.client.json (this file is dist/src/report/ab-page.js). */
export const AB_CLIENT_URL = new URL('./client/ab.js', import.meta.url);

/** The data the page draws, from a judged job. */
export function abPageData(comparison: AbComparison, measurement: AbMeasurement, outcome: AbOutcome): AbPageData {
  const timed = measurement.runs.filter((run) => run.base.status === 'ok' && run.head.status === 'ok' && run.baseMs.length > 0);
  const rounds: AbPageData['rounds'] = [];
  for (let k = 0; k < measurement.rounds; k++) {
    const ratios = timed.flatMap((run) => {
      const base = run.baseMs[k];
      const head = run.headMs[k];
      return base === undefined || head === undefined ? [] : [Math.log(head / base)];
    });
    if (ratios.length > 0) rounds.push({ round: k + 1, ratio: Math.exp(medianOf(ratios)) });
  }
  const s = comparison.suite;
  return {
    title: `pinbench ab: ${measurement.head.label} against ${measurement.base.label} (suite ${measurement.suite})`,
    outcome: describeAbOutcome(comparison, outcome),
    state: s.state,
    reason: s.reason,
    ratio: s.ratio,
    ci: s.ci,
    threshold: comparison.options.threshold,
    confidence: comparison.options.confidence,
    estimator: comparison.options.estimator,
    runs: comparison.runs.map((r) => ({
      id: r.id,
      ratio: r.ratio,
      low: r.ci.low,
      high: r.ci.high,
      state: r.state,
      baseMs: r.baseMs,
      headMs: r.headMs,
      pAdjusted: r.pAdjusted,
    })),
    rounds,
  };
}

const CSS = `
body { margin:0; font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif; color:#1d1d1f; background:#fafafa; }
main { max-width: 1200px; margin: 0 auto; padding: 16px 20px 40px; }
h1 { font-size: 22px; margin: 0 0 6px; }
.banner { padding: 10px 14px; margin: 10px 0; border-radius: 6px; border-left: 6px solid #56B4E9; background: #fff; }
.banner.regressed { border-color: #D55E00; } .banner.improved { border-color: #009E73; }
table { border-collapse: collapse; font-size: 13px; background: #fff; }
th, td { padding: 3px 8px; border-bottom: 1px solid #d9d9de; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.plot { width: 100%; min-height: 440px; background: #fff; border: 1px solid #d9d9de; border-radius: 6px; margin: 12px 0; }
#plotly-missing { color: #fff; background: #D55E00; padding: 10px 20px; }
p.note { color: #5b5b60; max-width: 70em; }
`;

/** The page, as a string. Pure but for reading the compiled client once. */
export function renderAbPage(
  comparison: AbComparison,
  measurement: AbMeasurement,
  outcome: AbOutcome,
  plotlySrc: string,
): string {
  const data = abPageData(comparison, measurement, outcome);
  const s = comparison.suite;
  const rows: [string, string][] = [
    ['base', describeAbSide(measurement.base)],
    ['head', describeAbSide(measurement.head)],
    [
      'job',
      `${s.runs} runs timed x ${measurement.rounds} rounds, ${(measurement.durationMs / 1000).toFixed(1)} s, ${measurement.createdAt}`,
    ],
    [
      'machine',
      `${measurement.environment.cpuModel}, ${measurement.environment.cores} cores, node ${measurement.environment.node}; load average ${measurement.loadAverage.start.map((v) => v.toFixed(2)).join(' ')} → ${measurement.loadAverage.end.map((v) => v.toFixed(2)).join(' ')}`,
    ],
    [
      'suite ratio',
      `${ratioText(s.ratio)}, ${percentText(comparison.options.confidence)} interval ${s.ci ? intervalText(s.ci) : '—'}, Wilcoxon p ${s.p.toPrecision(2)}`,
    ],
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(data.title)}</title>
<style>${CSS}</style>
</head>
<body>
<div id="plotly-missing" hidden>plotly.js did not load: the page expects ${escapeHtml(plotlySrc)} beside index.html.</div>
<main>
<h1>${escapeHtml(data.title)}</h1>
<div class="banner ${escapeHtml(s.state)}"><strong>${escapeHtml(data.outcome)}</strong><br>${escapeHtml(s.reason)}</div>
<table>${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>
<p class="note">Each round times every run on both sides back to back (A B, then B A), so each ratio compares two samples taken
under the same load. The blue band is the suite's ${escapeHtml(percentText(comparison.options.confidence))} bootstrap interval (runs and rounds resampled);
the dashed lines are the noise band 1 ± ${escapeHtml(String(comparison.options.threshold))}. A regression needs the whole band above the upper dashed line.</p>
<div id="ab-runs" class="plot"></div>
<div id="ab-rounds" class="plot"></div>
</main>
<script src="${escapeHtml(plotlySrc)}"></script>
<script type="application/json" id="ab-data">${scriptJson(data)}</script>
<script>
${abClientScript()}
</script>
</body>
</html>
`;
}

let cached: string | undefined;

/** The client as a classic script: its `export {}` (it imports types only) and source-map line dropped. */
function abClientScript(): string {
  if (cached === undefined) {
    const text = readFileSync(AB_CLIENT_URL, 'utf8');
    cached = text
      .replace(/^export \{\};?\s*$/m, '')
      .replace(/^\/\/# sourceMappingURL=.*$/m, '')
      .replace(/<\/script/gi, '<\\/script');
  }
  return cached;
}
