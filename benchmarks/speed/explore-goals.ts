/**
 * The goals of issue 14, measured: `pinbench explore` on the configurations the issue names, each explored `--rounds`
 * times in rotating order (A B C ..., B C ... A, ...) on a machine shared with others, with the median and the spread
 * of the wall time, and the load average before and after (a figure without its load means little here).
 *
 *   npm run bench:explore -- [--rounds N] [--json]
 *
 * - `unlocked` and `per-pte-early-unlock`, 2 vCPUs, 2 PTE pages, 4level: a violation, its counterexample's
 *   preemptions (at most 2) and steps, and the time (goal: under 5 s for `unlocked`);
 * - `per-pte-deferred`, `mm-lock`, `whole-lock`, `unbatched`, 2 vCPUs (one pinner, one writer), 4 PTE pages, one
 *   pin+unpin cycle, bound 2, in both kernel eras (2.6.24 on pae, current on 4level): no violation with bound 2 fully
 *   covered, the schedules and distinct states, and the time (goal: each under 60 s).
 *
 * Every configuration runs with explore's defaults (bound 2, 2 updates per writer, state hashing); the counts are
 * exact (the same on every round: the script says so if they are not), only the time varies.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { DEFAULT_EXPLORE_OPTIONS, explore } from '../../src/explore/index.js';
import type { ExploreOutcome } from '../../src/explore/types.js';
import { resolveParams } from '../../src/scenarios/params.js';
import type { ForkExitParams } from '../../src/scenarios/types.js';

interface Goal {
  name: string;
  params: ForkExitParams;
  /** What the goal asks: a violation within `maxPreemptions`, or none with the bound covered. */
  want: 'violation' | 'no-violation';
  limitSeconds: number;
}

const RACE_FREE = ['per-pte-deferred', 'mm-lock', 'whole-lock', 'unbatched'];
const ERAS: ReadonlyArray<{ mode: ForkExitParams['mode']; kernel: ForkExitParams['kernel'] }> = [
  { mode: 'pae', kernel: '2.6.24' },
  { mode: '4level', kernel: 'current' },
];

function goals(): Goal[] {
  const list: Goal[] = [];
  for (const strategy of ['unlocked', 'per-pte-early-unlock']) {
    list.push({
      name: `${strategy} 4level current, 2 PTE pages`,
      params: resolveParams({ strategy, mode: '4level', kernel: 'current', vcpus: 2, iterations: 1, ptePages: 2 }),
      want: 'violation',
      limitSeconds: 5,
    });
  }
  for (const strategy of RACE_FREE) {
    for (const era of ERAS) {
      list.push({
        name: `${strategy} ${era.mode} ${era.kernel}, 4 PTE pages`,
        params: resolveParams({ strategy, ...era, vcpus: 2, iterations: 1, ptePages: 4 }),
        want: 'no-violation',
        limitSeconds: 60,
      });
    }
  }
  return list;
}

function fail(message: string): never {
  process.stderr.write(`explore-goals: ${message}\nusage: npm run bench:explore -- [--rounds N] [--json]\n`);
  process.exit(2);
}

let args: { rounds?: string; json?: boolean };
try {
  args = parseArgs({ options: { rounds: { type: 'string' }, json: { type: 'boolean' } } }).values;
} catch (err) {
  fail((err as Error).message);
}
const rounds = args.rounds === undefined ? 3 : Number(args.rounds);
if (!Number.isInteger(rounds) || rounds < 1) fail(`--rounds: ${JSON.stringify(args.rounds)} is not an integer of at least 1`);

const list = goals();
const seconds: number[][] = list.map(() => []);
const outcomes: Array<ExploreOutcome | undefined> = list.map(() => undefined);
const loadBefore = loadavg();
for (let r = 0; r < rounds; r++) {
  for (let k = 0; k < list.length; k++) {
    const i = (k + r) % list.length;
    const goal = list[i];
    if (goal === undefined) continue;
    const outcome = explore(goal.params);
    seconds[i]?.push(outcome.wallMs / 1000);
    const before = outcomes[i];
    if (before !== undefined && (before.schedules !== outcome.schedules || before.distinctStates !== outcome.distinctStates))
      fail(`${goal.name}: the counts differ between rounds (${before.schedules} / ${outcome.schedules} schedules)`);
    outcomes[i] = outcome;
  }
}
const loadAfter = loadavg();

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? Number.NaN) + (s[mid] ?? Number.NaN)) / 2;
}

const rows = list.map((goal, i) => {
  const o = outcomes[i];
  const times = seconds[i] ?? [];
  if (o === undefined) throw new Error(`no outcome for ${goal.name}`);
  const cx = o.counterexample;
  const met =
    goal.want === 'violation'
      ? o.verdict === 'violation' && cx !== null && cx.preemptions <= 2
      : o.verdict === 'no-violation' && o.boundCovered === o.bound;
  return {
    configuration: goal.name,
    verdict: o.verdict,
    expected: o.expected ?? null,
    boundCovered: o.boundCovered,
    preemptions: cx?.preemptions ?? null,
    steps: cx?.violation.step ?? null,
    schedules: o.schedules,
    distinctStates: o.distinctStates,
    medianSeconds: median(times),
    minSeconds: Math.min(...times),
    maxSeconds: Math.max(...times),
    goalMet: met && median(times) < goal.limitSeconds,
    limitSeconds: goal.limitSeconds,
  };
});

const load = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' ');
if (args.json) {
  process.stdout.write(`${JSON.stringify({ rounds, options: DEFAULT_EXPLORE_OPTIONS, loadBefore, loadAfter, rows }, null, 2)}\n`);
} else {
  process.stdout.write(
    `explore goals (issue 14): ${rounds} rounds, rotating order; bound ${DEFAULT_EXPLORE_OPTIONS.preemptionBound}, ` +
      `${DEFAULT_EXPLORE_OPTIONS.writerUpdates} updates per writer, ${DEFAULT_EXPLORE_OPTIONS.reduction}\n` +
      `load average before: ${load(loadBefore)}; after: ${load(loadAfter)}\n\n`,
  );
  process.stdout.write(
    '| configuration | verdict | preemptions, steps | bound covered | schedules | distinct states | s, median (min-max) | goal |\n|---|---|---|---|---|---|---|---|\n',
  );
  for (const r of rows) {
    const cx = r.preemptions === null ? '-' : `${r.preemptions}, ${r.steps}`;
    const verdict = `${r.verdict}${r.expected === null ? '' : r.expected ? ', expected' : ', UNEXPECTED'}`;
    process.stdout.write(
      `| ${r.configuration} | ${verdict} | ${cx} | ${r.boundCovered} | ${r.schedules.toLocaleString('en-US')} | ` +
        `${r.distinctStates.toLocaleString('en-US')} | ${r.medianSeconds.toFixed(2)} (${r.minSeconds.toFixed(2)}-${r.maxSeconds.toFixed(2)}) | ` +
        `${r.goalMet ? 'met' : 'NOT MET'} (< ${r.limitSeconds} s) |\n`,
    );
  }
}
if (rows.some((r) => !r.goalMet)) process.exitCode = 1;
