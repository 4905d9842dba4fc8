/**
 * One round of measurements of one or more pinbench builds, in a process of its own (engine-speed.ts spawns it
 * once per round). Every build's scenarios are imported side by side from the `dist/` directories given (any build
 * with `resolveParams` and `runScenario`, old or new; the modules are separate, so is their optimised code), and
 * the builds are alternated A B B A ... within the process, so that a change of the machine's load hits all of them
 * alike: the ratio of two builds is taken per repetition (paired), as the issue-10 A/B method does. A racing
 * repetition times whole runs back to back for at least RACE_MIN_REP_MS (the same number of runs for every build).
 * Prints JSON.
 *
 * The process runs with pinbench's V8 flags (src/shared/v8-tuning.ts, set before any build is imported; the
 * environment variable PINBENCH_V8_FLAGS overrides them, empty for none), so that it measures the engine as
 * `pinbench` runs it; V8's flags are process-wide, so every build measured in the process gets the same flags.
 *
 *   node engine-probe.js cycle STRATEGY[,STRATEGY...] PTE_PAGES CYCLES REPS DIST [DIST...]
 *   node engine-probe.js race STRATEGY[,STRATEGY...] PTE_PAGES VCPUS REPS DIST [DIST...]
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defined } from '../../src/shared/defined.js';
import { applyV8Tuning } from '../../src/shared/v8-tuning.js';
import { clockMs } from './probe-clock.js';

applyV8Tuning();

interface ScenarioModule {
  resolveParams(input: Record<string, unknown>): unknown;
  runScenario(params: unknown): { events: number };
}

/** Events simulated before a racing measurement, so that it times optimised code, not the JIT's warm-up. */
const RACE_WARMUP_EVENTS = 3_000_000;
/**
 * Least time of one racing repetition, ms: a repetition times as many whole runs back to back as take this long
 * (the same number for every build), so that a short run (mm-lock's: 46,708 events, 2-3 ms) is not timed alone,
 * where one GC pause or one preemption of the process moves its figure several-fold.
 */
const RACE_MIN_REP_MS = 25;

/** Per build: the figure of each repetition (ms per cycle, or events per second) and the events counted. */
interface Series {
  values: number[];
  events: number;
}

/** The order of the builds in repetition r: forwards and backwards in turn (A B, B A, ...). */
function orderOf(builds: number, r: number): number[] {
  const order = Array.from({ length: builds }, (_, i) => i);
  return r % 2 === 0 ? order : order.reverse();
}

/**
 * Wall ms per pin+unpin cycle as a slope, (T(1 + cycles) - T(1)) / cycles, so that building the machine (the mm,
 * Xen's arrays) is not counted, as the C program times its loop only.
 */
function cycleCost(mods: ScenarioModule[], strategy: string, ptePages: number, cycles: number, reps: number): Series[] {
  const params = mods.map((mod) => {
    const p = (iterations: number) =>
      mod.resolveParams({ strategy, mode: '4level', kernel: 'current', ptePages, vcpus: 1, iterations, dwellNs: 0 });
    return { one: p(1), many: p(1 + cycles) };
  });
  mods.forEach((mod, b) => {
    mod.runScenario(defined(params[b]).one);
    mod.runScenario(defined(params[b]).many);
  });
  const series: Series[] = mods.map(() => ({ values: [], events: 0 }));
  for (let r = 0; r < reps; r++) {
    for (const b of orderOf(mods.length, r)) {
      const t0 = clockMs();
      const a = defined(mods[b]).runScenario(defined(params[b]).one);
      const t1 = clockMs();
      const m = defined(mods[b]).runScenario(defined(params[b]).many);
      const t2 = clockMs();
      defined(series[b]).values.push((t2 - t1 - (t1 - t0)) / cycles);
      defined(series[b]).events = (m.events - a.events) / cycles;
    }
  }
  return series;
}

/**
 * Simulated events per second (wall or CPU) of whole runs with racing writers (the settings of the figure).
 * Each repetition times `runs` whole runs back to back (RACE_MIN_REP_MS); `events` is the events of one run.
 */
function raceRate(mods: ScenarioModule[], strategy: string, ptePages: number, vcpus: number, reps: number): Series[] {
  const params = mods.map((mod) =>
    mod.resolveParams({ strategy, mode: '4level', ptePages, vcpus, iterations: 20, writerThinkNs: 1000, dwellNs: 50_000 }),
  );
  // A run of few events (mm-lock: writers mostly wait) would otherwise be measured on cold code. The last warm-up
  // run of each build tells how long a run takes.
  let runMs = 0;
  mods.forEach((mod, b) => {
    let lastMs = 0;
    for (let warm = 0; warm < RACE_WARMUP_EVENTS; ) {
      const t0 = clockMs();
      warm += mod.runScenario(params[b]).events;
      lastMs = clockMs() - t0;
    }
    runMs = Math.max(runMs, lastMs);
  });
  const runs = Math.max(1, Math.ceil(RACE_MIN_REP_MS / Math.max(runMs, 1e-3)));
  const series: Series[] = mods.map(() => ({ values: [], events: 0 }));
  // Repetition -1 is not kept: the first repetition after the warm-ups ran slow for every build (the other builds'
  // warm-up in between).
  for (let r = -1; r < reps; r++) {
    for (const b of orderOf(mods.length, r)) {
      const mod = defined(mods[b]);
      let events = 0;
      const t0 = clockMs();
      for (let k = 0; k < runs; k++) events += mod.runScenario(params[b]).events;
      if (r < 0) continue;
      defined(series[b]).values.push(events / ((clockMs() - t0) / 1000));
      defined(series[b]).events = events / runs;
    }
  }
  return series;
}

const [mode, list, a, b, c, ...dists] = process.argv.slice(2);
if (list === undefined) throw new Error('usage: engine-probe MODE STRATEGIES A B C DIST...');
const mods = await Promise.all(
  dists.map(async (dist) => (await import(pathToFileURL(join(dist, 'src', 'scenarios', 'index.js')).href)) as ScenarioModule),
);
const out = list.split(',').map((strategy) => ({
  strategy,
  builds:
    mode === 'cycle'
      ? cycleCost(mods, strategy, Number(a), Number(b), Number(c))
      : raceRate(mods, strategy, Number(a), Number(b), Number(c)),
}));
process.stdout.write(JSON.stringify(out) + '\n');
