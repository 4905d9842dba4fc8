import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BLOCKED, DONE, Engine, RngStream, type Process } from '../../src/sim/index.js';
import { round } from '../../src/sim/rng.js';
import { defined } from '../../src/shared/defined.js';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/** A process that logs (name, time) and sleeps the given durations in turn. */
function sleeper(name: string, sleeps: number[], log: string[]): Process {
  let i = 0;
  return {
    step(e) {
      log.push(`${name}@${e.now}`);
      return sleeps[i++] ?? DONE;
    },
  };
}

describe('Engine', () => {
  it('orders events by time, then by the order they were scheduled', () => {
    const e = new Engine();
    const log: string[] = [];
    e.add(sleeper('a', [10, 10], log));
    e.add(sleeper('b', [5, 15], log));
    e.run();
    assert.deepEqual(log, ['a@0', 'b@0', 'b@5', 'a@10', 'b@20', 'a@20']);
    assert.equal(e.now, 20);
    assert.equal(e.events, 6);
  });

  it('runs a single process on the fast path with the same clock', () => {
    const e = new Engine();
    const log: string[] = [];
    e.add(sleeper('a', [3, 4], log));
    e.run();
    assert.deepEqual(log, ['a@0', 'a@3', 'a@7']);
    assert.equal(e.events, 3);
  });

  it('lets a blocked process sleep until woken', () => {
    const e = new Engine();
    const log: string[] = [];
    let blockedId = -1;
    const waiter: Process = {
      step(en) {
        log.push(`w@${en.now}`);
        if (log.length === 1) return BLOCKED;
        return DONE;
      },
    };
    blockedId = e.add(waiter);
    e.add({
      step(en) {
        log.push(`k@${en.now}`);
        en.wake(blockedId, 42);
        return DONE;
      },
    });
    e.run();
    assert.deepEqual(log, ['w@0', 'k@0', 'w@42']);
  });

  it('lets a process go on within its step only while no other process is due earlier or at the same instant', () => {
    // `eager` performs its sleeps back to back through continueAfter; `polite` returns each one to the engine.
    // Both must see the same clock, in the same order, and count the same events.
    const schedule = (eager: boolean) => {
      const e = new Engine();
      const log: string[] = [];
      const sleeps = [3, 3, 1, 5];
      let i = 0;
      e.add({
        step(en) {
          for (;;) {
            log.push(`a@${en.now}`);
            if (i === sleeps.length) return DONE;
            const d = defined(sleeps[i++]);
            if (!eager || !en.continueAfter(d)) return d;
          }
        },
      });
      e.add(sleeper('b', [6, 1], log));
      e.run();
      return { log, events: e.events, now: e.now };
    };
    const polite = schedule(false);
    assert.deepEqual(schedule(true), polite);
    // a at 0, 3, 6, 7, 12; b at 0, 6, 7. At 6 and 7 both are due: the one queued first goes first (b was queued
    // for 6 at time 0, a at 3; at 6 b queued itself for 7 before a did).
    assert.deepEqual(polite.log, ['a@0', 'b@0', 'a@3', 'b@6', 'a@6', 'b@7', 'a@7', 'a@12']);
  });

  it('never lets a process go on past a process it woke for the same instant', () => {
    const e = new Engine();
    const log: string[] = [];
    const waiter = e.add({
      step(en) {
        log.push(`w@${en.now}`);
        return log.length === 1 ? BLOCKED : DONE;
      },
    });
    e.add({
      step(en) {
        log.push(`k@${en.now}`);
        en.wake(waiter, en.now + 2);
        assert.equal(en.continueAfter(2), false, 'the woken process is due at the same instant and was queued first');
        assert.equal(en.continueAfter(1), true);
        log.push(`k@${en.now}`);
        return DONE;
      },
    });
    e.run();
    assert.deepEqual(log, ['w@0', 'k@0', 'k@1', 'w@2']);
  });

  for (const processes of [1, 2]) {
    it(`asks the watch on time even when a process would go on for ever through continueAfter (${processes} process(es))`, () => {
      const e = new Engine();
      // A process that does not return to the engine on its own while it is due next (bounded, so that a
      // regression fails here instead of looping for ever).
      const forever: Process = {
        step(en) {
          for (let k = 0; k < 1_000_000; k++) if (!en.continueAfter(10)) return 10;
          return 10;
        },
      };
      e.add(forever);
      if (processes === 2) e.add({ step: () => 1e12 }); // asleep far in the future: never due before `forever`
      const checkedAt: number[] = [];
      e.watch = {
        every: 1000,
        check(en) {
          checkedAt.push(en.events);
          return checkedAt.length === 3; // pause at the third check
        },
      };
      assert.equal(e.run(), false, 'the watch paused the run');
      // Each check comes at most one step after its due count (a step of `forever` stops exactly at the count).
      assert.equal(checkedAt.length, 3);
      for (const [k, events] of checkedAt.entries())
        assert.ok(events >= 1000 * (k + 1) && events <= 1000 * (k + 1) + processes + 1, `check ${k} at ${events} events`);
    });
  }

  it('reports a deadlock when blocked processes remain', () => {
    const e = new Engine();
    e.add({ step: () => BLOCKED });
    e.add({ step: () => DONE });
    assert.throws(() => e.run(), /deadlock: processes 0/);
  });
});

describe('RngStream', () => {
  it('gives the same draws for the same seed and name, and different ones for another name', () => {
    const a = new RngStream(7, 'writer-1');
    const b = new RngStream(7, 'writer-1');
    const c = new RngStream(7, 'writer-2');
    const da = Array.from({ length: 5 }, () => a.int(0, 1e6));
    assert.deepEqual(
      da,
      Array.from({ length: 5 }, () => b.int(0, 1e6)),
    );
    assert.notDeepEqual(
      da,
      Array.from({ length: 5 }, () => c.int(0, 1e6)),
    );
  });

  /** pure-rand's generator seeded as RngStream seeds stream `name` of `seed`. */
  const pureRandOf = (seed: number, name: string) => {
    let h = 0x811c9dc5; // FNV-1a of the name, as rng.ts
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
    return xoroshiro128plus((Math.imul(seed, 0x9e3779b1) ^ (h >>> 0)) | 0);
  };

  it("draws pure-rand's uniformInt, draw for draw, over small, odd, 2^31-sized, 2^32-sized and wider ranges", () => {
    const r = new RngStream(7, 'writer-3');
    const g = pureRandOf(7, 'writer-3');
    // 3 * 2^30 values reject a quarter of the draws; 2^32 and wider ranges take pure-rand's own path.
    const ranges: Array<[number, number]> = [
      [0, 0],
      [0, 1],
      [0, 2],
      [0, 524_287],
      [-5, 999_999_999],
      [0, 3 * 2 ** 30 - 1],
      [0, 2 ** 31],
      [0, 2 ** 32 - 2],
      [0, 2 ** 32 - 1],
      [1, 2 ** 40],
      [-(2 ** 50), 2 ** 50],
    ];
    for (let i = 0; i < 20_000; i++) {
      const [min, max] = defined(ranges[i % ranges.length]);
      assert.equal(r.int(min, max), uniformInt(g, min, max), `draw ${i}, range [${min}, ${max}]`);
    }
  });

  it("draws floats from pure-rand's xoroshiro128+ sequence (27 high bits, then 26)", () => {
    const r = new RngStream(3, 'x');
    const g = pureRandOf(3, 'x');
    for (let i = 0; i < 10_000; i++) {
      const hi = g.next() >>> 5;
      const lo = g.next() >>> 6;
      assert.equal(r.float(), (hi * 67108864 + lo) / 9007199254740992, `draw ${i}`);
    }
  });

  it('rounds exactly as Math.round: halves, the doubles next to them, powers of two, huge, negative, -0, NaN', () => {
    const xs = [0, -0, 0.25, 0.49999999999999994, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2 ** 52, 2 ** 52 - 0.5, 2 ** 53, 1e300];
    xs.push(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MIN_VALUE, -Number.MIN_VALUE);
    for (let k = -2; k <= 53; k++) {
      for (const base of [2 ** k, 2 ** k + 0.5, 3 * 2 ** k + 0.5]) {
        let lo = base;
        let hi = base;
        for (let step = 0; step < 3; step++) {
          lo = nextDown(lo);
          hi = nextUp(hi);
          xs.push(lo, hi, -lo, -hi);
        }
        xs.push(base, -base);
      }
    }
    const r = new RngStream(11, 'round');
    for (let i = 0; i < 100_000; i++) xs.push(r.float() * 2 ** (i % 60), -1000 * Math.log(1 - r.float()));
    for (const x of xs) assert.ok(Object.is(round(x), Math.round(x)), `round(${x}) = ${round(x)}, Math.round: ${Math.round(x)}`);
  });

  it('draws exponential times with about the requested mean', () => {
    const r = new RngStream(1, 'x');
    let s = 0;
    for (let i = 0; i < 20000; i++) s += r.exponentialNs(1000);
    assert.ok(Math.abs(s / 20000 - 1000) < 30, String(s / 20000));
  });
});

/** The next double above / below x (finite x). */
function nextUp(x: number): number {
  const b = new Float64Array([x]);
  const u = new BigInt64Array(b.buffer);
  if (x === 0) return Number.MIN_VALUE;
  u[0] = defined(u[0]) + (x > 0 ? 1n : -1n);
  return defined(b[0]);
}
function nextDown(x: number): number {
  return -nextUp(-x);
}
