import { dirname, join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';

/** Parsed arguments of `pinbench report`. */
interface ReportArgs {
  results: string[];
  out?: string;
  inlinePlotly: boolean;
  title?: string;
}

const EPILOGUE = `The report is DIR/index.html, a single page that opens offline from file:// (plotly.js is copied
beside it as DIR/plotly-basic.min.js, or inlined with --inline-plotly; nothing is fetched from the network).

What it shows, per strategy: hypercall traps and multicall entries per pin/unpin cycle against PTE pages, the
batch-size histogram and flush reasons, maximum preempt depth against the PREEMPT limit (2^PREEMPT_BITS),
PTE-lock and page_table_lock hold times, writer wait against vCPUs, write-protect faults (the race),
virtual throughput, and the toolkit's own wall-clock timings.

Units: model times are virtual nanoseconds (exact, deterministic for a seed); throughput is per virtual
second; the toolkit's timings are wall-clock milliseconds (noisy). "Per cycle" figures are run totals
divided by the number of pins (one pin + one unpin per cycle).

With two or more files the first is the baseline: the report adds a comparison view of every later file
against it (ratios current/baseline, changed exact metrics highlighted). Dropdowns pick the result set,
paging mode, vCPUs and the other parameters that vary.

Exit codes: 0 written; 2 bad input (missing file, not JSON, not a ${'pinbench.results/v1'} document, no runs).`;

/** `pinbench report RESULTS.json [MORE.json ...] --out DIR`: render result sets as an HTML report. */
export const reportCommand: CommandModule = {
  command: 'report <results..>',
  describe: 'Render one or more results.json files as an HTML report (DIR/index.html, works offline)',
  builder: (yargs: Argv) =>
    yargs
      .positional('results', {
        describe: 'results.json files written by `pinbench run`; with several, the first is the baseline',
        type: 'string',
        demandOption: true,
      })
      .option('out', {
        alias: 'o',
        describe: 'output directory; receives index.html and a copy of plotly.js (default: the directory of the first RESULTS file)',
        type: 'string',
        requiresArg: true,
      })
      .option('inline-plotly', {
        describe: 'inline plotly.js (about 1.2 MB) into index.html instead of copying it beside the page, for a single-file report',
        type: 'boolean',
        default: false,
      })
      .option('title', {
        describe: 'page title (default: "pinbench: SUITE")',
        type: 'string',
        requiresArg: true,
      })
      .epilogue(EPILOGUE)
      .example('$0 report reports/latest/results.json', 'write reports/latest/index.html')
      .example('$0 report base.json new.json --out reports/cmp', 'compare new.json against base.json'),
  handler: async (argv) => {
    const args = argv as unknown as ReportArgs;
    // Lazy: loading the report code (and checking plotly's location) only when this command runs.
    const { loadResultSet, writeReport } = await import('../../report/index.js');
    const sets = [];
    for (const file of args.results) sets.push(await loadResultSet(file));
    const outDir = args.out ?? dirname(args.results[0]);
    await writeReport(sets, outDir, { inlinePlotly: args.inlinePlotly, title: args.title, labels: args.results });
    process.stdout.write(`report: ${join(outDir, 'index.html')}\n`);
  },
};

export default reportCommand;
