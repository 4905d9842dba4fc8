import assert from 'node:assert/strict';
import { test } from 'node:test';
import { abOutcome, judgeAb } from '../../src/compare/ab/judge.js';
import type { AbMeasurement, AbRunSamples, AbSideInfo } from '../../src/compare/ab/types.js';
import type { RunResult } from '../../src/results/types.js';
import { MACHINE_A, metrics, params } from './fixtures.js';

const SIDE: AbSideInfo = {
  label: 'x',
  kind: 'directory',
  root: '/x',
  commit: null,
  dirty: null,
  version: '0.1.0',
  strategyModules: [],
};

/**
 * A deterministic wobble in [1, 1 + amplitude): noise that only adds time, as on a shared machine (a
 * xorshift of the run, round and side, so the two sides' noises are independent).
 */
function wobble(run: number, round: number, side: number, amplitude: number): number {
  let x = (run * 7919 + round * 104729 + side * 15485863 + 1) | 0;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return 1 + amplitude * ((x >>> 0) / 2 ** 32);
}

function ok(ptePages: number): RunResult {
  return {
    id: `run ${ptePages}`,
    kind: 'scenario',
    params: params('unlocked', ptePages),
    status: 'ok',
    metrics: metrics(ptePages),
    wall: { durationMs: 1 },
  };
}

/** `runs` runs of `rounds` rounds; run i takes (1 + i/10) ms on base, `factor(i)` times that on head, plus noise. */
function measurement(runs: number, rounds: number, factor: (run: number) => number, amplitude = 0.3): AbMeasurement {
  const list: AbRunSamples[] = Array.from({ length: runs }, (_, i) => {
    const ms = 1 + i / 10;
    const run = ok(64 + i);
    return {
      id: run.id,
      key: run.id,
      base: run,
      head: structuredClone(run),
      iterations: 1,
      baseMs: Array.from({ length: rounds }, (_, k) => ms * wobble(i, k, 0, amplitude)),
      headMs: Array.from({ length: rounds }, (_, k) => ms * factor(i) * wobble(i, k, 1, amplitude)),
      firstSide: Array.from({ length: rounds }, (_, k) => (k % 2 === 0 ? 'base' : 'head')),
    };
  });
  return {
    suite: 'ci',
    base: SIDE,
    head: SIDE,
    environment: MACHINE_A,
    createdAt: '2025-01-01T00:00:00.000Z',
    rounds,
    warmupRounds: 2,
    durationMs: 1000,
    partial: false,
    loadAverage: { start: [1, 1, 1], end: [1, 1, 1] },
    runs: list,
  };
}

const FAST = { resamples: 500 };

test('the same code on both sides is no change, and the interval holds 1', () => {
  const c = judgeAb(
    measurement(30, 12, () => 1),
    FAST,
  );
  assert.equal(c.suite.state, 'no-change');
  assert.ok(c.suite.ci !== null && c.suite.ci.low <= 1 && c.suite.ci.high >= 1, JSON.stringify(c.suite.ci));
  assert.equal(abOutcome(c), 'ok');
});

test('head 20% slower on every run is a regression: the whole interval lies above 1.05', () => {
  const c = judgeAb(
    measurement(30, 12, () => 1.2),
    FAST,
  );
  assert.equal(c.suite.state, 'regressed');
  assert.ok(c.suite.ci !== null && c.suite.ci.low > 1.05);
  assert.equal(abOutcome(c), 'regressed');
});

test('head 20% faster is an improvement', () => {
  const c = judgeAb(
    measurement(30, 12, () => 1 / 1.2),
    FAST,
  );
  assert.equal(c.suite.state, 'improved');
  assert.equal(abOutcome(c), 'ok');
});

test('a real 3% slowdown inside the 5% noise band is no change, however significant', () => {
  const c = judgeAb(
    measurement(30, 12, () => 1.03, 0.01),
    FAST,
  );
  assert.ok(c.suite.p < 0.05, `p ${c.suite.p}`);
  assert.equal(c.suite.state, 'no-change');
  assert.match(c.suite.reason, /noise band/);
});

test('with a threshold of 2% the same 3% slowdown is a regression', () => {
  const c = judgeAb(
    measurement(30, 12, () => 1.03, 0.01),
    { ...FAST, threshold: 0.02 },
  );
  assert.equal(c.suite.state, 'regressed');
});

test('fewer than five rounds are insufficient samples, not no change, even for a large slowdown', () => {
  const c = judgeAb(
    measurement(30, 4, () => 1.5),
    FAST,
  );
  assert.equal(c.suite.state, 'insufficient-samples');
  assert.match(c.suite.reason, /4 round/);
});

test('fewer than six timed runs are insufficient samples', () => {
  const c = judgeAb(
    measurement(5, 12, () => 1.5),
    FAST,
  );
  assert.equal(c.suite.state, 'insufficient-samples');
});

test('a run twice as slow in every round is flagged after Holm correction; the others are not', () => {
  const c = judgeAb(
    measurement(20, 12, (i) => (i === 3 ? 2 : 1), 0.1),
    FAST,
  );
  const flagged = c.runs.filter((r) => r.state === 'regressed').map((r) => r.id);
  assert.deepEqual(flagged, ['run 67']);
  // 12 rounds all on one side: p = 2/4096, times 20 runs = 0.0098 < 0.05.
  assert.ok(Math.abs((c.runs[3]?.pAdjusted ?? 0) - (2 / 4096) * 20) < 1e-12);
});

test('per-run verdicts say insufficient samples when the rounds cannot reach alpha after correction', () => {
  // 8 rounds: the best p is 2/256, times 30 runs = 0.23 > 0.05.
  const c = judgeAb(
    measurement(30, 8, (i) => (i === 3 ? 2 : 1)),
    FAST,
  );
  assert.ok(c.runs.every((r) => r.state === 'insufficient-samples'));
});

test('Benjamini-Hochberg flags more runs than Holm when many runs changed', () => {
  const factor = (i: number) => (i < 12 ? 1.5 : 1);
  const holm = judgeAb(measurement(30, 9, factor, 0.1), { ...FAST, correction: 'holm' });
  const bh = judgeAb(measurement(30, 9, factor, 0.1), { ...FAST, correction: 'bh' });
  const count = (c: typeof holm) => c.runs.filter((r) => r.state === 'regressed').length;
  // 9 rounds: best p = 2/512; Holm's first step needs p * 30 < 0.05 (0.117: none); BH's last step p * 30/12 < 0.05.
  assert.equal(count(holm), 0);
  assert.equal(count(bh), 12);
});

test('the minimum estimator ignores rounds slowed by interference that the median estimator sees', () => {
  // Ten of twelve rounds of head are hit by a 60% slowdown; its two clean rounds are as fast as base's.
  const m = measurement(30, 12, () => 1, 0.02);
  for (const run of m.runs) run.headMs = run.headMs.map((ms, k) => (k === 3 || k === 7 ? ms : ms * 1.6));
  assert.equal(judgeAb(m, { ...FAST, estimator: 'min' }).suite.state, 'no-change');
  assert.equal(judgeAb(m, { ...FAST, estimator: 'median' }).suite.state, 'regressed');
});

test('an exact metric that differs is an exact change, which wins over a regression', () => {
  const m = measurement(30, 12, () => 1.2);
  const head = m.runs[2]?.head;
  if (head?.status === 'ok' && head.kind === 'scenario') head.metrics.hypercalls.traps += 1;
  const c = judgeAb(m, FAST);
  assert.deepEqual(
    c.exact.map((e) => [e.id, e.changes.map((x) => x.metric)]),
    [['run 66', ['hypercalls.traps']]],
  );
  assert.equal(abOutcome(c), 'exact-change');
  assert.equal(abOutcome(c, { acceptExactChanges: true }), 'regressed');
});

test('a run that fails on one side is an exact change of its status and is not timed', () => {
  const m = measurement(30, 12, () => 1);
  const run = m.runs[0];
  if (run) run.head = { id: run.id, kind: 'scenario', params: {}, status: 'error', error: 'ModelError: boom' };
  const c = judgeAb(m, FAST);
  assert.equal(c.suite.runs, 29);
  assert.equal(c.exact[0]?.changes[0]?.metric, 'status');
});

test('the judgement is the same every time: the bootstrap is seeded', () => {
  const m = measurement(30, 12, () => 1.1);
  assert.deepEqual(judgeAb(m, FAST).suite, judgeAb(m, FAST).suite);
});
