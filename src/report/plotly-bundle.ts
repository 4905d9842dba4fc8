// Which plotly.js file the report ships beside index.html. The package is plotly.js-dist (the full bundle: every
// trace type, one file, no network); the build (scripts/minify-plotly.mjs, run by `npm run build`) minifies its
// own file once with esbuild, as plotly.js' release build minifies it into plotly.min.js, and stamps the copy
// with the version and size of the file it came from. A report uses that copy when the stamp matches the
// installed plotly.js-dist, and plotly.js-dist's own file otherwise (it draws the same charts, only slower).
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The plotly.js package the report uses. */
export const PLOTLY_PACKAGE = 'plotly.js-dist';

/** Where the build writes the minified copy of plotly.js-dist's file (dist/src/report/vendor/plotly.js). */
export const MINIFIED_PLOTLY_URL = new URL('./vendor/plotly.js', import.meta.url);

/** What the minified copy was made from: the first line of the copy says it. */
export interface PlotlyStamp {
  version: string;
  bytes: number;
  minifier: string;
}

const STAMP_RE = /^\/\*! pinbench: minified from plotly\.js-dist (\S+) \((\d+) bytes\) with (\S+) \*\/$/;

/** The first line of the minified copy. */
export function plotlyStampLine(stamp: PlotlyStamp): string {
  return `/*! pinbench: minified from plotly.js-dist ${stamp.version} (${stamp.bytes} bytes) with ${stamp.minifier} */`;
}

/** The stamp of a copy's first line, or null when it has none. */
export function parsePlotlyStamp(firstLine: string): PlotlyStamp | null {
  const m = STAMP_RE.exec(firstLine);
  if (m === null) return null;
  const [, version = '', bytes = '0', minifier = ''] = m;
  return { version, bytes: Number(bytes), minifier };
}

/** plotly.js-dist as installed: its file, version and size. */
export function installedPlotly(): { path: string; version: string; bytes: number } {
  const require = createRequire(import.meta.url);
  const path = require.resolve(PLOTLY_PACKAGE);
  const pkg = JSON.parse(readFileSync(join(dirname(path), 'package.json'), 'utf8')) as { version?: unknown };
  return { path, version: String(pkg.version), bytes: statSync(path).size };
}

/** The first line of a file (up to 512 bytes), or null when it cannot be read. */
function firstLine(path: string): string | null {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(512);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8').split('\n', 1)[0] ?? '';
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The minified copy's stamp when it was made from the installed plotly.js-dist, else null. */
export function minifiedPlotlyStamp(path: string = fileURLToPath(MINIFIED_PLOTLY_URL)): PlotlyStamp | null {
  const line = firstLine(path);
  const stamp = line === null ? null : parsePlotlyStamp(line);
  if (stamp === null) return null;
  const installed = installedPlotly();
  return stamp.version === installed.version && stamp.bytes === installed.bytes ? stamp : null;
}

/**
 * The plotly.js file a report ships: the build's minified copy of plotly.js-dist's file when it matches the
 * installed package (`minified` true), else plotly.js-dist's own file.
 */
export function plotlySource(): { path: string; minified: boolean } {
  const minified = fileURLToPath(MINIFIED_PLOTLY_URL);
  if (minifiedPlotlyStamp(minified) !== null) return { path: minified, minified: true };
  return { path: installedPlotly().path, minified: false };
}
