import { elementAt } from '../shared/element-at.js';
import type { WallSample } from './types.js';

/**
 * A sample batch (one pool task) holds samples of different runs up to about this much expected work, ms. A task
 * costs a message each way and a wake-up of the main thread, during which the worker waits: 0.3-1.7 ms on this
 * machine, which one sample per task paid for 2,700 samples of the default suite (4.5 s of 45 s with one worker
 * at load 4). 100 ms keeps Ctrl-C responsive (the grace is 2 s) and the end of the pass even between threads.
 */
export const SAMPLE_BATCH_MS = 100;
/** Most samples in one batch, whatever their expected length. */
export const SAMPLE_BATCH_MAX = 256;
/** Expected cost of the calibration taken beside each sample (3 x 65,536 iterations of a 1-2 ns loop), ms. */
const CALIBRATION_MS = 0.3;

/** What a free lane (a worker thread, or this thread) is given: a run's first task, or one sample of several runs. */
export type Dispatch = { kind: 'run'; index: number } | { kind: 'samples'; indexes: number[] };

/**
 * The order of a pass over `count` specs on `lanes` threads, without a barrier between rounds.
 *
 * - **First runs** go in `order` (longest first on a pool) to whichever lane is free. The lane that ran a spec
 *   owns it: the spec is warmed up there (issue 10: the JIT, 20 ms, 400 ms on a thread's first run), and its later
 *   samples are taken there, so no warm-up is paid twice. (Sent to whichever lane was free, the samples of a run
 *   landed on both threads of a 2-worker pool, and each thread warmed each run up: 12.7 s of the 91 s that both
 *   threads were busy on the default suite.)
 * - **Rounds per lane.** Once every first run has been handed out, each lane takes rounds over the runs it owns:
 *   one more sample of each run that wants one (`targetSamples`), in `order`, until every run has its count. A
 *   run's samples are thus spread over the lane's part of the job, each after other runs, never two in flight at
 *   once, and they arrive in time order. A lane does not wait for the other lanes at the end of a round (a global
 *   barrier left one thread idle while the other finished the round's last, longest sample).
 * - **Batches.** Consecutive runs of a lane's round go out as one task of about SAMPLE_BATCH_MS of expected work.
 * - **Stealing.** A lane that has no sample left takes over runs of the lane with the most sample work left,
 *   when that shortens the pass: the runs with the most samples left, as long as the thief's share (their samples,
 *   plus the warm-up it pays for each: the run once and WARMUP_MS, unless it is warm there already) stays below
 *   what the victim had left.
 *   The thief's later samples of a run come after the victim's last one (a run is never in flight twice).
 *
 * The schedule decides only where and when a run is timed: exact metrics come from each run's first task and do not
 * depend on it.
 */
export class PassSchedule {
  private nextFirst = 0;
  private readonly owner: number[];
  private readonly owned: number[][];
  private readonly round: number[][];
  private readonly busy: boolean[];
  private readonly warmOn: number[][];
  /** Samples per spec, in time order (the first from its first run). */
  readonly samples: WallSample[][];
  /** Samples each spec is to get; 0 for a run with no samples to take (failed, invalid, micro, not run). */
  readonly target: number[];

  constructor(
    private readonly order: readonly number[],
    private readonly lanes: number,
    count: number,
    private readonly targetOf: (firstSampleMs: number) => number,
    private readonly warmupMs: number,
  ) {
    this.owner = new Array<number>(count).fill(-1);
    this.owned = Array.from({ length: lanes }, () => []);
    this.round = Array.from({ length: lanes }, () => []);
    this.busy = new Array<boolean>(count).fill(false);
    this.warmOn = Array.from({ length: count }, () => []);
    this.samples = Array.from({ length: count }, () => []);
    this.target = new Array<number>(count).fill(0);
  }

  /** The next task of `lane`, which is free now; undefined when it has nothing to do at the moment. */
  take(lane: number): Dispatch | undefined {
    if (this.nextFirst < this.order.length) {
      const index = elementAt(this.order, this.nextFirst++, 'run');
      this.owner[index] = lane;
      elementAt(this.owned, lane, 'lane').push(index);
      this.busy[index] = true;
      return { kind: 'run', index };
    }
    const round = elementAt(this.round, lane, 'lane');
    if (!round.some((i) => this.wants(i))) {
      round.length = 0;
      round.push(...elementAt(this.owned, lane, 'lane').filter((i) => this.wants(i)));
      if (round.length === 0) {
        this.steal(lane);
        round.push(...elementAt(this.owned, lane, 'lane').filter((i) => this.wants(i)));
      }
    }
    const indexes: number[] = [];
    let expected = 0;
    while (round.length > 0 && indexes.length < SAMPLE_BATCH_MAX && (indexes.length === 0 || expected < SAMPLE_BATCH_MS)) {
      const index = round.shift() as number;
      if (!this.wants(index)) continue;
      indexes.push(index);
      expected += this.sampleCost(index) + (this.isWarm(index, lane) ? 0 : this.warmupCost(index));
      this.busy[index] = true;
    }
    return indexes.length === 0 ? undefined : { kind: 'samples', indexes };
  }

  /** The first task of `index` finished: `firstSample` is its first timed sample, undefined when it is not a timed ok run. */
  ran(index: number, firstSample: WallSample | undefined): void {
    this.busy[index] = false;
    const lane = this.owner[index] ?? -1;
    if (lane >= 0) elementAt(this.warmOn, index, 'run').push(lane);
    if (firstSample === undefined) return;
    this.samples[index] = [firstSample];
    this.target[index] = this.targetOf(firstSample.ms);
  }

  /** One sample of `index` came back (in the order the lane took them). */
  sampled(index: number, sample: WallSample): void {
    this.busy[index] = false;
    elementAt(this.samples, index, 'run').push(sample);
    const lane = this.owner[index] ?? -1;
    const warm = elementAt(this.warmOn, index, 'run');
    if (!warm.includes(lane)) warm.push(lane);
  }

  /** `index` gets no more samples (a sample failed, or was not taken): it keeps those it has. */
  stop(index: number): void {
    this.busy[index] = false;
    this.target[index] = 0;
  }

  /** The lane a spec's samples are taken on (-1 before its first run). */
  laneOf(index: number): number {
    return this.owner[index] ?? -1;
  }

  private wants(index: number): boolean {
    const taken = this.samples[index]?.length ?? 0;
    return !this.busy[index] && taken > 0 && taken < (this.target[index] ?? 0);
  }

  private isWarm(index: number, lane: number): boolean {
    return this.warmOn[index]?.includes(lane) ?? false;
  }

  /** Expected wall time of one more sample of `index`, ms: its first sample and the calibration beside it. */
  private sampleCost(index: number): number {
    return (this.samples[index]?.[0]?.ms ?? 0) + CALIBRATION_MS;
  }

  /** What a lane that has not run `index` pays before its first sample: the run once, then WARMUP_MS in all. */
  private warmupCost(index: number): number {
    const ms = this.samples[index]?.[0]?.ms ?? 0;
    return Math.max(this.warmupMs, ms) + ms;
  }

  private remaining(index: number): number {
    if (!this.wants(index)) return 0;
    return ((this.target[index] ?? 0) - (this.samples[index]?.length ?? 0)) * this.sampleCost(index);
  }

  /**
   * Move runs of the lane with the most sample work left to `thief`, as long as what the thief then has (the
   * samples and their warm-ups) stays below what the victim had before the move: each move shortens the pass.
   */
  private steal(thief: number): void {
    let victim = -1;
    let most = 0;
    for (let lane = 0; lane < this.lanes; lane++) {
      if (lane === thief) continue;
      const work = elementAt(this.owned, lane, 'lane').reduce((sum, i) => sum + this.remaining(i), 0);
      if (work > most) {
        most = work;
        victim = lane;
      }
    }
    if (victim < 0) return;
    const candidates = elementAt(this.owned, victim, 'lane')
      .filter((i) => this.remaining(i) > 0)
      .sort((a, b) => this.remaining(b) - this.remaining(a) || a - b);
    let kept = most;
    let given = 0;
    const moved = new Set<number>();
    for (const index of candidates) {
      const work = this.remaining(index);
      const cost = work + (this.isWarm(index, thief) ? 0 : this.warmupCost(index));
      if (given + cost >= kept) continue;
      given += cost;
      kept -= work;
      moved.add(index);
    }
    if (moved.size === 0) return;
    const victimOwned = elementAt(this.owned, victim, 'lane');
    const victimRound = elementAt(this.round, victim, 'lane');
    const thiefOwned = elementAt(this.owned, thief, 'lane');
    for (const index of moved) {
      this.owner[index] = thief;
      thiefOwned.push(index);
      victimOwned.splice(victimOwned.indexOf(index), 1);
      const at = victimRound.indexOf(index);
      if (at >= 0) victimRound.splice(at, 1);
    }
    // Keep the thief's runs in pass order, so that its rounds go as the victim's would have.
    const position = new Map(this.order.map((index, k) => [index, k]));
    thiefOwned.sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0));
  }
}
