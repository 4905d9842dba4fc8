import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeResultSet } from '../../benchmarks/speed/synthetic-results.js';
import { groupBySeed, perCycle, pooled, seedRule } from '../../src/results/seeds.js';
import type { ScenarioRun } from '../../src/results/types.js';

/** The ok scenario runs of a synthetic set of one strategy, one size, three seeds, racing writers. */
function threeSeeds(): ScenarioRun[] {
  const set = makeResultSet({ strategies: ['per-pte-deferred'], sizes: [256], vcpus: [4], seeds: 3, micro: false });
  return set.runs.filter((r): r is ScenarioRun => r.kind === 'scenario' && r.status === 'ok');
}

test('the rule of a metric follows its name: rates averaged, maxima and percentiles the largest, counts summed', () => {
  assert.equal(seedRule('throughput.pinsPerSec', 1), 'mean');
  assert.equal(seedRule('preempt.maxDepth', 1), 'max');
  assert.equal(seedRule('locks.ptl.holdNs.minNs', 1), 'min');
  assert.equal(seedRule('locks.ptl.holdNs.p99Ns', 1), 'max');
  assert.equal(seedRule('locks.ptl.holdNs.meanNs', 1), 'pooled-mean');
  assert.equal(seedRule('hypercalls.traps', 1), 'sum');
  assert.equal(seedRule('xen.tlbFlushes', 1), 'sum', 'a metric no rule names is a count');
  assert.equal(seedRule('lockdep.disabled', false), 'any');
  assert.equal(seedRule('faults.firstHypercallError', null), 'first');
});

test('seeds pool as one long run: totals summed, per cycle over all pins, p99 the largest, mean weighted', () => {
  const runs = threeSeeds();
  const [group] = groupBySeed(runs);
  assert.ok(group !== undefined);
  assert.deepEqual(group.seeds, [1, 2, 3]);
  const m = runs.map((r) => r.metrics);
  const sum = (f: (x: (typeof m)[number]) => number): number => m.reduce((a, x) => a + f(x), 0);
  assert.equal(
    pooled(group, 'hypercalls.traps'),
    sum((x) => x.hypercalls.traps),
  );
  assert.equal(perCycle(group, 'hypercalls.traps'), sum((x) => x.hypercalls.traps) / sum((x) => x.counts.pins));
  assert.equal(pooled(group, 'locks.ptl.holdNs.p99Ns'), Math.max(...m.map((x) => x.locks.ptl.holdNs.p99Ns)));
  assert.equal(pooled(group, 'locks.ptl.holdNs.minNs'), Math.min(...m.map((x) => x.locks.ptl.holdNs.minNs)));
  const count = sum((x) => x.locks.ptl.holdNs.count);
  assert.ok(
    Math.abs(
      pooled(group, 'locks.ptl.holdNs.meanNs') - sum((x) => x.locks.ptl.holdNs.meanNs * x.locks.ptl.holdNs.count) / count,
    ) < 1e-9,
  );
  assert.equal(pooled(group, 'throughput.pinsPerSec'), sum((x) => x.throughput.pinsPerSec) / 3);
});

test('a seed without a sample of a distribution adds nothing to its minimum or percentiles', () => {
  const runs = threeSeeds();
  const quiet = runs[1];
  assert.ok(quiet !== undefined);
  quiet.metrics.locks.ptl.waitNs = { count: 0, minNs: 0, meanNs: 0, p50Ns: 0, p99Ns: 0, maxNs: 0, totalNs: 0 };
  const [group] = groupBySeed(runs);
  assert.ok(group !== undefined);
  const others = [runs[0], runs[2]].map((r) => r?.metrics.locks.ptl.waitNs.minNs ?? 0);
  assert.equal(pooled(group, 'locks.ptl.waitNs.minNs'), Math.min(...others));
});

test('a new metric of any type is pooled without a rule of its own', () => {
  const runs = threeSeeds();
  runs.forEach((r, i) => {
    Object.assign(r.metrics, { xen: { tlbFlushes: 10 * (i + 1) }, lockdep: { ...r.metrics.lockdep, disabled: i === 2 } });
    Object.assign(r.metrics.faults, { firstHypercallError: i === 0 ? null : `EINVAL ${i}` });
  });
  const [group] = groupBySeed(runs);
  assert.ok(group !== undefined);
  assert.equal(group.exact['xen.tlbFlushes'], 60);
  assert.equal(group.exact['lockdep.disabled'], true);
  assert.equal(group.nonZeroRuns['lockdep.disabled'], 1);
  assert.equal(group.exact['faults.firstHypercallError'], 'EINVAL 1');
});

test('runs that differ in anything but the seed form separate groups, in order of first appearance', () => {
  const set = makeResultSet({ strategies: ['unlocked', 'mm-lock'], sizes: [64, 256], vcpus: [1], seeds: 2, micro: false });
  const groups = groupBySeed(set.runs);
  assert.deepEqual(
    groups.map((g) => `${g.params.strategy}/${g.params.ptePages}/${g.seeds.join('+')}`),
    ['unlocked/64/1+2', 'unlocked/256/1+2', 'mm-lock/64/1+2', 'mm-lock/256/1+2'],
  );
});
