import { DEFAULT_EXPLORE_OPTIONS, MAX_WRITER_UPDATES } from '../../../explore/defaults.js';
import type { Reduction } from '../../../explore/types.js';
import { matrixOptions } from '../../matrix-options.js';
import type { CommandSpec, OptionSpec, ParsedCommandLine } from '../../options.js';

/** Default `--out` of `pinbench explore`. */
export const DEFAULT_EXPLORE_OUT = 'reports/explore';

/**
 * The axes explore takes when they are not given: the smallest configuration that races (a pinner and one writer,
 * two PTE pages, one pin+unpin cycle). Every other axis defaults as in `run`.
 */
export const EXPLORE_AXIS_DEFAULTS = { vcpus: 2, iterations: 1, ptePages: 2 } as const;

/** Most preemptions `--preemption-bound` accepts (schedules grow as a power of it). */
export const MAX_PREEMPTION_BOUND = 20;

/** Arguments of `pinbench explore`. */
export interface ExploreArgs {
  preemptionBound: number;
  writerUpdates: number;
  reduction: Reduction;
  maxSchedules: number;
  maxSeconds: number;
  out: string;
  json: boolean;
  quiet: boolean;
  report: boolean;
  strategyModule: string[];
  /** Every option by camelCase name, the scenario axes included (as typed). */
  options: ParsedCommandLine['options'];
}

const SEARCH_GROUP = 'Search:';

/** The scenario options of `run`, without the seeds (nothing is random under exploration), with explore's defaults. */
function scenarioOptions(): Record<string, OptionSpec> {
  const options = matrixOptions();
  delete options.seed;
  delete options.seeds;
  const set = (name: string, patch: Partial<OptionSpec>): void => {
    const o = options[name];
    if (o !== undefined) options[name] = { ...o, ...patch };
  };
  set('vcpus', { defaultDescription: String(EXPLORE_AXIS_DEFAULTS.vcpus) });
  set('iterations', { defaultDescription: String(EXPLORE_AXIS_DEFAULTS.iterations) });
  set('pte-pages', { defaultDescription: String(EXPLORE_AXIS_DEFAULTS.ptePages) });
  set('writer-think-ns', {
    describe: 'mean think time of the writers, ns: recorded, but it orders nothing under explore (writers do not think)',
  });
  set('dwell-ns', { describe: 'virtual time the mm stays pinned, ns: one step of the pinner; it orders nothing under explore' });
  return options;
}

export const EXPLORE_EPILOGUE = `Enumerates the schedules of the vCPUs at the engine's interleaving points (each lock, unlock,
store, multicall trap, entry and callback, hypercall), systematically: first every schedule without a preemption,
then with one, up to --preemption-bound (iterative context bounding, as CHESS). vCPU 0 runs the strategy's pin and
unpin; every other vCPU is a racing writer that makes --writer-updates PTE updates, each on a PTE page of its
choice (every choice is explored). The schedule decides the order; costs and think times order nothing. With
--reduction state-hashing (the default) a state already explored with at most as many preemptions is not explored
again, which loses no schedule's outcome (docs/explore.md).

Every schedule is checked for: a write-protect fault (a violation of a strategy that claims to be race-free; the
expected behaviour of a racy one), a failed hypercall sub-op, a preempt-count overflow, a deadlock, and the
end-of-run invariants. For each configuration the verdict is "no violation up to bound K", "violation" (with the
shortest counterexample: fewest preemptions, then fewest steps, written as OUT/NAME.schedule.json for
\`pinbench replay\`, and OUT/NAME.trace.json for Perfetto) or "incomplete" (a limit stopped the search). OUT/explore.json
has every verdict, OUT/index.html draws each counterexample as a timeline. --max-schedules and --max-seconds apply to
each configuration.

Exit codes: 0 no violation in any configuration; 5 a violation was found (expected or not: the summary says which);
1 a limit stopped a search before its bound was covered (and no violation); 2 bad input, nothing written;
130 Ctrl-C, 143 SIGTERM, 129 SIGHUP (what was explored is written).`;

export const exploreSpec: CommandSpec = {
  name: 'explore',
  summary: 'Explore every schedule of a small configuration up to a preemption bound; write the shortest counterexample.',
  positionals: [],
  options: {
    'preemption-bound': {
      kind: 'integer',
      short: 'k',
      min: 0,
      max: MAX_PREEMPTION_BOUND,
      default: DEFAULT_EXPLORE_OPTIONS.preemptionBound,
      hint: 'preemptions',
      group: SEARCH_GROUP,
      describe: 'most preemptions of a schedule: every schedule with at most this many is explored',
    },
    'writer-updates': {
      kind: 'integer',
      min: 0,
      max: MAX_WRITER_UPDATES,
      default: DEFAULT_EXPLORE_OPTIONS.writerUpdates,
      hint: 'PTE updates',
      group: SEARCH_GROUP,
      describe:
        'PTE updates each racing writer makes (each on a PTE page of its choice; 2 lets a store through a stale TLB entry show)',
    },
    reduction: {
      kind: 'string',
      choices: ['state-hashing', 'none'],
      default: DEFAULT_EXPLORE_OPTIONS.reduction,
      group: SEARCH_GROUP,
      describe: 'state-hashing: skip a state already explored with at most as many preemptions; none: run every schedule',
    },
    'max-schedules': {
      kind: 'integer',
      min: 1,
      default: DEFAULT_EXPLORE_OPTIONS.maxSchedules,
      hint: 'schedules',
      group: SEARCH_GROUP,
      describe: 'stop exploring a configuration after this many schedules (verdict: incomplete)',
    },
    'max-seconds': {
      kind: 'number',
      min: 0,
      exclusive: true,
      default: DEFAULT_EXPLORE_OPTIONS.maxMs / 1000,
      hint: 'seconds',
      group: SEARCH_GROUP,
      describe: 'stop exploring a configuration after this much wall time, s (verdict: incomplete)',
    },
    out: {
      kind: 'string',
      valueName: 'DIR',
      short: 'o',
      default: DEFAULT_EXPLORE_OUT,
      describe: 'directory that receives explore.json, a NAME.schedule.json and NAME.trace.json per violation, and index.html',
    },
    json: { kind: 'boolean', describe: 'print explore.json on stdout instead of the summary table' },
    quiet: { kind: 'boolean', short: 'q', describe: 'no progress and no summary; errors only' },
    report: {
      kind: 'boolean',
      default: true,
      describe: 'write index.html (the verdicts, and each counterexample as a timeline)',
    },
    'strategy-module': {
      kind: 'strings',
      valueName: 'FILE',
      describe: 'JavaScript module that registers strategies (as `run --strategy-module`); repeatable',
    },
    ...scenarioOptions(),
  },
  epilogue: EXPLORE_EPILOGUE,
  examples: [
    ['pinbench explore --strategy unlocked', 'a violation: the shortest schedule in reports/explore/unlocked.schedule.json'],
    [
      'pinbench explore --strategy per-pte-deferred,unbatched --pte-pages 4 --mode pae --kernel 2.6.24,current',
      'no violation up to bound 2, in both kernel eras',
    ],
    ['pinbench replay reports/explore/unlocked.schedule.json', 'the counterexample, step by step'],
  ],
};

/** Typed arguments of `pinbench explore`. */
export function exploreArgs(parsed: ParsedCommandLine): ExploreArgs {
  const o = parsed.options;
  return {
    preemptionBound: o.preemptionBound as number,
    writerUpdates: o.writerUpdates as number,
    reduction: o.reduction as Reduction,
    maxSchedules: o.maxSchedules as number,
    maxSeconds: o.maxSeconds as number,
    out: o.out as string,
    json: o.json as boolean,
    quiet: o.quiet as boolean,
    report: o.report as boolean,
    strategyModule: o.strategyModule as string[],
    options: o,
  };
}
