/**
 * Speed and power of `pinbench ab` (issue 10), on this machine as it is: the ci suite, A/B jobs of
 *   - unchanged code (two copies of the same build): a "regressed" verdict is a false positive;
 *   - a build slowed by a fixed cost per engine event, calibrated to +10 % on the suite: a "regressed"
 *     verdict is a detection.
 * The builds are throw-away copies of this package's dist/ in a temporary directory; the slowdown is a spin
 * loop after every `events++` of dist/src/sim/engine.js, its length read from PINBENCH_INJECTED_SPIN.
 * Jobs of the two kinds alternate, so both see the same machine. Every job is judged by both estimators.
 *
 *   npm run bench:ab -- [--trials 10] [--effect 0.10] [--rounds 30] [--blocks 3] [--json FILE]
 *
 * Each job runs as `pinbench ab` does (--blocks fresh worker threads). Besides the suite's verdict, each line
 * counts the per-run verdicts (regressed + improved, min estimator): on unchanged jobs every one is false.
 *
 * Goals: no regression in at least 9 of 10 unchanged jobs, +10 % flagged in at least 8 of 10, each job at
 * most 180 s. Prints one line per job and the rates; exits 1 when a goal is missed.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_AB_BLOCKS } from '../../src/cli/commands/ab/args.js';
import { judgeAb } from '../../src/compare/ab/judge.js';
import type { AbComparison, AbEstimator, AbMeasurement, AbSideInfo } from '../../src/compare/ab/types.js';
import { runAbJob } from '../../src/runner/ab/interleave.js';
import { planRuns } from '../../src/runner/plan.js';
import type { ScenarioRunSpec } from '../../src/runner/types.js';
import { defined } from '../../src/shared/defined.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const JOB_LIMIT_S = 180;
const ESTIMATORS: AbEstimator[] = ['min', 'median'];

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '10' },
    effect: { type: 'string', default: '0.10' },
    rounds: { type: 'string', default: '30' },
    blocks: { type: 'string', default: String(DEFAULT_AB_BLOCKS) },
    'calibration-rounds': { type: 'string', default: '20' },
    json: { type: 'string' },
  },
});
const trials = Number(values.trials);
const effect = Number(values.effect);
const rounds = Number(values.rounds);
const blocks = Number(values.blocks);
const calibrationRounds = Number(values['calibration-rounds']);

/** A throw-away copy of this package's build: package.json, dist/, node_modules linked. */
function copyBuild(dir: string): string {
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/** Patch a copy's engine: a fixed cost (a spin of PINBENCH_INJECTED_SPIN steps) after every engine event. */
function injectSlowdown(dir: string): void {
  const file = join(dir, 'dist/src/sim/engine.js');
  const text = readFileSync(file, 'utf8');
  const sites = text.match(/this\.events\+\+;/g)?.length ?? 0;
  if (sites === 0) throw new Error(`${file}: no "this.events++;" to inject a cost after; update benchmarks/speed/ab-power.ts`);
  const spin = `
let injectedSink = 0;
const INJECTED_SPIN = Number(process.env.PINBENCH_INJECTED_SPIN ?? 0);
/** Injected by benchmarks/speed/ab-power.ts: a fixed cost per engine event. */
function injectedCost() {
  let x = injectedSink;
  for (let k = 0; k < INJECTED_SPIN; k++) x = (Math.imul(x, 1664525) + 1013904223) | 0;
  injectedSink = x;
}
`;
  writeFileSync(file, text.replace(/this\.events\+\+;/g, 'this.events++; injectedCost();') + spin);
}

function side(label: string, root: string): AbSideInfo {
  return { label, kind: 'directory', root, commit: null, dirty: null, version: 'copy', strategyModules: [] };
}

async function job(specs: ScenarioRunSpec[], base: AbSideInfo, head: AbSideInfo, jobRounds: number): Promise<AbMeasurement> {
  return runAbJob(
    'ci',
    specs,
    { base, head },
    {
      rounds: jobRounds,
      warmupRounds: 2,
      blocks,
      minSampleMs: 5,
      maxTimeMs: 150_000,
    },
  );
}

/** Runs with a per-run verdict (regressed or improved). */
function flaggedRuns(c: AbComparison): number {
  return c.runs.filter((r) => r.state === 'regressed' || r.state === 'improved').length;
}

function line(kind: string, m: AbMeasurement, verdicts: Record<AbEstimator, AbComparison>): string {
  const parts = ESTIMATORS.map((e) => {
    const s = verdicts[e].suite;
    return `${e} ${s.ratio.toFixed(3)} [${s.ci?.low.toFixed(3)}, ${s.ci?.high.toFixed(3)}] ${s.state}`;
  });
  return `${kind.padEnd(9)} ${(m.durationMs / 1000).toFixed(0).padStart(4)} s  ${m.rounds} rounds  ${flaggedRuns(verdicts.min)} runs flagged  load ${defined(m.loadAverage.start[0]).toFixed(1)}->${defined(m.loadAverage.end[0]).toFixed(1)}  | ${parts.join(' | ')}`;
}

const work = mkdtempSync(join(tmpdir(), 'pinbench-ab-power-'));
try {
  const base = side('base', copyBuild(join(work, 'base')));
  const same = side('unchanged', copyBuild(join(work, 'same')));
  const slow = side('slowed', copyBuild(join(work, 'slow')));
  injectSlowdown(slow.root);
  const specs = (await planRuns('ci', {})).specs as ScenarioRunSpec[];
  console.log(
    `ab-power: ci suite, ${specs.length} runs; builds in ${work}; load average ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  );

  // Calibrate the spin to +effect on the suite (the min estimator's median ratio), from a probe of 20 steps.
  const probe = 20;
  process.env.PINBENCH_INJECTED_SPIN = String(probe);
  const calibration = judgeAb(await job(specs, base, slow, calibrationRounds), { estimator: 'min' }).suite.ratio;
  const spin = Math.max(1, Math.round((probe * effect) / Math.max(1e-3, calibration - 1)));
  process.env.PINBENCH_INJECTED_SPIN = String(spin);
  console.log(`calibration: ${probe} spin steps per event gave ${calibration.toFixed(3)}; ${spin} steps for +${effect * 100}%`);

  const records: {
    kind: 'unchanged' | 'slowed';
    measurement: Omit<AbMeasurement, 'runs'>;
    verdicts: Record<AbEstimator, AbComparison['suite']>;
    flaggedRuns: number;
  }[] = [];
  for (let t = 0; t < trials; t++) {
    for (const kind of ['unchanged', 'slowed'] as const) {
      const m = await job(specs, base, kind === 'unchanged' ? same : slow, rounds);
      const verdicts = Object.fromEntries(ESTIMATORS.map((e) => [e, judgeAb(m, { estimator: e })])) as Record<
        AbEstimator,
        AbComparison
      >;
      console.log(line(kind, m, verdicts));
      const { runs: _runs, ...meta } = m;
      records.push({
        kind,
        measurement: meta,
        verdicts: Object.fromEntries(ESTIMATORS.map((e) => [e, verdicts[e].suite])) as Record<AbEstimator, AbComparison['suite']>,
        flaggedRuns: flaggedRuns(verdicts.min),
      });
    }
  }

  let ok = true;
  for (const e of ESTIMATORS) {
    const unchanged = records.filter((r) => r.kind === 'unchanged');
    const slowed = records.filter((r) => r.kind === 'slowed');
    const falsePositives = unchanged.filter((r) => r.verdicts[e].state === 'regressed').length;
    const detected = slowed.filter((r) => r.verdicts[e].state === 'regressed').length;
    const medianRatio = (rs: typeof records) => {
      const x = rs.map((r) => r.verdicts[e].ratio).sort((a, b) => a - b);
      return x[x.length >> 1]?.toFixed(3);
    };
    const goal =
      e === 'min'
        ? falsePositives <= trials / 10 && detected >= (8 * trials) / 10
          ? 'goals met'
          : 'GOAL MISSED'
        : '(for comparison)';
    if (e === 'min' && goal !== 'goals met') ok = false;
    console.log(
      `estimator ${e}: false positives ${falsePositives}/${unchanged.length} (median ratio ${medianRatio(unchanged)}), ` +
        `detections of +${effect * 100}% ${detected}/${slowed.length} (median ratio ${medianRatio(slowed)}) ${goal}`,
    );
  }
  const unchangedFlags = records.filter((r) => r.kind === 'unchanged').map((r) => r.flaggedRuns);
  console.log(
    `per-run verdicts on unchanged code (min, ${blocks} blocks): ${unchangedFlags.reduce((a, b) => a + b, 0)} in all, ` +
      `${unchangedFlags.filter((n) => n > 0).length} of ${unchangedFlags.length} jobs with any`,
  );
  const durations = records.map((r) => r.measurement.durationMs / 1000).sort((a, b) => a - b);
  const slowest = durations.at(-1) ?? 0;
  if (slowest > JOB_LIMIT_S) ok = false;
  console.log(
    `job time: median ${durations[durations.length >> 1]?.toFixed(0)} s, longest ${slowest.toFixed(0)} s (goal <= ${JOB_LIMIT_S} s); ` +
      `load average at the end ${loadavg()
        .map((v) => v.toFixed(2))
        .join(' ')}`,
  );
  if (values.json) writeFileSync(values.json, `${JSON.stringify({ spin, calibration, records }, null, 2)}\n`);
  process.exitCode = ok ? 0 : 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
