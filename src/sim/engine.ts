import { ModelError } from '../shared/errors.js';

/**
 * A check the engine's loop makes every `every` events: run limits, interrupts, time slices (the runner supplies
 * it; runner/limits.ts). `check` throws to end the run, or returns true to pause it: `run` then returns false and a
 * later `run` resumes exactly where it stopped. It only observes: nothing it does changes the model.
 */
export interface EngineWatch {
  readonly every: number;
  check(engine: Engine): boolean;
}

/** A process's answer to `step`: sleep this many ns (>= 0), or one of these. */
export const BLOCKED = -1;
export const DONE = -2;

/**
 * A vCPU process. `step` performs one action at `engine.now` and says how long it takes. A process that has more
 * to do may ask `engine.continueAfter(cost)` instead of returning: when the engine would run it next anyway, it goes
 * on within the same call (the clock advanced, the next action counted as an event of its own).
 */
export interface Process {
  step(engine: Engine): number;
}

/**
 * A discrete-event kernel that knows nothing of Xen: a virtual clock in ns and an event queue of process
 * wake-ups ordered by (time, sequence number). A BLOCKED process sleeps until someone calls `wake`.
 *
 * Every action of a process is one event and one interleaving point. The order of events is decided in two
 * places only, which a systematic scheduler (schedule exploration) would replace: the root of the heap (which
 * queued process runs next) and `continueAfter` (whether the running process may go on without a trip through the
 * queue). With a single process there is nothing to interleave, and `run` takes a fast path without the queue.
 */
export class Engine {
  /** Virtual time, ns. */
  now = 0;
  /** Actions executed (simulated events): one per `step` call, plus one per `continueAfter` that returned true. */
  events = 0;
  private readonly procs: Process[] = [];
  private readonly state: number[] = []; // 0 queued, 1 blocked, 2 done, 3 running
  private heapTime = new Float64Array(16);
  private heapSeq = new Float64Array(16);
  private heapId = new Int32Array(16);
  private heapSize = 0;
  private seq = 0;
  /** Checked every `watch.every` events; null: never (the loop then costs one comparison per event). */
  watch: EngineWatch | null = null;
  /** Events count at which the run loop next asks the watch (infinite without one); `continueAfter` stops there. */
  private nextCheck = Number.POSITIVE_INFINITY;

  /** Add a process that first runs at `atNs`. Returns its id. */
  add(p: Process, atNs = 0): number {
    const id = this.procs.length;
    this.procs.push(p);
    this.state.push(0);
    this.push(atNs, id);
    return id;
  }

  /** Make blocked process `id` runnable at `atNs` (>= now). */
  wake(id: number, atNs: number): void {
    if (this.state[id] !== 1) throw new ModelError(`wake of process ${id} that is not blocked`);
    if (atNs < this.now) throw new ModelError(`wake of process ${id} in the past (${atNs} < ${this.now})`);
    this.state[id] = 0;
    this.push(atNs, id);
  }

  /**
   * The running process has just performed an action that keeps it busy for `costNs`. Returns true when it would
   * be the next to run anyway, because every queued process runs strictly later (a process queued at the same
   * instant was queued first, so it would go first): the clock then moves to the end of the action and the
   * process performs its next action at once. Returns false when another process comes first: the caller must
   * return `costNs` from `step`. Exact: the order of events is the one the queue would give.
   */
  continueAfter(costNs: number): boolean {
    const t = this.now + costNs;
    // While a process runs, `run` keeps it at the root of the heap (see there): the earliest other queued process is
    // one of the root's two children. (In `runSingle` the heap is empty.)
    const n = this.heapSize;
    if (n > 1) {
      const heapTime = this.heapTime;
      const left = heapTime[1] as number; // 1 < n <= the heap's length
      if (left <= t || (n > 2 && (heapTime[2] as number) <= t)) return false;
    }
    // Back to the run loop when the watch is due, so a process that would run on for ever is still checked.
    if (this.events >= this.nextCheck) return false;
    this.now = t;
    this.events++;
    return true;
  }

  /**
   * Run until every process is done (true), or until the watch pauses the run (false: call `run` again to go
   * on). Throws ModelError if processes remain blocked with nothing to wake them.
   */
  run(): boolean {
    if (this.procs.length === 1) return this.runSingle();
    const watch = this.watch;
    this.nextCheck = watch === null ? Number.POSITIVE_INFINITY : this.events + watch.every;
    // The earliest queued process runs while it stays at the root of the heap: processes woken meanwhile are queued
    // at or after `now` and after it in sequence, so none of them can rise above it. When it is due again, its new
    // entry replaces the root (one sift down, where popping and pushing would take a sift down and a sift up);
    // otherwise the root is removed. Entries are unique in (time, sequence): the order of events is the same.
    while (this.heapSize > 0) {
      if (this.events >= this.nextCheck) {
        this.nextCheck = this.events + (watch as EngineWatch).every;
        if ((watch as EngineWatch).check(this)) return false;
      }
      const id = this.heapId[0] as number; // heapSize > 0
      this.now = this.heapTime[0] as number;
      const p = this.procs[id];
      if (p === undefined) throw new ModelError(`the event queue holds process ${id}, which was never added`);
      this.state[id] = 3;
      this.events++;
      const r = p.step(this);
      if (r >= 0) {
        this.state[id] = 0;
        this.replaceTop(this.now + r, id);
      } else {
        this.removeTop();
        if (r === BLOCKED) {
          if (this.state[id] === 3) this.state[id] = 1;
        } else this.state[id] = 2;
      }
    }
    const stuck = this.state.map((s, i) => (s === 1 ? i : -1)).filter((i) => i >= 0);
    if (stuck.length > 0) throw new ModelError(`deadlock: processes ${stuck.join(', ')} blocked with nothing left to run`);
    return true;
  }

  private runSingle(): boolean {
    const p = this.procs[0];
    if (p === undefined) throw new ModelError('runSingle with no process');
    if (this.state[0] === 2) return true;
    // The one process was queued by `add` (or by a pause below) at heapTime[0].
    this.now = this.heapTime[0] as number;
    this.heapSize = 0;
    const watch = this.watch;
    this.nextCheck = watch === null ? Number.POSITIVE_INFINITY : this.events + watch.every;
    for (;;) {
      if (this.events >= this.nextCheck) {
        this.nextCheck = this.events + (watch as EngineWatch).every;
        if ((watch as EngineWatch).check(this)) {
          // Paused: the process waits at `now`, where the next run takes it up again.
          this.heapTime[0] = this.now;
          this.heapId[0] = 0;
          this.heapSize = 1;
          return false;
        }
      }
      this.state[0] = 3;
      this.events++;
      const r = p.step(this);
      if (r >= 0) this.now += r;
      else if (r === DONE) {
        this.state[0] = 2;
        return true;
      } else if (this.state[0] === 3) throw new ModelError('the only process blocked: nothing can wake it');
      else {
        // woken from within its own step (cannot happen with one process, kept for safety): `wake` queued it at
        // heapTime[0].
        this.now = this.heapTime[0] as number;
        this.heapSize = 0;
      }
    }
  }

  // The heap's three arrays have one length (grow keeps it so) and every index read below is below heapSize, which
  // push keeps at most that length: each `as number` on a heap read is in range by construction.
  private push(t: number, id: number): void {
    if (this.heapSize === this.heapTime.length) this.grow();
    const s = this.seq++;
    let i = this.heapSize++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = this.heapTime[parent] as number;
      if (pt < t || (pt === t && (this.heapSeq[parent] as number) < s)) break;
      this.heapTime[i] = pt;
      this.heapSeq[i] = this.heapSeq[parent] as number;
      this.heapId[i] = this.heapId[parent] as number;
      i = parent;
    }
    this.heapTime[i] = t;
    this.heapSeq[i] = s;
    this.heapId[i] = id;
  }

  /** Remove the root (the process that just ran); called only when heapSize > 0. */
  private removeTop(): void {
    const n = --this.heapSize;
    // The last entry (index n < the heap's length) moves down from the root.
    if (n > 0) this.siftDown(this.heapTime[n] as number, this.heapSeq[n] as number, this.heapId[n] as number, n);
  }

  /** Replace the root (the process that just ran) by process `id` at `t`, after every entry queued so far. */
  private replaceTop(t: number, id: number): void {
    this.siftDown(t, this.seq++, id, this.heapSize);
  }

  /** Place entry (t, s, id) at the root's position and move it down among the first `n` entries. */
  private siftDown(t: number, s: number, id: number, n: number): void {
    const heapTime = this.heapTime;
    const heapSeq = this.heapSeq;
    const heapId = this.heapId;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      let ct = heapTime[c] as number;
      let cs = heapSeq[c] as number;
      if (c + 1 < n) {
        const rt = heapTime[c + 1] as number;
        const rs = heapSeq[c + 1] as number;
        if (rt < ct || (rt === ct && rs < cs)) {
          c++;
          ct = rt;
          cs = rs;
        }
      }
      if (t < ct || (t === ct && s < cs)) break;
      heapTime[i] = ct;
      heapSeq[i] = cs;
      heapId[i] = heapId[c] as number;
      i = c;
    }
    heapTime[i] = t;
    heapSeq[i] = s;
    heapId[i] = id;
  }

  private grow(): void {
    const n = this.heapTime.length * 2;
    const t = new Float64Array(n);
    const s = new Float64Array(n);
    const d = new Int32Array(n);
    t.set(this.heapTime);
    s.set(this.heapSeq);
    d.set(this.heapId);
    this.heapTime = t;
    this.heapSeq = s;
    this.heapId = d;
  }
}
