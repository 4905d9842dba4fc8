import type { ForkExitParams } from '../scenarios/types.js';
import type { ExploreOptions, ExploreOutcome, LimitHit, Verdict, Violation } from './types.js';

/** The value of explore.json's `schema` field. */
export const EXPLORE_SCHEMA = 'pinbench.explore/v1';

/** One configuration's entry in explore.json. */
export interface ExploreSummaryEntry {
  /** The configuration's id (as `run` names runs). */
  id: string;
  strategy: string;
  params: ForkExitParams;
  /** The strategy's claim (Strategy.raceFree). */
  raceFree: boolean;
  verdict: Verdict;
  /** Whether the verdict is what the strategy declares; null while incomplete. */
  expected: boolean | null;
  bound: number;
  /** Every schedule with at most this many preemptions was explored (-1: none). */
  boundCovered: number;
  limitHit: LimitHit | null;
  schedules: number;
  pruned: number;
  distinctStates: number;
  steps: number;
  seconds: number;
  schedulesPerSec: number;
  counterexample: {
    violation: Violation;
    preemptions: number;
    steps: number;
    /** File names inside the output directory. */
    scheduleFile: string;
    traceFile: string;
  } | null;
}

/** explore.json: what `pinbench explore` found, per configuration. */
export interface ExploreSummary {
  schema: typeof EXPLORE_SCHEMA;
  tool: { name: string; version: string; commit: string | null };
  createdAt: string;
  argv: string[];
  options: Pick<ExploreOptions, 'preemptionBound' | 'writerUpdates' | 'reduction' | 'maxSchedules'> & { maxSeconds: number };
  /** True when the command was interrupted: configurations after the interrupted one are missing. */
  partial: boolean;
  results: ExploreSummaryEntry[];
}

/** One entry of explore.json from an outcome. */
export function summaryEntry(
  id: string,
  outcome: ExploreOutcome,
  files: { scheduleFile: string; traceFile: string } | null,
): ExploreSummaryEntry {
  const seconds = outcome.wallMs / 1000;
  const cx = outcome.counterexample;
  return {
    id,
    strategy: outcome.params.strategy,
    params: outcome.params,
    raceFree: outcome.raceFree,
    verdict: outcome.verdict,
    expected: outcome.expected ?? null,
    bound: outcome.bound,
    boundCovered: outcome.boundCovered,
    limitHit: outcome.limitHit,
    schedules: outcome.schedules,
    pruned: outcome.pruned,
    distinctStates: outcome.distinctStates,
    steps: outcome.steps,
    seconds,
    schedulesPerSec: seconds > 0 ? outcome.schedules / seconds : 0,
    counterexample:
      cx === null || files === null
        ? null
        : { violation: cx.violation, preemptions: cx.preemptions, steps: cx.schedule.steps.length, ...files },
  };
}
