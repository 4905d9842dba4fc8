import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AbComparison, AbMeasurement, AbOutcome } from '../compare/ab/types.js';
import { writeFileAtomic } from '../shared/write-file-atomic.js';
import { renderAbPage } from './ab-page.js';
import { copyPlotly, plotlyBundle, REPORT_FILE } from './write.js';

/**
 * Write the A/B page to `outDir/index.html` (atomically), with plotly.js copied beside it so it opens offline
 * from file://. Creates `outDir`.
 */
export async function writeAbReport(
  comparison: AbComparison,
  measurement: AbMeasurement,
  outcome: AbOutcome,
  outDir: string,
): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const bundle = plotlyBundle();
  await copyPlotly(outDir, bundle.path, bundle.fileName);
  const page = join(outDir, REPORT_FILE);
  await writeFileAtomic(page, renderAbPage(comparison, measurement, outcome, bundle.fileName));
  return page;
}
