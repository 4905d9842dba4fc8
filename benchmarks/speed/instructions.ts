/**
 * The engine's cost in machine instructions per pin+unpin cycle, counted by valgrind (cachegrind), for this build
 * and reference builds: a measurement to run by hand where timing cannot resolve a change.
 *
 *   npm run bench:instructions -- [--ref DIR]... [--only STRATEGIES] [--runs N] [--pages N] [--jobs N] [--json]
 *
 * Why instructions: on a shared 2-core machine a process's CPU time is bimodal (about 1.6x slower while another
 * tenant runs on the sibling hyperthread), so a change of the engine under about 10% is lost in timing noise even
 * with many interleaved pairs. Valgrind runs the program on a synthetic CPU and counts the instructions it executes,
 * which the machine's load does not change. Node runs with --single-threaded --predictable (NODE_FLAGS); the
 * counts of repeated runs of a build then agree within about 0.05%, except that now and then V8 takes another path
 * and a process's count moves by 4-7%, which a 5-cycle difference turns into 20-40% of a cycle (2 of 24 processes
 * in the measurement of docs/measurement.md): hence several runs, their median, and the range, which shows such a
 * run.
 *
 * Per build and strategy, each run is two processes (instructions-probe.js) under
 * `valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null`, with pinbench's V8 flags (this
 * build's src/shared/v8-tuning.ts, PINBENCH_V8_FLAGS honoured; the same flags for every build) after
 * --single-threaded --predictable: a warm-up of 3 iterations, then LOW_ITERATIONS or HIGH_ITERATIONS counted iterations; the
 * difference of the two counts over the difference of the iterations is the instructions of one pin+unpin cycle
 * (32,768 PTE pages, 4level, kernel current, 1 vCPU), start-up, warm-up and building the machine cancelling out.
 * The builds are interleaved (A B, B A, ...) run by run; a reference's ratio ref / this is the median of the ratios
 * of the runs of the same index (paired). Nothing is written but the output (cachegrind's file goes to /dev/null).
 *
 * PINBENCH_VALGRIND names the valgrind binary (default: valgrind on PATH); without it the script exits 2.
 */
import { type Build, benchArgs } from './bench-args.js';
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { defined } from '../../src/shared/defined.js';

/** The built-in strategies (the default of --only). */
const STRATEGIES = ['per-pte-deferred', 'unlocked', 'mm-lock', 'whole-lock', 'unbatched'] as const;
type Strategy = (typeof STRATEGIES)[number];
/** Counted iterations of the two processes of a run; their difference is the cycles a run measures. */
const LOW_ITERATIONS = 2;
const HIGH_ITERATIONS = 7;
const CYCLES = HIGH_ITERATIONS - LOW_ITERATIONS;
/**
 * V8 flags for repeatable counts, before pinbench's. --single-threaded: no concurrent JIT or GC threads.
 * --predictable (which implies it) also takes out what it can of what depends on wall time, such as the memory
 * reducer's GCs. With --single-threaded alone, main's per-pte-deferred count at 2 iterations was 3.456G in two runs
 * of three and 3.252G in the third; with --predictable, 3.2635G-3.2655G in seven of seven. Rare jumps remain (see
 * the module comment).
 */
const NODE_FLAGS = ['--single-threaded', '--predictable'];

const usage =
  'usage: npm run bench:instructions -- [--ref DIR]... [--only STRATEGIES] [--runs N] [--pages N] [--jobs N] [--json]';
const bench = benchArgs('instructions', usage, STRATEGIES);
const { positiveInt, parseParts } = bench;

const args = bench.parse({
  ref: { type: 'string', multiple: true },
  only: { type: 'string' },
  runs: { type: 'string' },
  pages: { type: 'string' },
  jobs: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
});
if (args.help) {
  process.stdout.write(`${usage}

Counts the machine instructions of one pin+unpin cycle (PTE pages as --pages, 4level, kernel current, 1 vCPU) of
this build and of reference builds, with valgrind's cachegrind: instructions, not time. On a shared machine CPU time
is bimodal (about 1.6x when another tenant takes the sibling hyperthread), so engine changes under about 10% cannot
be resolved by timing; valgrind runs node on a synthetic CPU whose instruction count the machine's load does not
change. Node runs with pinbench's V8 flags (src/shared/v8-tuning.ts; PINBENCH_V8_FLAGS overrides, empty for none)
after --single-threaded --predictable: no JIT or GC threads, as little as V8 can of what depends on wall time.
Repeated runs of a build then count within about 0.05%, except that now and then V8 takes another path and a count
moves by 4-7%, 20-40% of a 5-cycle difference: hence several runs, their median, and the range, which shows such a
run (give more --runs when a range is wide).

A run is two processes under valgrind (a warm-up of 3 iterations, then ${LOW_ITERATIONS} or ${HIGH_ITERATIONS} counted iterations):
instructions per cycle = (count(${HIGH_ITERATIONS}) - count(${LOW_ITERATIONS})) / ${CYCLES}. Each process takes about 20-40 s of valgrind at
32768 pages: the default (5 strategies, 3 runs, 2 builds) is 60 processes, 20-40 minutes with --jobs 1.

--ref DIR       a pinbench checkout with dist/ built, measured beside this build; may be given more than once
--only LIST     comma-separated strategies: ${STRATEGIES.join(', ')} (default: all five)
--runs N        runs per build and strategy (default 3); the table gives median [min-max]
--pages N       PTE pages of the mm (default 32768)
--jobs N        valgrind processes at once (default 1); counts do not depend on the load, the wall time does
--json          print the figures as JSON instead of a table

Output: per strategy and build, million instructions per cycle (median [min-max] of the runs), instructions per
simulated event (the build's events per cycle), and per reference the ratio ref / this (median of the ratios of
runs of the same index; above 1: this build executes fewer instructions). Progress goes to stderr.
PINBENCH_VALGRIND names the valgrind binary (default: valgrind on PATH).
`);
  process.exit(0);
}

const runs = positiveInt('runs', args.runs, 3);
const pages = positiveInt('pages', args.pages, 32_768);
const jobs = positiveInt('jobs', args.jobs, 1);
const strategies: Strategy[] = args.only === undefined ? [...STRATEGIES] : parseParts(args.only);
const v8Flags = bench.v8Flags();

const here = dirname(fileURLToPath(import.meta.url)); // dist/benchmarks/speed
const thisRoot = resolve(here, '..', '..', '..');
const probe = join(here, 'instructions-probe.js');
const builds = bench.builds(thisRoot, args.ref ?? []);

const valgrind = process.env.PINBENCH_VALGRIND || 'valgrind';
const version = spawnSync(valgrind, ['--version'], { encoding: 'utf8' });
if (version.error !== undefined || version.status !== 0) {
  process.stderr.write(
    `instructions: valgrind is not installed (${valgrind}: ${version.error?.message ?? `exit ${version.status}`}); ` +
      "this measurement counts instructions with valgrind's cachegrind. On Debian or Ubuntu: apt-get install -y valgrind " +
      '(PINBENCH_VALGRIND may name the binary)\n',
  );
  process.exit(2);
}

/** One valgrind process: the instructions it counted and the events of its counted run. */
interface Count {
  instructions: number;
  events: number;
}

/** Runs the probe under cachegrind; rejects with valgrind's or the probe's message when it fails. */
function count(build: Build, strategy: string, iterations: number): Promise<Count> {
  const argv = [
    '--tool=cachegrind',
    '--cache-sim=no',
    '--cachegrind-out-file=/dev/null',
    process.execPath,
    ...NODE_FLAGS,
    ...v8Flags,
    probe,
    join(build.root, 'dist'),
    strategy,
    String(pages),
    String(iterations),
  ];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(valgrind, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.on('error', reject);
    child.on('close', (code) => {
      const refs = /I\s+refs:\s+([\d,]+)/.exec(err);
      if (code !== 0 || refs === null) {
        reject(new Error(`${build.name} ${strategy} ${iterations} iterations: exit ${code}\n${err.slice(-2000)}`));
        return;
      }
      const events = (JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { events?: number }).events;
      resolvePromise({ instructions: Number(defined(refs[1]).replaceAll(',', '')), events: Number(events) });
    });
  });
}

/** The order of the builds in run r: forwards and backwards in turn (A B, B A, ...). */
function orderOf(r: number): number[] {
  const order = builds.map((_, i) => i);
  return r % 2 === 0 ? order : order.reverse();
}

interface Task {
  build: number;
  strategy: Strategy;
  run: number;
  iterations: number;
}
const tasks: Task[] = [];
for (let r = 0; r < runs; r++)
  for (const strategy of strategies)
    for (const b of orderOf(r))
      for (const iterations of r % 2 === 0 ? [LOW_ITERATIONS, HIGH_ITERATIONS] : [HIGH_ITERATIONS, LOW_ITERATIONS])
        tasks.push({ build: b, strategy, run: r, iterations });

process.stderr.write(
  `instructions: ${tasks.length} valgrind processes (${builds.length} builds x ${strategies.length} strategies x ${runs} runs x 2), ` +
    `${jobs} at once, about 20-40 s each; V8 flags: ${[...NODE_FLAGS, ...v8Flags].join(' ')}\n`,
);
const counts = new Map<string, Count>();
const key = (b: number, strategy: string, run: number, iterations: number) => `${b} ${strategy} ${run} ${iterations}`;
const started = performance.now();
let next = 0;
let done = 0;
async function worker(): Promise<void> {
  while (next < tasks.length) {
    const t = defined(tasks[next++]);
    const t0 = performance.now();
    const c = await count(defined(builds[t.build]), t.strategy, t.iterations);
    counts.set(key(t.build, t.strategy, t.run, t.iterations), c);
    done++;
    const s = (ms: number) => `${(ms / 1000).toFixed(0)} s`;
    process.stderr.write(
      `instructions: [${done}/${tasks.length}] ${defined(builds[t.build]).name} ${t.strategy} run ${t.run + 1} ` +
        `${t.iterations} iterations: ${(c.instructions / 1e9).toFixed(4)}G instructions (${s(performance.now() - t0)}, ` +
        `${s(performance.now() - started)} in all)\n`,
    );
  }
}
try {
  await Promise.all(Array.from({ length: Math.min(jobs, tasks.length) }, () => worker()));
} catch (error) {
  process.stderr.write(`instructions: a valgrind run failed: ${(error as Error).message}\n`);
  process.exit(1);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? defined(s[m]) : (defined(s[m - 1]) + defined(s[m])) / 2;
}

const result = {
  pages,
  runs,
  iterations: [LOW_ITERATIONS, HIGH_ITERATIONS],
  node: process.version,
  nodeFlags: [...NODE_FLAGS, ...v8Flags],
  valgrind: version.stdout.trim(),
  builds: builds.map((b) => ({ name: b.name, root: b.root })),
  strategies: strategies.map((strategy) => {
    const perBuild = builds.map((_, b) => {
      const perRun = Array.from({ length: runs }, (_, r) => {
        const lo = defined(counts.get(key(b, strategy, r, LOW_ITERATIONS)));
        const hi = defined(counts.get(key(b, strategy, r, HIGH_ITERATIONS)));
        return { instructions: (hi.instructions - lo.instructions) / CYCLES, events: (hi.events - lo.events) / CYCLES };
      });
      const instructions = perRun.map((x) => x.instructions);
      const eventsPerCycle = median(perRun.map((x) => x.events));
      return {
        build: defined(builds[b]).name,
        eventsPerCycle,
        instructionsPerCycle: median(instructions),
        each: instructions,
        instructionsPerEvent: median(instructions) / eventsPerCycle,
      };
    });
    const mine = defined(perBuild[0]).each;
    const ratios = perBuild.slice(1).map((ref) => {
      const each = ref.each.map((x, r) => x / defined(mine[r]));
      return { build: ref.build, median: median(each), each };
    });
    return { strategy, builds: perBuild, refOverThis: ratios };
  }),
};

if (args.json) {
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.exit(0);
}
const m = (x: number) => (x / 1e6).toFixed(1);
const range = (xs: number[], f: (x: number) => string) => `[${f(Math.min(...xs))}-${f(Math.max(...xs))}]`;
const head = [
  'strategy',
  ...builds.flatMap((b) => [`${b.name} events/cycle`, `${b.name} M instr/cycle`, `${b.name} instr/event`]),
  ...builds.slice(1).map((b) => `${b.name} / this`),
];
const lines = [
  `instructions per pin+unpin cycle (valgrind cachegrind), ${pages} PTE pages, 4level, kernel current, 1 vCPU: ` +
    `(count(${HIGH_ITERATIONS} iterations) - count(${LOW_ITERATIONS})) / ${CYCLES}, median [min-max] of ${runs} runs; ` +
    `node ${process.version} ${[...NODE_FLAGS, ...v8Flags].join(' ')}; ratios: median of paired runs [min-max]`,
  `| ${head.join(' | ')} |`,
  `|${head.map(() => '---').join('|')}|`,
];
for (const s of result.strategies) {
  const cells = [
    s.strategy,
    ...s.builds.flatMap((b) => [
      String(b.eventsPerCycle),
      `${m(b.instructionsPerCycle)} ${range(b.each, m)}`,
      b.instructionsPerEvent.toFixed(0),
    ]),
    ...s.refOverThis.map((r) => `${r.median.toFixed(3)}x ${range(r.each, (x) => x.toFixed(3))}`),
  ];
  lines.push(`| ${cells.join(' | ')} |`);
}
lines.push(...builds.map((b) => `${b.name}: ${b.root}`));
process.stdout.write(`${lines.join('\n')}\n`);
