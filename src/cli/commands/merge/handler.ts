import { join } from 'node:path';
import { loadResultSet } from '../../../results/load.js';
import type { ErrorRun, InvalidRun } from '../../../results/types.js';
import { RESULTS_FILE_NAME, writeResultSet } from '../../../results/write.js';
import { type MergePart, mergeParts } from '../../../runner/merge.js';
import { EXIT_OK, EXIT_RUN_FAILED, type ExitCode } from '../../errors.js';
import { type Io, outputColumns } from '../../io.js';
import { checkOutDir } from '../../out-dir.js';
import { DEFAULT_SUMMARY_COLUMNS, summaryTable } from '../../summary-table.js';
import type { MergeArgs } from './args.js';

/** Runs named in the closing line before "and N more". */
const RUNS_NAMED = 5;

/**
 * Load every part (exit 2 naming the first bad one), check that they belong together and merge them (exit 2 naming
 * what differs or is missing; nothing written), write results.json and the report, print the summary.
 */
export async function runMergeCommand(args: MergeArgs, io: Io): Promise<ExitCode> {
  const parts: MergePart[] = [];
  for (const file of args.parts) parts.push({ file, set: await loadResultSet(file, { allowEmpty: true }) });
  const outDir = checkOutDir(
    args.out,
    '--out',
    args.report ? [RESULTS_FILE_NAME, 'index.html', 'plotly.js'] : [RESULTS_FILE_NAME],
  );
  const { set, missingShards, missingRuns, machines } = mergeParts(parts, { allowMissing: args.allowMissing, outDir });
  const resultsPath = join(outDir, RESULTS_FILE_NAME);
  await writeResultSet(resultsPath, set);
  let reportPath: string | undefined;
  if (args.report && set.runs.length > 0) {
    try {
      const { writeReport, REPORT_FILE } = await import('../../../report/write.js');
      await writeReport([set], outDir);
      reportPath = join(outDir, REPORT_FILE);
    } catch (error) {
      io.stderr(`pinbench: the HTML report was not written: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }

  const say = (line: string): void => {
    if (!args.quiet) io.stderr(`${line}\n`);
  };
  const shards = set.merged?.shards ?? parts.length;
  say(
    `pinbench: merged ${set.runs.length} of ${set.plannedRuns ?? set.runs.length} runs from ${parts.length} of ${shards} parts (suite ${set.suite})`,
  );
  if (missingRuns > 0) {
    say(
      `pinbench: --allow-missing: ${missingRuns} runs missing${missingShards.length > 0 ? ` (shards ${missingShards.join(', ')} not given)` : ''}; the set is marked partial`,
    );
  }
  if (machines.length > 0) {
    say(
      `pinbench: the parts ran on ${machines.length} different machines (${machines.join('; ')}): wall-clock figures are not comparable across them; exact metrics are`,
    );
  }
  if (args.json) io.stdout(`${JSON.stringify(set, null, 2)}\n`);
  else if (!args.quiet && set.runs.length > 0) {
    const report = reportPath === undefined ? '' : `report:  ${reportPath}\n`;
    io.stdout(
      `\n${summaryTable(set, { columns: outputColumns(io, DEFAULT_SUMMARY_COLUMNS) })}results: ${resultsPath}\n${report}`,
    );
  } else if (!args.quiet) io.stdout(`results: ${resultsPath}\n`);

  const failed = set.runs.filter((r): r is ErrorRun => r.status === 'error');
  const invalid = set.runs.filter((r): r is InvalidRun => r.status === 'invalid');
  const name = (rs: Array<{ id: string }>) =>
    `${rs
      .slice(0, RUNS_NAMED)
      .map((r) => r.id)
      .join('; ')}${rs.length > RUNS_NAMED ? `; and ${rs.length - RUNS_NAMED} more` : ''}`;
  if (failed.length > 0) io.stderr(`pinbench: ${failed.length} of ${set.runs.length} merged runs failed: ${name(failed)}\n`);
  if (invalid.length > 0) io.stderr(`pinbench: ${invalid.length} of ${set.runs.length} merged runs invalid: ${name(invalid)}\n`);
  return failed.length > 0 || invalid.length > 0 ? EXIT_RUN_FAILED : EXIT_OK;
}
