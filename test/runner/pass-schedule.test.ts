import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Dispatch, PassSchedule, SAMPLE_BATCH_MAX, SAMPLE_BATCH_MS } from '../../src/runner/pass-schedule.js';
import { WARMUP_MS } from '../../src/runner/execute-run.js';

/** A schedule of `count` specs in spec order on `lanes` lanes, each run wanting `samples` samples. */
function schedule(count: number, lanes: number, samples = 3): PassSchedule {
  return new PassSchedule(
    Array.from({ length: count }, (_, i) => i),
    lanes,
    count,
    () => samples,
    WARMUP_MS,
  );
}

const sample = (ms: number) => ({ ms, calibrationNsPerIter: 1 });

/** Hand out every first run: lane k of `lanes` takes runs k, k + lanes, ...; each finishes with a sample of `ms(i)`. */
function runFirstRounds(s: PassSchedule, count: number, lanes: number, ms: (index: number) => number): void {
  const taken: Array<{ index: number }> = [];
  for (let i = 0; i < count; i++) {
    const d = s.take(i % lanes);
    assert.equal(d?.kind, 'run');
    taken.push(d as { kind: 'run'; index: number });
  }
  for (const { index } of taken) s.ran(index, sample(ms(index)));
}

function indexesOf(d: Dispatch | undefined): number[] {
  assert.equal(d?.kind, 'samples', JSON.stringify(d));
  return (d as { kind: 'samples'; indexes: number[] }).indexes;
}

test('first runs go out in the given order to whichever lane asks', () => {
  const s = new PassSchedule([2, 0, 1], 2, 3, () => 1, WARMUP_MS);
  assert.deepEqual(s.take(1), { kind: 'run', index: 2 });
  assert.deepEqual(s.take(1), { kind: 'run', index: 0 });
  assert.deepEqual(s.take(0), { kind: 'run', index: 1 });
  assert.equal(s.laneOf(2), 1);
  assert.equal(s.laneOf(1), 0);
});

test('the samples of a run are taken on the lane that ran it', () => {
  const s = schedule(4, 2);
  runFirstRounds(s, 4, 2, () => 1);
  // Lane 0 ran 0 and 2, lane 1 ran 1 and 3.
  assert.deepEqual(indexesOf(s.take(0)), [0, 2]);
  assert.deepEqual(indexesOf(s.take(1)), [1, 3]);
});

test('a lane starts its next round while another lane is still on its first', () => {
  const s = schedule(4, 2);
  runFirstRounds(s, 4, 2, () => 1);
  const lane1 = indexesOf(s.take(1)); // in flight, not back yet
  const first = indexesOf(s.take(0));
  for (const index of first) s.sampled(index, sample(1));
  // Lane 0's second round goes out although lane 1's first round has not come back: no barrier.
  assert.deepEqual(indexesOf(s.take(0)), [0, 2]);
  assert.deepEqual(lane1, [1, 3]);
});

test('a run never has two samples in flight: its next sample waits for the last to come back', () => {
  const s = schedule(1, 1, 5);
  runFirstRounds(s, 1, 1, () => 1);
  assert.deepEqual(indexesOf(s.take(0)), [0]);
  assert.equal(s.take(0), undefined);
  s.sampled(0, sample(1));
  assert.deepEqual(indexesOf(s.take(0)), [0]);
});

test('every run gets its target of samples, in the order they come back, then the lane has nothing to do', () => {
  const s = schedule(3, 1, 4);
  runFirstRounds(s, 3, 1, (i) => i + 1);
  let k = 0;
  for (let d = s.take(0); d !== undefined; d = s.take(0)) for (const index of indexesOf(d)) s.sampled(index, sample(100 + k++));
  // Three rounds of three runs after the first samples, taken round by round.
  assert.deepEqual(
    s.samples.map((xs) => xs.map((x) => x.ms)),
    [
      [1, 100, 103, 106],
      [2, 101, 104, 107],
      [3, 102, 105, 108],
    ],
  );
});

test('a batch holds consecutive runs of a round up to SAMPLE_BATCH_MS of expected work', () => {
  const count = 10;
  const ms = 30; // each sample 30 ms plus its calibration: the batch closes once it reaches SAMPLE_BATCH_MS
  const s = schedule(count, 1);
  runFirstRounds(s, count, 1, () => ms);
  const perBatch = Math.ceil(SAMPLE_BATCH_MS / (ms + 0.3));
  assert.deepEqual(
    indexesOf(s.take(0)),
    Array.from({ length: perBatch }, (_, i) => i),
  );
  assert.deepEqual(indexesOf(s.take(0))[0], perBatch);
});

test('a batch holds at most SAMPLE_BATCH_MAX samples however short they are', () => {
  const count = SAMPLE_BATCH_MAX + 6;
  const s = schedule(count, 1);
  runFirstRounds(s, count, 1, () => 0.001);
  assert.equal(indexesOf(s.take(0)).length, SAMPLE_BATCH_MAX);
  assert.equal(indexesOf(s.take(0)).length, 6);
});

test('a run that is not timed (an error, an invalid run) gets no later sample', () => {
  const s = schedule(2, 1);
  assert.equal(s.take(0)?.kind, 'run');
  assert.equal(s.take(0)?.kind, 'run');
  s.ran(0, undefined);
  s.ran(1, sample(1));
  assert.deepEqual(indexesOf(s.take(0)), [1]);
  assert.equal(s.target[0], 0);
});

test('a run whose sample failed gets no more samples and keeps those it has', () => {
  const s = schedule(2, 1, 5);
  runFirstRounds(s, 2, 1, () => 1);
  assert.deepEqual(indexesOf(s.take(0)), [0, 1]);
  s.sampled(0, sample(2));
  s.stop(1);
  assert.deepEqual(indexesOf(s.take(0)), [0]);
  assert.equal(s.samples[1]?.length, 1);
});

test('an idle lane takes over the longest runs of a busy lane when that shortens the pass', () => {
  // Lane 0 owns two runs of 100 ms samples (4 more each: 401.2 ms left each), lane 1 one run of 1 ms.
  const s = schedule(3, 2, 5);
  assert.deepEqual(s.take(0), { kind: 'run', index: 0 });
  assert.deepEqual(s.take(1), { kind: 'run', index: 1 });
  assert.deepEqual(s.take(0), { kind: 'run', index: 2 });
  s.ran(0, sample(100));
  s.ran(1, sample(1));
  s.ran(2, sample(100));
  for (let round = 0; round < 4; round++) {
    const d = indexesOf(s.take(1));
    assert.deepEqual(d, [1]);
    s.sampled(1, sample(1));
  }
  // Lane 1 is done with its own; lane 0 has 802.4 ms left. Run 0 (401.2 ms, plus 200 ms of warm-up on lane 1: the
  // run once, and WARMUP_MS or the run's length) gives lane 1 601.2 ms and leaves lane 0 401.2: the pass ends sooner.
  // Run 2 as well would give lane 1 1,202.4 ms, more than lane 0 had.
  const stolen = indexesOf(s.take(1));
  assert.deepEqual(stolen, [0]);
  assert.equal(s.laneOf(0), 1);
  assert.equal(s.laneOf(2), 0);
  assert.deepEqual(indexesOf(s.take(0)), [2]);
});

test('an idle lane leaves short runs whose warm-up would cost more than their samples', () => {
  // Each run of lane 0 has 4 samples of 1 ms left (5.2 ms with calibration); a warm-up costs 21 ms.
  const s = schedule(3, 2, 5);
  assert.deepEqual(s.take(0), { kind: 'run', index: 0 });
  assert.deepEqual(s.take(1), { kind: 'run', index: 1 });
  assert.deepEqual(s.take(0), { kind: 'run', index: 2 });
  s.ran(0, sample(1));
  s.ran(1, sample(1));
  s.ran(2, sample(1));
  for (let round = 0; round < 4; round++) {
    assert.deepEqual(indexesOf(s.take(1)), [1]);
    s.sampled(1, sample(1));
  }
  assert.equal(s.take(1), undefined);
  assert.equal(s.laneOf(0), 0);
  assert.equal(s.laneOf(2), 0);
});

test('a run in flight on its lane is never taken over', () => {
  const s = schedule(2, 2, 5);
  assert.deepEqual(s.take(0), { kind: 'run', index: 0 });
  assert.deepEqual(s.take(1), { kind: 'run', index: 1 });
  s.ran(0, sample(1000));
  s.ran(1, sample(1000));
  assert.deepEqual(indexesOf(s.take(0)), [0]); // in flight on lane 0 until the end of the test
  for (let round = 0; round < 4; round++) {
    assert.deepEqual(indexesOf(s.take(1)), [1]);
    s.sampled(1, sample(1000));
  }
  assert.equal(s.take(1), undefined, 'run 0 is in flight on lane 0: lane 1 cannot have it');
  assert.equal(s.laneOf(0), 0);
});
