import { dirname, join } from 'node:path';
import { loadResultSet } from '../../../results/load.js';
import type { ResultSet } from '../../../results/types.js';
import { PLOTLY_FILE } from '../../../report/render.js';
import { REPORT_FILE, writeReport } from '../../../report/write.js';
import { EXIT_OK, type ExitCode } from '../../errors.js';
import type { Io } from '../../io.js';
import { checkOutDir } from '../../out-dir.js';
import type { ReportArgs } from './args.js';

/** Load every results file (exit 2 naming the first bad one, nothing written), then write the report. */
export async function runReportCommand(args: ReportArgs, io: Io): Promise<ExitCode> {
  const sets: ResultSet[] = [];
  for (const file of args.results) sets.push(await loadResultSet(file));
  const outDir = checkOutDir(args.out ?? dirname(args.results[0] ?? '.'), '--out', [REPORT_FILE, PLOTLY_FILE]);
  await writeReport(sets, outDir, {
    inlinePlotly: args.inlinePlotly,
    title: args.title,
    labels: args.results,
    resultsDirs: args.results.map((file) => dirname(file)),
  });
  io.stdout(`report: ${join(outDir, REPORT_FILE)}\n`);
  return EXIT_OK;
}
