/**
 * What the engine's protocol costs, measured by removing its parts (issue 12): per-pte-deferred's pin+unpin cycle
 * (4level, current, 1 vCPU, 32,768 PTE pages) on this build and on ablated copies of it (ablation-variants.ts: the
 * compiled JS edited by exact string replacements, in a temp dir removed at the end).
 *
 *   npm run bench:ablation -- [--pairs N] [--only LIST] [--pte-pages N] [--dist DIR] [--json]
 *
 * 1. Every variant is built first: an anchor not found as often as its patch says stops the run (exit 1) naming
 *    the variant and the anchor, before anything is measured.
 * 2. Every variant must give exactly the base's run of the cycle, at 512 PTE pages (2 cycles) and at the measured
 *    size (the timed runs' 1 + CYCLES cycles): events, virtual time, status and every exact metric as
 *    `pinbench compare` diffs them. A difference stops the run (exit 1): an ablation removes cost, never behaviour.
 * 3. Timing: per variant, `--pairs` pairs of fresh node processes, base and variant alternating A B, B A, ...; each
 *    process (engine-probe.js cycle, pinbench's V8 flags on its command line) warms up, then takes REPS slopes of
 *    CPU time over CYCLES cycles, and gives their median, ms per cycle. Per variant: the median of the paired
 *    speed-ups base/variant with their IQR, the ratio of the minima, each side's median. FLOOR (the same cycle's JS
 *    floor, floor-probe.js: the model's own objects without the engine) is timed the same way against the base.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { statusOf } from '../../src/results/diff-exact.js';
import { resolveParams } from '../../src/scenarios/index.js';
import { defined } from '../../src/shared/defined.js';
import {
  AnchorError,
  buildVariant,
  cycleParams,
  exactDifferences,
  exactRun,
  patchedFiles,
  type Variant,
  VARIANTS,
} from './ablation-variants.js';
import { benchArgs } from './bench-args.js';

/** Cycles per slope, and slopes per process (the process's figure is their median): the lead's A/B of issue 12. */
const CYCLES = 6;
const REPS = 7;
/** The small size of the exactness check. */
const SMALL_PTE_PAGES = 512;
const DEFAULT_PTE_PAGES = 32_768;
const DEFAULT_PAIRS = 10;
const PARTS = [...VARIANTS, 'FLOOR'] as const;
type Part = (typeof PARTS)[number];

/** What each variant removes (ablation-variants.ts has the patches). */
const REMOVES: Record<Part, string> = {
  OBS: "the vCPU's observer tests",
  CONT: "Engine.continueAfter's tests",
  PLAIN: "the generator in per-pte-deferred's walk (plain loops, lockNow)",
  'PLAIN+REC': 'PLAIN, and the effect record (lockNow takes the lock directly)',
  ALL: 'PLAIN+REC+OBS+CONT',
  LEAN: 'a lean lock: a lock performed in its call fills no record',
  'LEAN+OBS+CONT': 'everything admissible: LEAN+OBS+CONT',
  FLOOR: "the engine: the model's own objects driven by hand (floor.ts)",
};

const usage = 'usage: npm run bench:ablation -- [--pairs N] [--only LIST] [--pte-pages N] [--dist DIR] [--json]';
const bench = benchArgs('ablation', usage, PARTS);
const fail: (message: string) => never = bench.fail;
const args = bench.parse({
  pairs: { type: 'string' },
  only: { type: 'string' },
  'pte-pages': { type: 'string' },
  dist: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
});
if (args.help) {
  process.stdout.write(`${usage}

What the engine's protocol costs (issue 12): per-pte-deferred's pin+unpin cycle (4level, current, 1 vCPU) on this
build and on copies of its dist/ with parts of the protocol removed by exact edits of the compiled JS, each checked
to give bit-identical exact metrics first. Prints per variant the median of the paired speed-ups base/variant
(above 1: the variant is faster) with IQR, the ratio of the minima, and each side's median CPU ms per cycle.

Variants:
${PARTS.map((p) => `  ${p.padEnd(14)} ${REMOVES[p]}`).join('\n')}

--pairs N       pairs of processes per variant, base and variant alternating A B, B A (default ${DEFAULT_PAIRS})
--only LIST     comma-separated variants (default: all): ${PARTS.join(', ')}
--pte-pages N   PTE pages of the timed cycle (default ${DEFAULT_PTE_PAGES}); checked exact at this size and at ${SMALL_PTE_PAGES}
--dist DIR      the build to ablate (default: this checkout's dist/); FLOOR is measured only for this checkout's
--json          print every figure as JSON

Exit 1: an anchor of a patch is not found as often as the table says (the engine's code changed: update
benchmarks/speed/ablation-variants.ts), or a variant changes the cycle's exact metrics. Exit 2: a bad argument.
Each process: ${CYCLES} cycles per slope, the median of ${REPS} slopes of CPU time, after a warm-up.
`);
  process.exit(0);
}

const pairs = bench.positiveInt('pairs', args.pairs, DEFAULT_PAIRS);
const ptePages = bench.positiveInt('pte-pages', args['pte-pages'], DEFAULT_PTE_PAGES);
try {
  resolveParams(cycleParams(ptePages, 1));
} catch (error) {
  fail(`--pte-pages: ${(error as Error).message}`);
}
const parts: Part[] = args.only === undefined ? [...PARTS] : [...new Set(bench.parseParts(args.only))];
const v8Flags = bench.v8Flags();

const here = dirname(fileURLToPath(import.meta.url)); // dist/benchmarks/speed
const root = resolve(here, '..', '..', '..');
const ownDist = join(root, 'dist');
const dist = args.dist === undefined ? ownDist : resolve(args.dist);
if (!existsSync(join(dist, 'src', 'scenarios', 'index.js')))
  fail(`--dist: ${dist} has no src/scenarios/index.js; expected a built pinbench dist/ directory`);
const variants = parts.filter((p): p is Variant => p !== 'FLOOR');
const floor = parts.includes('FLOOR') && dist === ownDist;
if (parts.includes('FLOOR') && !floor) process.stderr.write('ablation: FLOOR skipped: it is measured for this checkout only\n');

// 1. Every anchor of every variant, before anything is written or measured.
for (const variant of variants) {
  try {
    patchedFiles(dist, variant);
  } catch (error) {
    if (!(error instanceof AnchorError)) throw error;
    process.stderr.write(`ablation: ${error.message}\n`);
    process.exit(1);
  }
}

const scratch = mkdtempSync(join(tmpdir(), 'pinbench-ablation-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));
const nodeModules = join(root, 'node_modules');
const baseDist = buildVariant(dist, join(scratch, 'base'), undefined, nodeModules);
const dists = new Map<Variant, string>(
  variants.map((v, k) => [v, buildVariant(dist, join(scratch, `variant-${k}`), v, nodeModules)]),
);

// 2. Exactly the base's run, at a small size and at the measured one.
for (const [size, iterations] of [
  [SMALL_PTE_PAGES, 2],
  [ptePages, 1 + CYCLES],
] as const) {
  process.stderr.write(`ablation: checking the exact metrics at ${size} PTE pages, ${iterations} cycles\n`);
  const base = await exactRun(baseDist, cycleParams(size, iterations));
  if (base.run.status !== 'ok') {
    process.stderr.write(`ablation: the base's cycle at ${size} PTE pages is not ok: ${statusOf(base.run)}\n`);
    process.exit(1);
  }
  for (const [variant, vDist] of dists) {
    const diff = exactDifferences(base, await exactRun(vDist, cycleParams(size, iterations)));
    if (diff.length > 0) {
      process.stderr.write(
        `ablation: variant ${variant} changes the cycle at ${size} PTE pages (${diff.length} differences; an ablation must remove cost, never behaviour):\n` +
          diff
            .slice(0, 12)
            .map((d) => `  ${d}\n`)
            .join(''),
      );
      process.exit(1);
    }
  }
}

// 3. Timing.
const probe = join(here, 'engine-probe.js');
const floorProbe = join(here, 'floor-probe.js');
/** The flags on each child's command line, exactly: PINBENCH_V8_FLAGS='' keeps the probe from setting any itself. */
const env = { ...process.env, PINBENCH_V8_FLAGS: '', PINBENCH_PROBE_CLOCK: 'cpu' };

function child(what: string, argv: string[]): string {
  const r = spawnSync(process.execPath, [...v8Flags, ...argv], { encoding: 'utf8', env, maxBuffer: 1 << 20 });
  if (r.status !== 0) {
    process.stderr.write(`ablation: the ${what} process failed (exit ${r.status}): ${r.stderr || r.error?.message}\n`);
    process.exit(1);
  }
  return r.stdout;
}

/** One process of the cycle on the build at `d`: the median of its slopes, CPU ms per cycle. */
function cycleMs(d: string, what: string): number {
  const out = JSON.parse(
    child(what, [probe, 'cycle', 'per-pte-deferred', String(ptePages), String(CYCLES), String(REPS), d]),
  ) as Array<{
    builds: Array<{ values: number[] }>;
  }>;
  return quantile(defined(defined(out[0]).builds[0]).values, 0.5);
}

/** One process of the floor: the median of its repetitions, CPU ms per cycle. */
function floorMs(): number {
  const out = JSON.parse(child('floor', [floorProbe, 'time', String(ptePages), String(CYCLES), String(REPS)])) as {
    values: number[];
  };
  return quantile(out.values, 0.5);
}

/** The p-quantile with linear interpolation between order statistics (R's type 7, numpy's default). */
function quantile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  return defined(s[lo]) + (h - lo) * (defined(s[Math.min(lo + 1, s.length - 1)]) - defined(s[lo]));
}

if (floor) child('floor check', [floorProbe, 'check', String(ptePages)]);

interface Row {
  variant: Part;
  removes: string;
  /** ms per cycle of each pair's base and variant process, in pair order. */
  baseMs: number[];
  variantMs: number[];
  /** Per pair: base / variant (above 1: the variant is faster). */
  ratios: number[];
  speedup: { median: number; q1: number; q3: number };
  ratioOfMinima: number;
  loads: number[];
}

const rows: Row[] = [];
const t0 = performance.now();
for (const variant of [...variants, ...(floor ? (['FLOOR'] as const) : [])]) {
  const baseMs: number[] = [];
  const variantMs: number[] = [];
  const loads: number[] = [];
  const measure = (): number => (variant === 'FLOOR' ? floorMs() : cycleMs(defined(dists.get(variant)), variant));
  for (let p = 0; p < pairs; p++) {
    loads.push(loadavg()[0] ?? 0);
    process.stderr.write(
      `ablation: ${variant} pair ${p + 1} of ${pairs} (load ${loads.at(-1)?.toFixed(1)}, ${((performance.now() - t0) / 1000).toFixed(0)} s)\n`,
    );
    if (p % 2 === 0) {
      baseMs.push(cycleMs(baseDist, 'base'));
      variantMs.push(measure());
    } else {
      variantMs.push(measure());
      baseMs.push(cycleMs(baseDist, 'base'));
    }
  }
  const ratios = baseMs.map((b, i) => b / defined(variantMs[i]));
  rows.push({
    variant,
    removes: REMOVES[variant],
    baseMs,
    variantMs,
    ratios,
    speedup: { median: quantile(ratios, 0.5), q1: quantile(ratios, 0.25), q3: quantile(ratios, 0.75) },
    ratioOfMinima: Math.min(...baseMs) / Math.min(...variantMs),
    loads,
  });
}

const result = {
  node: process.version,
  v8Flags,
  ptePages,
  pairs,
  cyclesPerSlope: CYCLES,
  slopesPerProcess: REPS,
  checkedExactAt: [SMALL_PTE_PAGES, ptePages],
  loadavgAtEnd: loadavg(),
  rows,
};
if (args.json) {
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.exit(0);
}
const f2 = (x: number) => x.toFixed(2);
const f3 = (x: number) => x.toFixed(3);
const allLoads = rows.flatMap((r) => r.loads);
const lines = [
  `per-pte-deferred, 4level, current, 1 vCPU, ${ptePages} PTE pages; node ${process.version}, V8 flags ${v8Flags.join(' ') || '(none)'}`,
  `each process: the median of ${REPS} CPU-time slopes over ${CYCLES} cycles; ${pairs} pairs per variant, A B / B A; ` +
    `every variant checked exact at ${SMALL_PTE_PAGES} and ${ptePages} PTE pages`,
  ...(allLoads.length > 0
    ? [
        `load average (1 min) before each pair: ${f2(Math.min(...allLoads))}-${f2(Math.max(...allLoads))}, median ${f2(quantile(allLoads, 0.5))}`,
      ]
    : []),
  '',
  '| variant | what is removed | speed-up base/variant, median [IQR] | ratio of minima | base ms/cycle | variant ms/cycle |',
  '|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.variant} | ${r.removes} | ${f3(r.speedup.median)} [${f3(r.speedup.q1)}-${f3(r.speedup.q3)}] | ${f3(r.ratioOfMinima)} | ` +
      `${f2(quantile(r.baseMs, 0.5))} | ${f2(quantile(r.variantMs, 0.5))} |`,
  ),
];
process.stdout.write(`${lines.join('\n')}\n`);
