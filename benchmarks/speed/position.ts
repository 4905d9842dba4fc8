/**
 * Issue 10 item 1: a run's wall-clock figures must not depend on its position in a thread's schedule. For a
 * few runs of the ci suite, a pass of four runs on a fresh one-thread pool puts the run first, another fourth
 * (after three other runs), alternately, `--trials` times; the figures are those `pinbench run` records
 * (default timing: warm-up, 5-10 samples over the pass). Prints the median ratio first / fourth of events per
 * second and of normalisedPerEvent, with the range, and exits 1 when a median ratio is outside 1 +- TOLERANCE.
 * Before this change, a run first in its thread measured 1.2 M events/s against 18.7 M fourth.
 *
 *   npm run bench:position -- [--trials 10]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { WallStats } from '../../src/results/types.js';
import { planRuns } from '../../src/runner/plan.js';
import { DEFAULT_TIMING } from '../../src/runner/run-matrix.js';
import { runSpecs } from '../../src/runner/run-specs.js';
import type { RunSpec } from '../../src/runner/types.js';

/** Largest departure of the median ratio from 1 that counts as "independent of the position". */
const TOLERANCE = 0.15;

const { values } = parseArgs({ options: { trials: { type: 'string', default: '10' } } });
const trials = Number(values.trials);

/**
 * One pass of `specs`, in this order, on a fresh pool of one worker thread, with `pinbench run`'s default
 * timing; the wall figures `results.json` would record for each run.
 */
async function pass(specs: RunSpec[]): Promise<WallStats[]> {
  const { results } = await runSpecs(specs, { workers: 1, strategyModules: [], timing: DEFAULT_TIMING });
  return results.map((r) => {
    if (r?.status !== 'ok') throw new Error(`${r?.id}: ${r?.status === 'error' ? r.error : 'did not finish'}`);
    return r.wall;
  });
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? (s[s.length >> 1] ?? 0) : ((s[s.length / 2 - 1] ?? 0) + (s[s.length / 2] ?? 0)) / 2;
}

const specs = (await planRuns('ci', {})).specs;
const pick = (id: string) => {
  const spec = specs.find((s) => s.id === id);
  if (spec === undefined) throw new Error(`no run ${id} in the ci suite`);
  return spec;
};
const targets = [
  pick('per-pte-deferred 4level ptePages=300 vcpus=4 iterations=4 seed=1'),
  pick('unlocked 4level ptePages=64 vcpus=1 iterations=4 seed=1'),
  pick('whole-lock pae ptePages=300 vcpus=1 iterations=4 profile=xeon-2007 seed=1'),
];
const others = [
  pick('mm-lock 4level ptePages=300 vcpus=4 iterations=4 seed=2'),
  pick('unbatched pae ptePages=64 vcpus=4 iterations=4 profile=xeon-2007 seed=1'),
  pick('per-pte-early-unlock 2level ptePages=64 vcpus=4 iterations=4 profile=xeon-2007 seed=1'),
];

console.log(
  `position: ${targets.length} runs, first vs fourth in a pass on a fresh thread, ${trials} trials each; load average ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`,
);
let ok = true;
for (const target of targets) {
  const eventsRatio: number[] = [];
  const normalisedRatio: number[] = [];
  for (let t = 0; t < trials; t++) {
    // Alternate which placement runs first, so that a drift of the machine touches both alike.
    const early = [target, ...others];
    const late = [...others, target];
    const [first, fourth] =
      t % 2 === 0
        ? [await pass(early), await pass(late)]
        : await (async () => {
            const lateWalls = await pass(late);
            return [await pass(early), lateWalls];
          })();
    const a = first[0];
    const b = fourth[3];
    if (a?.eventsPerSec === undefined || b?.eventsPerSec === undefined) throw new Error(`${target.id}: a run failed`);
    eventsRatio.push(a.eventsPerSec / b.eventsPerSec);
    normalisedRatio.push((a.normalisedPerEvent ?? 0) / (b.normalisedPerEvent ?? 1));
  }
  const m1 = median(eventsRatio);
  const m2 = median(normalisedRatio);
  const within = Math.abs(m1 - 1) <= TOLERANCE && Math.abs(m2 - 1) <= TOLERANCE;
  if (!within) ok = false;
  console.log(
    `${target.id}\n  events/s first/fourth: median ${m1.toFixed(3)} (range ${Math.min(...eventsRatio).toFixed(2)}-${Math.max(...eventsRatio).toFixed(2)}); ` +
      `normalisedPerEvent first/fourth: median ${m2.toFixed(3)} (range ${Math.min(...normalisedRatio).toFixed(2)}-${Math.max(...normalisedRatio).toFixed(2)}); ` +
      `${within ? 'within' : 'OUTSIDE'} 1 +- ${TOLERANCE}`,
  );
}
console.log(
  `load average at the end ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`,
);
process.exitCode = ok ? 0 : 1;
