import type { CommandEntry } from '../command.js';

// Every command of `pinbench`, in the order --help lists them. A command is a folder `commands/NAME/` with
// args.ts, command.ts and handler.ts; to add one (`ab`, `explore`, `replay`, `merge`), write the folder and add
// a line here. Nothing else of a command is loaded until it runs.

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'run',
    summary: 'Run a benchmark suite (default: `default`) or an ad-hoc matrix; write OUT/results.json',
    load: () => import('./run/command.js'),
  },
  { name: 'list', summary: 'List strategies, suites, cost profiles or scenarios', load: () => import('./list/command.js') },
  {
    name: 'merge',
    summary: 'Merge the parts of a sharded run (run --shard i/n) into one results.json and report',
    load: () => import('./merge/command.js'),
  },
  {
    name: 'report',
    summary: 'Render results.json files as an HTML report that works offline',
    load: () => import('./report/command.js'),
  },
  {
    name: 'compare',
    summary: 'Compare a results.json with a baseline: exact metrics must match, wall clock is tested',
    load: () => import('./compare/command.js'),
  },
  {
    name: 'ab',
    summary: 'Interleaved A/B of two revisions (or strategy modules) on this machine: a wall-clock verdict you can gate on',
    load: () => import('./ab/command.js'),
  },
  {
    name: 'baseline',
    summary: 'Manage the committed baselines (reports/baselines/SUITE.json) that compare checks against',
    load: () => import('./baseline/command.js'),
  },
  {
    name: 'explore',
    summary: 'Explore every schedule of a small configuration up to a preemption bound; write the shortest counterexample',
    load: () => import('./explore/command.js'),
  },
  {
    name: 'replay',
    summary: 'Run a schedule file written by explore again, step by step; exit 5 when its violation shows again',
    load: () => import('./replay/command.js'),
  },
  {
    name: 'profile',
    summary: 'Profile the simulator on a suite with clinic.js (flame, doctor) or V8 CPU profiles',
    load: () => import('./profile/command.js'),
  },
];
