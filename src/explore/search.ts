import { performance } from 'node:perf_hooks';
import type { ForkExitParams } from '../scenarios/types.js';
import { ModelError } from '../shared/errors.js';
import { DEFAULT_EXPLORE_OPTIONS } from './defaults.js';
import { elementAt } from '../shared/element-at.js';
import { Execution } from './execution.js';
import type { Counterexample, ExploreOptions, ExploreOutcome, LimitHit, Schedule, Violation } from './types.js';

/** A decision of a schedule: the vCPU of a step, or the value of a program's choice. */
const STEP = 0;
const CHOICE = 1;

/**
 * One decision, linked to those before it: the schedules waiting to be explored share their prefixes, so a queue of
 * a hundred thousand schedules costs one node per decision explored, not one copy of each prefix.
 */
class Decision {
  readonly length: number;
  constructor(
    readonly parent: Decision | null,
    readonly kind: typeof STEP | typeof CHOICE,
    readonly value: number,
  ) {
    this.length = parent === null ? 1 : parent.length + 1;
  }
}

/** The decisions from the first to `last`, as two parallel arrays. */
function unwind(last: Decision | null): { kinds: Uint8Array; values: Int32Array } {
  const n = last === null ? 0 : last.length;
  const kinds = new Uint8Array(n);
  const values = new Int32Array(n);
  for (let d = last, i = n - 1; d !== null; d = d.parent, i--) {
    kinds[i] = d.kind;
    values[i] = d.value;
  }
  return { kinds, values };
}

/** The schedule (steps and choices) that the decisions up to `last` make. */
export function scheduleOf(last: Decision | null): Schedule {
  const { kinds, values } = unwind(last);
  const steps: number[] = [];
  const choices: number[] = [];
  kinds.forEach((kind, i) => {
    (kind === STEP ? steps : choices).push(values[i] ?? 0);
  });
  return { steps, choices };
}

/** A schedule waiting to be explored: its prefix, after which it goes on without preempting. */
interface Item {
  last: Decision | null;
}

/**
 * The systematic search over the schedules of one configuration: iterative context bounding (Musuvathi and Qadeer,
 * PLDI 2007) with stateless re-execution (each schedule runs from a fresh machine, its prefix replayed, as CHESS and
 * loom do), and, with `reduction: 'state-hashing'`, a table of the states already explored (docs/explore.md says why
 * that is sound under a preemption bound).
 *
 * Iteration c explores every schedule with exactly c preemptions: from each schedule prefix it runs on without
 * preempting (the vCPU that took the last step goes on while it can; when it cannot, every runnable vCPU is a free
 * choice, explored in this iteration); each point where another vCPU could preempt is queued for iteration c + 1.
 * A program's choice (a writer's PTE page) is free too. At every new scheduling point the state's fingerprint is
 * looked up: a state already reached with at most as many preemptions (and the same vCPU running) has had every
 * continuation explored, so the schedule stops there (pruned).
 *
 * The first violation that a strategy's declaration does not predict ends the search once its iteration is done (so
 * the counterexample has the fewest preemptions, then the fewest steps); a write-protect fault of a deliberately racy
 * strategy is recorded (the shortest is kept) and the search goes on, looking for anything unexpected.
 */
export class Search {
  readonly options: ExploreOptions;
  private readonly queues: Item[][] = [[{ last: null }]];
  private readonly visited = new Map<string, number>();
  private c = 0;
  private done = false;
  /** Iteration c skipped schedules that could not beat the counterexample found: it is not covered. */
  private cutShort = false;
  private boundCovered = -1;
  private limitHit: LimitHit | null = null;
  private schedules = 0;
  private pruned = 0;
  private steps = 0;
  private bestUnexpected: Counterexample | null = null;
  private bestExpected: Counterexample | null = null;
  private raceFree = true;
  private readonly finalStates: Set<string> | undefined;
  private readonly clock: () => number;
  private readonly started: number;

  constructor(
    readonly params: ForkExitParams,
    options: Partial<ExploreOptions> = {},
  ) {
    this.options = { ...DEFAULT_EXPLORE_OPTIONS, ...options };
    this.clock = this.options.clock ?? (() => performance.now());
    this.started = this.clock();
    this.finalStates = this.options.collectFinalStates ? new Set() : undefined;
  }

  /** Whether the search has ended (its bound covered, a violation found, or a limit hit). */
  get finished(): boolean {
    return this.done;
  }

  /** Progress so far, for a progress line. */
  get progress(): { bound: number; schedules: number; distinctStates: number; queued: number } {
    return {
      bound: this.c,
      schedules: this.schedules,
      distinctStates: this.visited.size,
      queued: this.queues.reduce((n, q) => n + q.length, 0),
    };
  }

  /** Stop now (Ctrl-C): the verdict is incomplete unless a violation was found. */
  interrupt(): void {
    if (this.done) return;
    this.limitHit = 'interrupted';
    this.done = true;
  }

  /** Explore schedules for about `sliceMs` of wall time (at least one); returns whether the search has ended. */
  work(sliceMs = Number.POSITIVE_INFINITY): boolean {
    const until = this.clock() + sliceMs;
    do {
      const item = this.nextItem();
      if (item === null) return true;
      this.explore(item);
    } while (this.clock() < until);
    return this.done;
  }

  /** The outcome (call when `finished`; before, it describes the search so far as interrupted). */
  outcome(): ExploreOutcome {
    const { params, options } = this;
    const unexpected = this.bestUnexpected;
    const expected = this.bestExpected;
    const verdict =
      unexpected !== null || expected !== null
        ? 'violation'
        : this.limitHit !== null || !this.done
          ? 'incomplete'
          : 'no-violation';
    const counterexample = unexpected ?? expected;
    return {
      params,
      raceFree: this.raceFree,
      verdict,
      expected: unexpected !== null ? false : expected !== null ? true : verdict === 'no-violation' ? this.raceFree : undefined,
      bound: options.preemptionBound,
      boundCovered: this.boundCovered,
      limitHit: this.limitHit ?? (this.done ? null : 'interrupted'),
      writerUpdates: options.writerUpdates,
      reduction: options.reduction,
      schedules: this.schedules,
      pruned: this.pruned,
      distinctStates: this.visited.size,
      steps: this.steps,
      wallMs: this.clock() - this.started,
      counterexample,
      ...(this.finalStates === undefined ? {} : { finalStates: this.finalStates }),
    };
  }

  /** The next schedule to explore, moving to the next iteration when this one is done; null when the search ends. */
  private nextItem(): Item | null {
    if (this.done) return null;
    for (;;) {
      const queue = this.queues[this.c];
      if (queue !== undefined && queue.length > 0) break;
      // Iteration c is complete: every schedule with at most c preemptions has been explored.
      this.boundCovered = this.cutShort ? this.c - 1 : this.c;
      if (this.bestUnexpected !== null || this.c >= this.options.preemptionBound) {
        this.done = true;
        return null;
      }
      this.c++;
    }
    if (this.schedules >= this.options.maxSchedules) return this.stop('max-schedules');
    if (this.clock() - this.started >= this.options.maxMs) return this.stop('max-seconds');
    return (this.queues[this.c] as Item[]).pop() as Item;
  }

  private stop(limit: LimitHit): null {
    this.limitHit = limit;
    this.done = true;
    return null;
  }

  /** Run one schedule: its prefix replayed, then on without preempting, queueing every alternative. */
  private explore(item: Item): void {
    this.schedules++;
    const { kinds, values } = unwind(item.last);
    const bound = this.options.preemptionBound;
    const hashing = this.options.reduction === 'state-hashing';
    const queues = this.queues;
    let pos = 0;
    let tail = item.last;
    const queue = (preemptions: number, last: Decision): void => {
      if (queues[preemptions] === undefined) queues[preemptions] = [];
      (queues[preemptions] as Item[]).push({ last });
    };
    const x = new Execution(this.params, {
      writerUpdates: this.options.writerUpdates,
      ...(this.options.workload === undefined ? {} : { workload: this.options.workload }),
      choose: (ex, _v, alternatives) => {
        if (pos < kinds.length) {
          if (kinds[pos] !== CHOICE)
            throw new ModelError(`replay diverged: a choice where the schedule has a step (decision ${pos})`);
          return elementAt(values, pos++, 'decision');
        }
        for (let alt = alternatives - 1; alt >= 1; alt--) queue(ex.preemptions, new Decision(tail, CHOICE, alt));
        tail = new Decision(tail, CHOICE, 0);
        return 0;
      },
    });
    this.raceFree = x.raceFree;
    try {
      for (;;) {
        const enabled = x.enabled();
        if (enabled.length === 0) {
          const violation = x.finish();
          if (violation !== null) this.record(violation, x, tail);
          else this.finalStates?.add(x.finalState());
          return;
        }
        let v: number;
        if (pos < kinds.length) {
          if (kinds[pos] !== STEP)
            throw new ModelError(`replay diverged: a step where the schedule has a choice (decision ${pos})`);
          v = elementAt(values, pos++, 'decision');
        } else {
          // A new scheduling point.
          const best = this.bestUnexpected;
          if (best !== null && x.steps >= best.violation.step) {
            this.cutShort = true; // nothing shorter down here
            return;
          }
          const goesOn = x.lastCanGoOn();
          if (hashing) {
            const key = x.fingerprint(goesOn ? x.last : -1);
            const seen = this.visited.get(key);
            if (seen !== undefined && seen <= x.preemptions) {
              this.pruned++;
              return;
            }
            this.visited.set(key, x.preemptions);
          }
          v = goesOn ? x.last : (enabled[0] as number);
          for (let i = enabled.length - 1; i >= 0; i--) {
            const alt = enabled[i] as number;
            if (alt === v) continue;
            if (!goesOn) queue(x.preemptions, new Decision(tail, STEP, alt));
            else if (x.preemptions < bound) queue(x.preemptions + 1, new Decision(tail, STEP, alt));
          }
          tail = new Decision(tail, STEP, v);
        }
        const violation = x.advance(v);
        if (violation !== null) {
          this.record(violation, x, tail);
          if (!violation.expected) return;
        }
      }
    } finally {
      this.steps += x.steps;
    }
  }

  /** Keep the violation's schedule if it is the shortest of its kind (fewest preemptions, then fewest steps). */
  private record(violation: Violation, x: Execution, tail: Decision | null): void {
    const best = violation.expected ? this.bestExpected : this.bestUnexpected;
    if (
      best !== null &&
      (best.preemptions < x.preemptions || (best.preemptions === x.preemptions && best.violation.step <= violation.step))
    )
      return;
    const found: Counterexample = { violation, preemptions: x.preemptions, schedule: scheduleOf(tail) };
    if (violation.expected) this.bestExpected = found;
    else this.bestUnexpected = found;
  }
}

/** Explore one configuration to the end (tests, scripts): the bound covered, a violation, or a limit. */
export function explore(params: ForkExitParams, options: Partial<ExploreOptions> = {}): ExploreOutcome {
  const search = new Search(params, options);
  search.work();
  return search.outcome();
}
