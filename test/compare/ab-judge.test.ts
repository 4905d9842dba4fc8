import assert from 'node:assert/strict';
import { test } from 'node:test';
import { abOutcome, bandTestP, judgeAb, roundsByBlock } from '../../src/compare/ab/judge.js';
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

/**
 * `runs` runs of `rounds` rounds; run i takes (1 + i/10) ms on base, `factor(i)` times that on head, plus noise.
 * With `blocks`, round k ran in block k mod blocks, and head is also scaled by exp(offset(i, block)): what a
 * fresh isolate's JIT decisions do to one copy of the code for a whole block.
 */
function measurement(
  runs: number,
  rounds: number,
  factor: (run: number) => number,
  amplitude = 0.3,
  { blocks = 1, offset = (_run: number, _block: number): number => 0 } = {},
): AbMeasurement {
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
      headMs: Array.from(
        { length: rounds },
        (_, k) => ms * factor(i) * Math.exp(offset(i, k % blocks)) * wobble(i, k, 1, amplitude),
      ),
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
    ...(blocks > 1 ? { blocks, roundBlocks: Array.from({ length: rounds }, (_, k) => k % blocks) } : {}),
    durationMs: 1000,
    partial: false,
    loadAverage: { start: [1, 1, 1], end: [1, 1, 1] },
    runs: list,
  };
}

/**
 * Per-block offsets of identical code, as measured (docs/measurement.md): every run moved by up to +-6% from
 * one block to the next (a deterministic pattern per run), and a group of runs (0-9) that one isolate moved
 * by 8-12% and the next the other way.
 */
function isolateLuck(run: number, block: number): number {
  const spread = [0.06, -0.06, 0][(run + block) % 3] ?? 0;
  if (run < 10) return spread + ([0.12, -0.09, 0.1][block] ?? 0);
  return spread;
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

const verdicts = (c: ReturnType<typeof judgeAb>, state: string) => c.runs.filter((r) => r.state === state).map((r) => r.id);

test('identical code with a per-block offset gives no per-run verdict, though single blocks lie beyond the band', () => {
  const m = measurement(30, 12, () => 1, 0.02, { blocks: 3, offset: isolateLuck });
  const c = judgeAb(m, FAST);
  assert.deepEqual(
    c.runs.map((r) => r.state),
    c.runs.map(() => 'no-change'),
  );
  // What one block (one worker thread, as before blocks) saw of each of runs 0-9: more than 10% slower in one.
  for (const run of c.runs.slice(0, 10)) assert.ok(Math.max(...run.blockRatios) > 1.1, JSON.stringify(run.blockRatios));
});

test('a group of runs moved the same way in every block, not far beyond the band, gets no verdict', () => {
  // Runs 0-9 are 6-9% slower in all three blocks (every block beyond 1.05, mean 7.9%); every run spreads by
  // +-3% between blocks. Tested against 1 (no change) instead of the band, each of the ten would be flagged.
  const offset = (run: number, block: number) =>
    ([0.03, -0.03, 0][(run + block) % 3] ?? 0) + (run < 10 ? ([0.09, 0.06, 0.08][block] ?? 0) : 0);
  const c = judgeAb(
    measurement(30, 12, () => 1, 0.02, { blocks: 3, offset }),
    FAST,
  );
  assert.ok(c.runs.slice(0, 10).some((r) => r.blockRatios.every((x) => x > 1.05)));
  assert.deepEqual(verdicts(c, 'regressed'), []);
});

test('a run 30% slower in every block, among runs with per-block offsets, is flagged; the others are not', () => {
  const c = judgeAb(
    measurement(30, 12, (i) => (i === 13 ? 1.3 : 1), 0.02, { blocks: 3, offset: isolateLuck }),
    FAST,
  );
  assert.deepEqual(verdicts(c, 'regressed'), ['run 77']);
  assert.deepEqual(verdicts(c, 'improved'), []);
  const run = c.runs[13];
  assert.ok(run?.blockRatios.every((r) => r > 1.05) && run.ci.low > 1.05, JSON.stringify(run));
});

test('a run 30% faster in every block is improved', () => {
  const c = judgeAb(
    measurement(30, 12, (i) => (i === 13 ? 1 / 1.3 : 1), 0.02, { blocks: 3, offset: isolateLuck }),
    FAST,
  );
  assert.deepEqual(verdicts(c, 'improved'), ['run 77']);
});

test('a run 30% slower in two blocks of three is not flagged: every block must agree', () => {
  // Run 13 is 27-30% slower in blocks 0 and 1 and as fast in block 2; the band test alone would flag it (mean +18%).
  const spread = (run: number, block: number) => [0.03, -0.03, 0][(run + block) % 3] ?? 0;
  const offset = (run: number, block: number) => spread(run, block) + (run === 13 ? (block < 2 ? Math.log(1.3) : -0.03) : 0);
  const c = judgeAb(
    measurement(30, 12, () => 1, 0.02, { blocks: 3, offset }),
    FAST,
  );
  assert.ok((c.runs[13]?.pAdjusted ?? 1) < 0.05, String(c.runs[13]?.pAdjusted));
  assert.deepEqual(verdicts(c, 'regressed'), []);
});

test('with one block, per-run verdicts are insufficient samples, even for a run twice as slow', () => {
  const c = judgeAb(
    measurement(30, 12, (i) => (i === 3 ? 2 : 1)),
    FAST,
  );
  assert.ok(c.runs.every((r) => r.state === 'insufficient-samples'));
  assert.equal(c.runs[3]?.blockRatios.length, 1);
});

test('Benjamini-Hochberg flags more runs than Holm when many runs changed', () => {
  // Every run's blocks spread by +-3% (sd 0.03 over 3 blocks: se 0.0173, 60 degrees of freedom); runs 0-11 are
  // 9.9% slower, so each block lies beyond 1.05 and the band test gives p = 0.01: Holm needs p * 30 < 0.05
  // (none), BH p * 30/12 < 0.05 (all twelve).
  const excess = 0.0173 * 2.66;
  const offset = (run: number, block: number) => [0.03, -0.03, 0][(run + block) % 3] ?? 0;
  const factor = (i: number) => (i < 12 ? Math.exp(Math.log(1.05) + excess) : 1);
  const m = measurement(30, 6, factor, 0, { blocks: 3, offset });
  const holm = judgeAb(m, { ...FAST, correction: 'holm' });
  const bh = judgeAb(m, { ...FAST, correction: 'bh' });
  assert.ok(Math.abs((holm.runs[0]?.p ?? 0) - 0.01) < 0.0005, String(holm.runs[0]?.p));
  assert.equal(verdicts(holm, 'regressed').length, 0);
  assert.equal(verdicts(bh, 'regressed').length, 12);
});

test('the suite verdict does not depend on how the rounds are split into blocks', () => {
  for (const factor of [1, 1.2, 1 / 1.2]) {
    const one = judgeAb(
      measurement(30, 12, () => factor),
      FAST,
    );
    const three = judgeAb(
      measurement(30, 12, () => factor, 0.3, { blocks: 3 }),
      FAST,
    );
    assert.deepEqual(three.suite, one.suite);
  }
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

test('the band test is a t-test against the edge of the band: scipy t.sf values', () => {
  // scipy.stats.t.sf(2.0, 10) = 0.036694017385370196; t.sf(1.0, 168) = 0.15938232...
  assert.ok(Math.abs(bandTestP(0.3, 0.1, 0.1, 10) - 2 * 0.036694017385370196) < 1e-12);
  assert.ok(Math.abs(bandTestP(-0.3, 0.1, 0.1, 10) - 2 * 0.036694017385370196) < 1e-12);
  assert.equal(bandTestP(0.05, 0.1, 0.1, 10), 1);
  assert.equal(bandTestP(0.2, 0.1, 0, 10), 0);
});

test('rounds are grouped by the block they ran in; a record without blocks is one block', () => {
  assert.deepEqual(
    roundsByBlock({ rounds: 5, roundBlocks: [0, 1, 2, 0, 1] }).map((r) => [...r]),
    [[0, 3], [1, 4], [2]],
  );
  assert.deepEqual(
    roundsByBlock({ rounds: 3 }).map((r) => [...r]),
    [[0, 1, 2]],
  );
});
