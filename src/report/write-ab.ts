import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AbComparison, AbMeasurement, AbOutcome } from '../compare/ab/types.js';
import { writeFileAtomic } from '../shared/write-file-atomic.js';
import { renderAbPage } from './ab-page.js';
import { plotlyBundle, REPORT_FILE } from './write.js';

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
  const target = join(outDir, bundle.fileName);
  const [from, to] = await Promise.all([stat(bundle.path), stat(target).catch(() => null)]);
  if (!(to && to.size === from.size && to.mtimeMs >= from.mtimeMs)) await writeFileAtomic(target, await readFile(bundle.path));
  const page = join(outDir, REPORT_FILE);
  await writeFileAtomic(page, renderAbPage(comparison, measurement, outcome, bundle.fileName));
  return page;
}
