import { mkdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { TraceDocument } from '../scenarios/trace/types.js';
import type { ResultSet } from '../results/types.js';
import { writeFileAtomic } from '../shared/write-file-atomic.js';
import { PLOTLY_PACKAGE, plotlySource } from './plotly-bundle.js';
import { PLOTLY_FILE, renderComparison, renderReport } from './render.js';
import { excerptAroundFirstFault, MAX_EXCERPT_TRACE_BYTES, type TimelineExcerpt, timelinePicks, traceHref } from './traces.js';
import type { ReportOptions, WriteReportOptions } from './options.js';

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
  const resultsDirs = resultSets.map((_, i) => resolve(options.resultsDirs?.[i] ?? outDir));
  const traceDirs = resultsDirs.map((dir) => relative(resolve(outDir), dir).split(sep).join('/'));
  const timelines = await readTimelines(resultSets, resultsDirs, traceDirs);
  const html = renderReport(resultSets, { ...(await pageOptions(outDir, options)), traceDirs, timelines });
  await writeFileAtomic(join(outDir, REPORT_FILE), html);
}

/**
 * The race timelines: for each strategy that faulted in a traced racing run, its first such run's trace, read and cut
 * around the first fault. A trace that is missing, unreadable or larger than MAX_EXCERPT_TRACE_BYTES gets a sentence
 * instead of a drawing; the report is written either way.
 */
async function readTimelines(
  sets: readonly ResultSet[],
  resultsDirs: readonly string[],
  traceDirs: readonly string[],
): Promise<TimelineExcerpt[]> {
  const out: TimelineExcerpt[] = [];
  for (const pick of timelinePicks(sets)) {
    const href = traceHref(traceDirs, pick.set, pick.file);
    const none = (caption: string): TimelineExcerpt => ({ pick, href, events: [], fromUs: 0, toUs: 0, fault: null, caption });
    const path = join(resultsDirs[pick.set] ?? '.', pick.file);
    try {
      const size = (await stat(path)).size;
      if (size > MAX_EXCERPT_TRACE_BYTES) {
        out.push(none(`The trace is ${(size / 2 ** 20).toFixed(0)} MiB, too large to draw here: open the trace file.`));
        continue;
      }
      const doc = JSON.parse(await readFile(path, 'utf8')) as TraceDocument;
      out.push(excerptAroundFirstFault(doc, pick, href));
    } catch (error) {
      out.push(none(`The trace could not be read (${error instanceof Error ? error.message : String(error)}).`));
    }
  }
  return out;
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
