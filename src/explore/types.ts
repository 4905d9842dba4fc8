import type { Machine } from '../scenarios/machine.js';
import type { ForkExitParams } from '../scenarios/types.js';
import type { PinContext, Program } from '../strategies/types.js';

/**
 * The program vCPU `ctx.vcpu` runs, given its context and a function that asks the explorer to choose among
 * `alternatives` values. The default is fork-exit's (forkExitWorkload); tests and scripts may run programs of their
 * own on the same machine.
 */
export type Workload = (ctx: PinContext, choose: (alternatives: number) => number, machine: Machine) => Program;

/** What every schedule is checked for; the first check a schedule breaks is its violation. */
export type ViolationKind =
  /** A racing writer's store hit a PTE page that was read-only and not (yet) a validated L1. */
  | 'write-protect-fault'
  /** An end-of-run invariant broke (a lock left held, a frame left pinned or read-only, Xen's type counts off). */
  | 'invariant'
  /** No vCPU can run and some have not finished. */
  | 'deadlock'
  /** A vCPU's preempt count carried out of its PREEMPT field. */
  | 'preempt-overflow'
  /** Xen refused a hypercall sub-op. */
  | 'hypercall-error';

/** Violation kinds in a fixed order, for tables and schemas. */
export const VIOLATION_KINDS: readonly ViolationKind[] = [
  'write-protect-fault',
  'invariant',
  'deadlock',
  'preempt-overflow',
  'hypercall-error',
];

/** A schedule's violation. */
export interface Violation {
  kind: ViolationKind;
  /** One sentence: what broke, on which vCPU and frame. */
  message: string;
  /** The step (1-based) at which it showed; for the end-of-run checks, the last step. */
  step: number;
  /**
   * Whether the strategy's own declaration predicts it: a write-protect fault of a strategy that declares
   * `raceFree: false`. Every other violation is unexpected.
   */
  expected: boolean;
}

/** How the search prunes the schedules it enumerates. */
export type Reduction = 'state-hashing' | 'none';

/** Options of one exploration (of one configuration). */
export interface ExploreOptions {
  /** Most preemptions of a schedule (CHESS's context bound): every schedule with at most this many is covered. */
  preemptionBound: number;
  /** PTE updates each racing writer makes (each on a PTE page of its choice: every choice is explored). */
  writerUpdates: number;
  /** `state-hashing` (default) skips a state already explored with at most as many preemptions; `none` enumerates every schedule. */
  reduction: Reduction;
  /** Stop after this many schedules (the verdict is then `incomplete`). */
  maxSchedules: number;
  /** Stop after this much wall time, ms. */
  maxMs: number;
  /** Wall clock, ms (tests inject one). */
  clock?: () => number;
  /** Collect the final state of every schedule that runs to its end (tests: reduction reaches every final state). */
  collectFinalStates?: boolean;
  /** The vCPUs' programs (default: fork-exit's pinner and writers). */
  workload?: Workload;
}

/** A schedule as the explorer and replay drive it. */
export interface Schedule {
  /** The vCPU that takes each step, in order. */
  steps: number[];
  /** The value of each choice a program made (a writer's PTE page, as an index into the PTE pages in walk order), in order. */
  choices: number[];
}

/** The shortest schedule found that breaks the checks (fewest preemptions, then fewest steps). */
export interface Counterexample {
  violation: Violation;
  preemptions: number;
  schedule: Schedule;
}

/** The verdict on one configuration. */
export type Verdict =
  /** Every schedule within the bound was explored and none broke a check. */
  | 'no-violation'
  /** A schedule breaks a check (`counterexample` is the shortest found). */
  | 'violation'
  /** A limit stopped the search before the bound was covered, and nothing broke in what was explored. */
  | 'incomplete';

/** Why the search stopped before covering its bound. */
export type LimitHit = 'max-schedules' | 'max-seconds' | 'interrupted';

/** What exploring one configuration found. */
export interface ExploreOutcome {
  params: ForkExitParams;
  /** The strategy's own claim (Strategy.raceFree). */
  raceFree: boolean;
  verdict: Verdict;
  /**
   * Whether the verdict is what the strategy declares: no violation (or, for a deliberately racy strategy, a
   * write-protect fault and nothing else) is expected; any other violation, or a racy strategy found clean, is not.
   * Undefined while incomplete.
   */
  expected: boolean | undefined;
  /** The preemption bound asked for. */
  bound: number;
  /** Every schedule with at most this many preemptions was explored (-1: not even the non-preemptive ones). */
  boundCovered: number;
  limitHit: LimitHit | null;
  writerUpdates: number;
  reduction: Reduction;
  /** Schedules run: to their end, to a violation, or to a state already explored (pruned). */
  schedules: number;
  /** Schedules cut where they reached a state already explored with at most as many preemptions. */
  pruned: number;
  /** States (scheduling points) fingerprinted; 0 without reduction. */
  distinctStates: number;
  /** vCPU steps executed, replays of schedule prefixes included. */
  steps: number;
  /** Wall time, ms. */
  wallMs: number;
  counterexample: Counterexample | null;
  /** With `collectFinalStates`: the distinct final states reached. */
  finalStates?: Set<string>;
}
