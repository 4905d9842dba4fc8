#!/usr/bin/env node
// Build step (`npm run build`, after tsc): minify plotly.js-dist's own file once into
// dist/src/report/vendor/plotly.js, the copy every report ships beside index.html (docs/report.md, "Speed").
// esbuild's minifier is the one plotly.js' own release build uses for plotly.min.js; nothing else is changed
// (no trace type dropped: it is still the full plotly.js-dist bundle). Cached: skipped when the copy's stamp
// (its first line) names the installed plotly.js-dist version and size. esbuild needs no install script: its
// platform binary comes as an optional dependency (@esbuild/linux-x64, ...), which a plain `npm ci` installs.
import { readFile, rename, rm, writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform, version as esbuildVersion } from 'esbuild';
import { installedPlotly, MINIFIED_PLOTLY_URL, minifiedPlotlyStamp, plotlyStampLine } from '../dist/src/report/plotly-bundle.js';

const target = fileURLToPath(MINIFIED_PLOTLY_URL);
const installed = installedPlotly();
if (minifiedPlotlyStamp(target) !== null) {
  console.log(`minify-plotly: ${target} is up to date (plotly.js-dist ${installed.version})`);
} else {
  const t0 = performance.now();
  const source = await readFile(installed.path, 'utf8');
  // The bundle's own header (name, version, copyright, licence) is an ordinary comment the minifier drops: keep it.
  const header = /^\/\*\*[\s\S]*?\*\//.exec(source)?.[0] ?? '';
  const { code } = await transform(source, { minify: true, legalComments: 'inline', charset: 'utf8' });
  const stamp = plotlyStampLine({ version: installed.version, bytes: installed.bytes, minifier: `esbuild@${esbuildVersion}` });
  const text = `${stamp}\n${header}\n${code}`;
  await mkdir(dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.tmp`;
  try {
    await writeFile(temp, text);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  console.log(
    `minify-plotly: plotly.js-dist ${installed.version} ${(installed.bytes / 1e6).toFixed(1)} MB -> ` +
      `${(Buffer.byteLength(text) / 1e6).toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s (${target})`,
  );
}
