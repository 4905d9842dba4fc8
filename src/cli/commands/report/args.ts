import type { CommandSpec, ParsedCommandLine } from '../../options.js';

/** Arguments of `pinbench report`. */
export interface ReportArgs {
  results: string[];
  out?: string;
  inlinePlotly: boolean;
  title?: string;
}

const EPILOGUE = `The report is DIR/index.html, a single page that opens offline from file:// (plotly.js is copied
beside it as DIR/plotly.js, or inlined with --inline-plotly; nothing is fetched from the network).

What it shows, per strategy: hypercall traps and multicall entries per pin/unpin cycle against PTE pages, the
batch-size histogram and flush reasons, maximum preempt depth against the PREEMPT limit (2^PREEMPT_BITS),
PTE-lock and page_table_lock hold times, writer wait against vCPUs, write-protect faults (the race),
virtual throughput, and the toolkit's own wall-clock timings.

Units: model times are virtual nanoseconds (exact, deterministic for a seed); throughput is per virtual
second; the toolkit's timings are wall-clock milliseconds (noisy). "Per cycle" figures are totals over the
seeds divided by their pins (one pin + one unpin per cycle).

With two or more files the first is the baseline: the report adds a comparison view of every later file
against it (ratios current/baseline, changed exact metrics highlighted). Dropdowns pick the result set,
paging mode, vCPUs and the other parameters that vary.

Exit codes: 0 written; 2 bad input (missing file, not JSON, not a pinbench.results/v1 document, no runs).`;

export const reportSpec: CommandSpec = {
  name: 'report',
  summary: 'Render one or more results.json files as an HTML report (DIR/index.html, works offline).',
  positionals: [
    {
      name: 'results',
      required: true,
      variadic: true,
      describe: 'results.json files written by `pinbench run`; with several, the first is the baseline',
    },
  ],
  options: {
    out: {
      kind: 'string',
      valueName: 'DIR',
      short: 'o',
      defaultDescription: 'the directory of the first RESULTS file',
      describe: 'output directory; receives index.html and a copy of plotly.js',
    },
    'inline-plotly': {
      kind: 'boolean',
      describe: 'inline plotly.js (about 10 MB) into index.html instead of copying it beside the page, for a single-file report',
    },
    title: { kind: 'string', valueName: 'TEXT', defaultDescription: '"pinbench: SUITE"', describe: 'page title' },
  },
  epilogue: EPILOGUE,
  examples: [
    ['pinbench report reports/latest/results.json', 'write reports/latest/index.html'],
    ['pinbench report base.json new.json --out reports/cmp', 'compare new.json against base.json'],
  ],
};

export function reportArgs(parsed: ParsedCommandLine): ReportArgs {
  return {
    results: parsed.positionals.results as string[],
    out: parsed.options.out as string | undefined,
    inlinePlotly: parsed.options.inlinePlotly as boolean,
    title: parsed.options.title as string | undefined,
  };
}
