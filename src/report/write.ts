import { copyFile, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ResultSet } from '../runner/types.js';
import { renderComparison, renderReport } from './render.js';
import type { ReportOptions, WriteReportOptions } from './types.js';

/** Name of the page writeReport writes in its directory. */
export const REPORT_FILE = 'index.html';

/**
 * plotly.js bundles the report can use, lightest first. The basic bundle has every trace type the report
 * draws (scatter, bar, error bars) and starts in about a seventh of the full bundle's CPU time (0.35 s against
 * 2.5 s in headless Chromium here): the full one also sets up maps, 3D and WebGL, 10 MB of script for nothing
 * here. The full bundle is the fallback.
 */
export const PLOTLY_BUNDLES: ReadonlyArray<{ pkg: string; fileName: string }> = [
  { pkg: 'plotly.js-basic-dist-min', fileName: 'plotly-basic.min.js' },
  { pkg: 'plotly.js-dist', fileName: 'plotly.js' },
];

/** The plotly.js bundle installed with pinbench: its path and the name the report gives its copy. */
export function plotlyBundle(): { path: string; fileName: string } {
  const require = createRequire(import.meta.url);
  for (const { pkg, fileName } of PLOTLY_BUNDLES) {
    try {
      return { path: require.resolve(pkg), fileName };
    } catch {
      // Not installed: try the next bundle.
    }
  }
  throw new Error(`no plotly.js bundle found: install one of ${PLOTLY_BUNDLES.map((b) => b.pkg).join(', ')}`);
}

/** Write `data` to `path` atomically: a temporary file in the same directory, then rename. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

/** Copy plotly.js beside the page, unless an up-to-date copy of the same size is there; atomic like the page. */
async function copyPlotly(outDir: string, source: string, fileName: string): Promise<void> {
  const target = join(outDir, fileName);
  const [from, to] = await Promise.all([stat(source), stat(target).catch(() => null)]);
  if (to && to.size === from.size && to.mtimeMs >= from.mtimeMs) return;
  const tmp = `${target}.${process.pid}.tmp`;
  await copyFile(source, tmp);
  await rename(tmp, target);
}

async function pageOptions(outDir: string, options: WriteReportOptions): Promise<ReportOptions> {
  const common: ReportOptions = { title: options.title, view: options.view, labels: options.labels };
  const bundle = plotlyBundle();
  if (options.inlinePlotly) return { ...common, plotly: { inline: await readFile(bundle.path, 'utf8') } };
  await copyPlotly(outDir, bundle.path, bundle.fileName);
  return { ...common, plotly: { src: bundle.fileName } };
}

/**
 * Write the report of `resultSets` to `outDir/index.html` (atomically), with plotly.js copied beside it
 * (or inlined with `inlinePlotly`), so the page opens offline from file://. Creates `outDir`.
 */
export async function writeReport(resultSets: readonly ResultSet[], outDir: string, options: WriteReportOptions = {}): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const html = renderReport(resultSets, await pageOptions(outDir, options));
  await writeFileAtomic(join(outDir, REPORT_FILE), html);
}

/** Write a comparison-only page of `current` against `baseline` to `outDir/index.html`, like writeReport. */
export async function writeComparisonReport(
  baseline: ResultSet,
  current: ResultSet,
  outDir: string,
  options: WriteReportOptions = {},
): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const html = renderComparison(baseline, current, await pageOptions(outDir, options));
  await writeFileAtomic(join(outDir, REPORT_FILE), html);
}
