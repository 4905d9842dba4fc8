/**
 * One measurement of a pinbench build, in a process of its own (engine-speed.ts spawns it, once per build and
 * round, so that two builds never share a JIT). Imports the build's scenarios from the `dist/` directory given as
 * the first argument, so it measures any build with `resolveParams` and `runScenario`, old or new. Prints JSON.
 *
 *   node engine-probe.js DIST cycle STRATEGY[,STRATEGY...] PTE_PAGES CYCLES REPS
 *   node engine-probe.js DIST race STRATEGY[,STRATEGY...] PTE_PAGES VCPUS REPS
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

interface ScenarioModule {
  resolveParams(input: Record<string, unknown>): unknown;
  runScenario(params: unknown): { events: number };
}

/** Median of a non-empty list. */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Wall ms per pin+unpin cycle as a slope, (T(1 + cycles) - T(1)) / cycles, so that building the machine (the mm,
 * Xen's arrays) is not counted, as the C program times its loop only. Median over `reps` pairs, after a warm-up.
 */
function cycleCost(mod: ScenarioModule, strategy: string, ptePages: number, cycles: number, reps: number) {
  const params = (iterations: number) => mod.resolveParams({ strategy, mode: '4level', kernel: 'current', ptePages, vcpus: 1, iterations, dwellNs: 0 });
  const one = params(1);
  const many = params(1 + cycles);
  mod.runScenario(one);
  mod.runScenario(many);
  const slopes: number[] = [];
  let events = 0;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    const a = mod.runScenario(one);
    const t1 = performance.now();
    const b = mod.runScenario(many);
    const t2 = performance.now();
    slopes.push((t2 - t1 - (t1 - t0)) / cycles);
    events = (b.events - a.events) / cycles;
  }
  return { strategy, msPerCycle: median(slopes), minMsPerCycle: Math.min(...slopes), eventsPerCycle: events };
}

/** Events simulated before a racing measurement, so that it times optimised code, not the JIT's warm-up. */
const RACE_WARMUP_EVENTS = 3_000_000;

/** Simulated events per wall second of whole runs with racing writers (the settings of the figure). */
function raceRate(mod: ScenarioModule, strategy: string, ptePages: number, vcpus: number, reps: number) {
  const params = mod.resolveParams({ strategy, mode: '4level', ptePages, vcpus, iterations: 20, writerThinkNs: 1000, dwellNs: 50_000 });
  // A run of few events (mm-lock: writers mostly wait) would otherwise be measured on cold code.
  for (let warm = 0; warm < RACE_WARMUP_EVENTS; ) warm += mod.runScenario(params).events;
  const rates: number[] = [];
  let events = 0;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    events = mod.runScenario(params).events;
    rates.push(events / ((performance.now() - t0) / 1000));
  }
  return { strategy, eventsPerSec: median(rates), eventsPerRun: events };
}

const [dist, mode, list, a, b, c] = process.argv.slice(2);
const mod = (await import(pathToFileURL(join(dist, 'src', 'scenarios', 'index.js')).href)) as ScenarioModule;
const strategies = list.split(',');
const out =
  mode === 'cycle'
    ? strategies.map((s) => cycleCost(mod, s, Number(a), Number(b), Number(c)))
    : strategies.map((s) => raceRate(mod, s, Number(a), Number(b), Number(c)));
process.stdout.write(JSON.stringify(out) + '\n');
