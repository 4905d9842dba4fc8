import type { CommandSpec, ParsedCommandLine } from '../../options.js';

/** Arguments of `pinbench merge`. */
export interface MergeArgs {
  parts: string[];
  out: string;
  allowMissing: boolean;
  report: boolean;
  quiet: boolean;
  json: boolean;
}

const EPILOGUE = `The parts are the results.json files of one \`pinbench run ... --shard i/n\` command, run as n jobs (a CI
matrix). merge checks that they belong together (the same plan: suite, run ids and parameters; the same
pinbench version and commit, cost profiles and run limits; the same number of parts), that no part is given
twice and no run is in two parts, and that none is missing. It writes one result set with every run in plan
order (OUT/results.json) and its report (OUT/index.html). Exact metrics are those of an unsharded run: each run is
a function of its parameters and seed, wherever it ran. Wall-clock figures come from the machines of the parts
(merged.parts records each); merge says so when they differ.

Trace links (\`run --trace\`) are rewritten relative to OUT, so the report finds the parts' trace files where they
are.

Exit codes: 0 merged; 1 merged, but some run failed or is invalid (they are named, as by run); 2 bad input: a file
that is missing or not a part, parts of different runs, a part given twice, a run in two parts, a part or a run
missing without --allow-missing (nothing is written).`;

export const mergeSpec: CommandSpec = {
  name: 'merge',
  summary: 'Merge the results.json of the parts of a sharded run (run --shard i/n) into one result set and report.',
  positionals: [
    { name: 'parts', required: true, variadic: true, describe: 'results.json of each part (run --shard i/n), in any order' },
  ],
  options: {
    out: {
      kind: 'string',
      valueName: 'DIR',
      short: 'o',
      default: 'reports/merged',
      describe: 'directory that receives the merged results.json and index.html; created if missing',
    },
    'allow-missing': {
      kind: 'boolean',
      describe:
        'merge what is there when parts or runs are missing (a failed or cancelled job): the set is marked partial, with plannedRuns the whole plan',
    },
    report: { kind: 'boolean', default: true, describe: 'write the HTML report beside results.json' },
    json: { kind: 'boolean', describe: 'print the merged result set as JSON on stdout instead of the summary table' },
    quiet: { kind: 'boolean', short: 'q', describe: 'no summary; errors only' },
  },
  epilogue: EPILOGUE,
  examples: [
    ['pinbench merge parts/*/results.json --out reports/merged', 'join every part'],
    ['pinbench merge parts/*/results.json --allow-missing', 'join what is there after a failed job'],
  ],
};

export function mergeArgs(parsed: ParsedCommandLine): MergeArgs {
  const o = parsed.options;
  return {
    parts: parsed.positionals.parts as string[],
    out: o.out as string,
    allowMissing: o.allowMissing as boolean,
    report: o.report as boolean,
    quiet: o.quiet as boolean,
    json: o.json as boolean,
  };
}
