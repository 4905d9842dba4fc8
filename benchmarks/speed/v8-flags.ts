/**
 * Does a set of V8 flags make the engine faster (issue 12)? Measured the only way that means something on this
 * shared machine: child processes of the same build run alternately without the flags (the baseline) and with each
 * candidate set, round after round (A B, B A, ...: the order reverses every round), and each candidate's figure
 * is the median over rounds of its paired ratio to the baseline child of the same round, with [min-max]. CPU time
 * of one process is itself bimodal here (another tenant on the sibling hyperthread), so only pairs and medians over
 * many processes say anything; one child against another says nothing.
 *
 *   npm run bench:v8flags -- [--flags="FLAG ..."]... [--pairs N] [--suite-pairs N] [--suite NAME] [--only PARTS] [--via argv|env] [--json]
 *
 * Parts (`--only cycle,race,suite`, default all three):
 * - cycle: each child is engine-probe.js in cycle mode: per strategy (the five of the issue), CPU ms per pin+unpin
 *   cycle of a dense 4level mm of 32,768 PTE pages on 1 vCPU, as a slope over CYCLES cycles (setup excluded), after
 *   a warm-up of 1 + CYCLES cycles, REPS repetitions; the child's figure is the median of its repetitions.
 *   Ratio: baseline ms / candidate ms (above 1: the flags are faster).
 * - race: engine-probe.js in race mode: 4 vCPUs racing on 1,024 PTE pages, simulated events per CPU second (median
 *   of RACE_REPS repetitions). Ratio: candidate / baseline.
 * - suite: `pinbench run SUITE --workers 1` as a child on each side (`--suite-pairs` pairs, default 1: it takes
 *   about half a minute a side): wall seconds and CPU seconds (bash's `times`). Ratio: baseline / candidate.
 *
 * Both sides run with PINBENCH_V8_FLAGS set to the empty string, which turns off pinbench's own V8 tuning
 * (src/shared/v8-tuning.ts), so that each side runs with exactly the flags given here. `--via argv` (default) puts
 * a candidate's flags on the child's node command line (V8's flags are process-wide: the suite's worker threads
 * run with them too); `--via env` gives them in PINBENCH_V8_FLAGS instead, so that pinbench sets them itself at run
 * time with v8.setFlagsFromString (the path pinbench takes): the two should measure alike.
 *
 * The decision rule of issue 12 (round 5) is printed for each candidate: per-pte-deferred's cycle at least 1.10x
 * faster, and no figure (cycle, race, the suite's wall time) slower than 0.98x.
 */
import { benchArgs } from './bench-args.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { defined } from '../../src/shared/defined.js';
import { V8_FLAGS } from '../../src/shared/v8-tuning.js';

const CYCLE_STRATEGIES = ['per-pte-deferred', 'unlocked', 'mm-lock', 'whole-lock', 'unbatched'];
const RACE_STRATEGIES = ['per-pte-deferred', 'unlocked', 'mm-lock'];
const CYCLE_PTE_PAGES = 32_768;
/** Cycles per slope, and slopes per child (the child's figure is their median). */
const CYCLES = 16;
const REPS = 5;
const RACE_PTE_PAGES = 1024;
const RACE_VCPUS = 4;
const RACE_REPS = 4;
/** The candidate measured when no `--flags` is given: pinbench's own flags (src/shared/v8-tuning.ts). */
const DEFAULT_CANDIDATE = V8_FLAGS.join(' ');
const PARTS = ['cycle', 'race', 'suite'] as const;
type Part = (typeof PARTS)[number];

const usage =
  'usage: npm run bench:v8flags -- [--flags="FLAG ..."]... [--pairs N] [--suite-pairs N] [--suite NAME] [--only PARTS] [--via argv|env] [--json]';
const bench = benchArgs('v8-flags', usage, PARTS);
const { positiveInt, parseParts } = bench;
/** Exits 2 (an explicit type, so that control flow knows it returns never). */
const fail: (message: string) => never = bench.fail;

const args = bench.parse({
  flags: { type: 'string', multiple: true },
  pairs: { type: 'string' },
  'suite-pairs': { type: 'string' },
  suite: { type: 'string' },
  only: { type: 'string' },
  via: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
});
if (args.help) {
  process.stdout.write(`${usage}

Runs child processes of this build alternately without and with each set of V8 flags (A B, B A, ...) and prints,
per strategy, the median of the paired ratios (baseline / candidate time: above 1 is faster) with [min-max] and
each side's median. CPU time throughout, except the suite's wall time.

--flags="FLAG ..." a candidate set of V8 flags, space-separated (default: ${DEFAULT_CANDIDATE}); give it again
                    to measure several candidates against the same baseline children, all in each round
--pairs N           rounds of the cycle and race parts (default 8): each round runs one baseline child and one
                    child per candidate, the order reversed every other round
--suite-pairs N     rounds of the suite part (default 1)
--suite NAME        the suite of the suite part (default: default), run as \`pinbench run NAME --workers 1\`
--only PARTS        comma-separated: cycle, race, suite (default: all three)
--via argv|env      how a candidate's flags reach the child: on node's command line (argv, default), or in
                    PINBENCH_V8_FLAGS, which pinbench applies itself with v8.setFlagsFromString (env)
--json              print every figure as JSON instead of tables

Both sides run with PINBENCH_V8_FLAGS= (empty: pinbench's own V8 tuning off), so each runs exactly the flags given.
`);
  process.exit(0);
}

const pairs = positiveInt('pairs', args.pairs, 8);
const suitePairs = positiveInt('suite-pairs', args['suite-pairs'], 1);
const suite = args.suite ?? 'default';
const via = args.via ?? 'argv';
if (via !== 'argv' && via !== 'env') fail(`--via: ${JSON.stringify(via)} is not allowed; expected argv or env`);
const parts = new Set<Part>(args.only === undefined ? PARTS : parseParts(args.only));

/** The candidates, each a list of flags; every flag must be one node accepts (checked by starting node with it). */
const candidates: string[][] = (args.flags ?? [DEFAULT_CANDIDATE]).map((set) => {
  const flags = set.split(/\s+/).filter((f) => f !== '');
  if (flags.length === 0)
    fail('--flags: an empty set is not allowed; expected one or more V8 flags such as --max-inlined-bytecode-size=920');
  for (const flag of flags) {
    if (!/^--[a-z0-9][a-z0-9_-]*(=\S+)?$/.test(flag))
      fail(`--flags: ${JSON.stringify(flag)} is not allowed; expected V8 flags of the form --name or --name=value`);
  }
  const check = spawnSync(process.execPath, [...flags, '-e', ''], { encoding: 'utf8' });
  if (check.status !== 0)
    fail(`--flags: node does not accept ${JSON.stringify(flags.join(' '))}: ${check.stderr.trim().split('\n')[0] ?? ''}`);
  return flags;
});

const here = dirname(fileURLToPath(import.meta.url)); // dist/benchmarks/speed
const root = resolve(here, '..', '..', '..');
const dist = join(root, 'dist');
const probe = join(here, 'engine-probe.js');
const scratch = mkdtempSync(join(tmpdir(), 'pinbench-v8-flags-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

/** A side: the baseline (no flags) or a candidate. */
interface Side {
  name: string;
  flags: string[];
}
const sides: Side[] = [{ name: 'baseline', flags: [] }, ...candidates.map((flags) => ({ name: flags.join(' '), flags }))];

/** node's arguments and the environment of a child of this side. */
function launch(side: Side): { argv: string[]; env: NodeJS.ProcessEnv } {
  const env = { ...process.env, PINBENCH_V8_FLAGS: via === 'env' ? side.flags.join(' ') : '', PINBENCH_PROBE_CLOCK: 'cpu' };
  return { argv: via === 'argv' ? side.flags : [], env };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? defined(s[m]) : (defined(s[m - 1]) + defined(s[m])) / 2;
};
const spread = (xs: number[], digits = 2): string => `[${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)}]`;

type ProbeOut = Array<{ strategy: string; builds: Array<{ values: number[]; events: number }> }>;

/** One engine-probe child of `side`: per strategy, the median of its repetitions. */
function probeChild(side: Side, mode: 'cycle' | 'race'): Map<string, number> {
  const { argv, env } = launch(side);
  const probeArgs =
    mode === 'cycle'
      ? [CYCLE_STRATEGIES.join(','), String(CYCLE_PTE_PAGES), String(CYCLES), String(REPS)]
      : [RACE_STRATEGIES.join(','), String(RACE_PTE_PAGES), String(RACE_VCPUS), String(RACE_REPS)];
  const r = spawnSync(process.execPath, [...argv, probe, mode, ...probeArgs, dist], {
    encoding: 'utf8',
    env,
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) fail(`the ${mode} probe of ${side.name} failed (exit ${r.status}): ${r.stderr || r.error?.message}`);
  const out = JSON.parse(r.stdout) as ProbeOut;
  return new Map(out.map((row) => [row.strategy, median(defined(row.builds[0]).values)]));
}

/** Children's user + system seconds from the last line of bash's `times` ("0m1.239s 0m0.010s"). */
function childCpuSeconds(stdout: string): number {
  const m = /^(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s$/.exec(stdout.trim().split('\n').at(-1) ?? '');
  if (m === null) fail(`could not read the CPU time of a suite run from ${JSON.stringify(stdout.slice(-200))}`);
  const [um, us, sm, ss] = m.slice(1).map(Number);
  return (um ?? Number.NaN) * 60 + (us ?? Number.NaN) + (sm ?? Number.NaN) * 60 + (ss ?? Number.NaN);
}

/** `pinbench run SUITE --workers 1` of `side`: wall and CPU seconds (all threads, from bash's `times`). */
function suiteChild(side: Side, round: number): { wall: number; cpu: number; load: number } {
  const { argv, env } = launch(side);
  const out = join(scratch, `suite-${round}-${sides.indexOf(side)}`);
  const load = loadavg()[0] ?? 0;
  const t0 = performance.now();
  const r = spawnSync(
    'bash',
    [
      '-c',
      '"$@"; status=$?; times; exit $status',
      'bash',
      process.execPath,
      ...argv,
      join(dist, 'src', 'cli', 'main.js'),
      'run',
      suite,
      '--workers',
      '1',
      '--no-report',
      '--quiet',
      '--out',
      out,
    ],
    { encoding: 'utf8', env, maxBuffer: 64 << 20 },
  );
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) fail(`pinbench run ${suite} of ${side.name} exited ${r.status}: ${r.stderr}`);
  return { wall, cpu: childCpuSeconds(r.stdout), load };
}

/** The order of the sides in round r: forwards, then backwards (A B, B A, ...). */
const orderOf = (r: number): Side[] => (r % 2 === 0 ? sides : [...sides].reverse());

// ---- the rounds ----
/** Per part, per side (by index), per round: the child's figures. */
const cycle = sides.map(() => [] as Array<Map<string, number>>);
const race = sides.map(() => [] as Array<Map<string, number>>);
const suiteRuns = sides.map(() => [] as Array<{ wall: number; cpu: number; load: number }>);
const loads: number[] = [];
const t0 = performance.now();
for (let r = 0; r < pairs && (parts.has('cycle') || parts.has('race')); r++) {
  loads.push(loadavg()[0] ?? 0);
  process.stderr.write(
    `v8-flags: round ${r + 1} of ${pairs} (load ${loads.at(-1)?.toFixed(1)}, ${((performance.now() - t0) / 1000).toFixed(0)} s)\n`,
  );
  for (const side of orderOf(r)) {
    const k = sides.indexOf(side);
    if (parts.has('cycle')) defined(cycle[k]).push(probeChild(side, 'cycle'));
    if (parts.has('race')) defined(race[k]).push(probeChild(side, 'race'));
  }
}
for (let r = 0; r < suitePairs && parts.has('suite'); r++) {
  for (const side of orderOf(r)) {
    process.stderr.write(`v8-flags: suite ${suite} round ${r + 1} of ${suitePairs}: ${side.name}\n`);
    defined(suiteRuns[sides.indexOf(side)]).push(suiteChild(side, r));
  }
}

// ---- the figures ----
interface Row {
  figure: string;
  unit: string;
  baseline: number[];
  candidate: number[];
  /** Per round: the candidate's speed-up over the baseline child of the same round (above 1: faster). */
  ratios: number[];
}
const rowsOf = (k: number): Row[] => {
  const rows: Row[] = [];
  const b = defined(cycle[0]);
  const c = defined(cycle[k]);
  if (parts.has('cycle')) {
    for (const s of CYCLE_STRATEGIES) {
      const base = b.map((m) => defined(m.get(s)));
      const cand = c.map((m) => defined(m.get(s)));
      rows.push({
        figure: `cycle ${s}`,
        unit: 'CPU ms/cycle',
        baseline: base,
        candidate: cand,
        ratios: base.map((x, i) => x / defined(cand[i])),
      });
    }
  }
  if (parts.has('race')) {
    for (const s of RACE_STRATEGIES) {
      const base = defined(race[0]).map((m) => defined(m.get(s)) / 1e6);
      const cand = defined(race[k]).map((m) => defined(m.get(s)) / 1e6);
      rows.push({
        figure: `race ${s}`,
        unit: 'M events/CPU s',
        baseline: base,
        candidate: cand,
        ratios: cand.map((x, i) => x / defined(base[i])),
      });
    }
  }
  if (parts.has('suite')) {
    for (const what of ['wall', 'cpu'] as const) {
      const base = defined(suiteRuns[0]).map((x) => x[what]);
      const cand = defined(suiteRuns[k]).map((x) => x[what]);
      rows.push({
        figure: `suite ${suite} --workers 1 ${what}`,
        unit: what === 'wall' ? 'wall s' : 'CPU s',
        baseline: base,
        candidate: cand,
        ratios: base.map((x, i) => x / defined(cand[i])),
      });
    }
  }
  return rows;
};

/** The decision rule of issue 12 round 5: per-pte-deferred 1.10x or more, and nothing slower than 0.98x. */
function verdict(rows: Row[]): string {
  const ppd = rows.find((r) => r.figure === 'cycle per-pte-deferred');
  const gating = rows.filter((r) => !r.figure.endsWith(' cpu'));
  const slower = gating.filter((r) => median(r.ratios) < 0.98).map((r) => r.figure);
  if (ppd === undefined) return 'decision rule not applied (the cycle part was not measured)';
  const fast = median(ppd.ratios) >= 1.1;
  return `decision rule (per-pte-deferred >= 1.10x, nothing under 0.98x): ${fast && slower.length === 0 ? 'PASS' : 'FAIL'}${
    fast ? '' : ` (per-pte-deferred ${median(ppd.ratios).toFixed(3)}x)`
  }${slower.length > 0 ? ` (slower: ${slower.join(', ')})` : ''}${parts.has('suite') ? '' : ' (suite not measured)'}`;
}

const result = {
  node: process.version,
  via,
  pairs,
  suitePairs,
  parts: [...parts],
  loads,
  suiteLoads: suiteRuns.map((runs) => runs.map((x) => x.load)),
  settings: { CYCLE_PTE_PAGES, CYCLES, REPS, RACE_PTE_PAGES, RACE_VCPUS, RACE_REPS },
  candidates: sides.slice(1).map((side, i) => {
    const rows = rowsOf(i + 1);
    return { flags: side.flags, rows, verdict: verdict(rows) };
  }),
};
if (args.json) {
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.exit(0);
}
const probed = parts.has('cycle') || parts.has('race');
const lines = [
  `node ${process.version}; sides alternated A B / B A; flags via ${via}` +
    (probed
      ? `; ${pairs} rounds of the cycle and race parts, load average at each ${loads.map((l) => l.toFixed(1)).join(', ')}`
      : ''),
  ...(probed
    ? [
        `cycle: ${CYCLE_PTE_PAGES} PTE pages, 4level, 1 vCPU, a child's figure the median of ${REPS} slopes over ${CYCLES} cycles; ` +
          `race: ${RACE_VCPUS} vCPUs on ${RACE_PTE_PAGES} PTE pages, median of ${RACE_REPS}`,
      ]
    : []),
  ...(parts.has('suite')
    ? [
        `suite: ${suitePairs} rounds; load average before each run, per side: ${result.suiteLoads.map((l) => l.map((x) => x.toFixed(1)).join('/')).join(', ')}`,
      ]
    : []),
  "ratio: the candidate's speed-up over the baseline child of the same round (above 1: faster); each: per round, in order",
];
for (const cand of result.candidates) {
  lines.push(
    '',
    `candidate: ${cand.flags.join(' ')}`,
    '| figure | unit | baseline median | candidate median | speed-up median [min-max] | each |',
    '|---|---|---|---|---|---|',
  );
  for (const row of cand.rows) {
    lines.push(
      `| ${row.figure} | ${row.unit} | ${median(row.baseline).toFixed(2)} ${spread(row.baseline)} | ${median(row.candidate).toFixed(2)} ${spread(row.candidate)} | ` +
        `${median(row.ratios).toFixed(3)}x ${spread(row.ratios, 3)} | ${row.ratios.map((x) => x.toFixed(3)).join(' ')} |`,
    );
  }
  lines.push(cand.verdict);
}
process.stdout.write(`${lines.join('\n')}\n`);
