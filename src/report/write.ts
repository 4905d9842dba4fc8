import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResultSet } from '../results/types.js';
import { writeFileAtomic } from '../shared/write-file-atomic.js';
import { PLOTLY_PACKAGE, plotlySource } from './plotly-bundle.js';
import { PLOTLY_FILE, renderComparison, renderReport } from './render.js';
import type { ReportOptions, WriteReportOptions } from './types.js';

/** Name of the page writeReport writes in its directory. */
export const REPORT_FILE = 'index.html';

export { PLOTLY_PACKAGE };

/**
 * The plotly.js file a report ships (`path`: the build's minified copy of plotly.js-dist's own file, or that
 * file itself when the copy is missing or was made from another version; plotly-bundle.ts), and the name the
 * report gives its copy.
 */
export function plotlyBundle(): { path: string; fileName: string; minified: boolean } {
  return { ...plotlySource(), fileName: PLOTLY_FILE };
}

/** Copy plotly.js beside the page, unless an up-to-date copy of the same size is there; atomic like the page. */
export async function copyPlotly(outDir: string, source: string, fileName: string): Promise<void> {
  const target = join(outDir, fileName);
  const [from, to] = await Promise.all([stat(source), stat(target).catch(() => null)]);
  if (to && to.size === from.size && to.mtimeMs >= from.mtimeMs) return;
  await writeFileAtomic(target, await readFile(source));
}

async function pageOptions(outDir: string, options: WriteReportOptions): Promise<ReportOptions> {
  const common: ReportOptions = { title: options.title, view: options.view, labels: options.labels, verdicts: options.verdicts };
  const bundle = plotlyBundle();
  if (options.inlinePlotly) return { ...common, plotly: { inline: await readFile(bundle.path, 'utf8') } };
  await copyPlotly(outDir, bundle.path, bundle.fileName);
  return { ...common, plotly: { src: bundle.fileName } };
}

/**
 * Write the report of `resultSets` to `outDir/index.html` (atomically), with plotly.js copied beside it
 * (or inlined with `inlinePlotly`), so the page opens offline from file://. Creates `outDir`.
 */
export async function writeReport(
  resultSets: readonly ResultSet[],
  outDir: string,
  options: WriteReportOptions = {},
): Promise<void> {
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
