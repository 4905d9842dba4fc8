/**
 * The process that instructions.ts runs under valgrind (cachegrind): one pinbench build's pin+unpin cycles, with a
 * warm-up run of WARMUP_ITERATIONS before the counted run of ITERATIONS, so that the counted run is mostly
 * optimised code. instructions.ts runs it at two iteration counts and divides the difference of the two processes'
 * instruction counts by the difference of the iterations: start-up, the warm-up and building the machine cancel.
 *
 * It sets no V8 flags itself: instructions.ts gives them on node's command line (pinbench's, plus
 * --single-threaded), the same for every build. Prints the counted run's simulated events as JSON.
 *
 *   node [V8 flags] instructions-probe.js DIST STRATEGY PTE_PAGES ITERATIONS
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Iterations of the warm-up run (as the by-hand script of issue 12 did). */
const WARMUP_ITERATIONS = 3;

interface ScenarioModule {
  resolveParams(input: Record<string, unknown>): unknown;
  runScenario(params: unknown): { events: number };
}

const [dist, strategy, pages, iterations] = process.argv.slice(2);
if (dist === undefined || strategy === undefined || pages === undefined || iterations === undefined)
  throw new Error('usage: instructions-probe DIST STRATEGY PTE_PAGES ITERATIONS');
const mod = (await import(pathToFileURL(join(dist, 'src', 'scenarios', 'index.js')).href)) as ScenarioModule;
const params = (n: number) =>
  mod.resolveParams({
    strategy,
    mode: '4level',
    kernel: 'current',
    ptePages: Number(pages),
    vcpus: 1,
    iterations: n,
    dwellNs: 0,
  });
mod.runScenario(params(WARMUP_ITERATIONS));
const run = mod.runScenario(params(Number(iterations)));
process.stdout.write(`${JSON.stringify({ events: run.events })}\n`);
