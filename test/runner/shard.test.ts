import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CostEstimator, PROBE_PTE_PAGES } from '../../src/runner/cost-estimate.js';
import { expandMatrices } from '../../src/runner/matrix.js';
import { withoutShard } from '../../src/runner/merge.js';
import { parseShard, partition, planDigest, shardPlan } from '../../src/runner/shard.js';
import { resolveParams, runScenario } from '../../src/scenarios/index.js';
import { ConfigError } from '../../src/shared/errors.js';

const specs = expandMatrices(
  [
    {
      strategy: ['unlocked', 'per-pte-deferred', 'mm-lock'],
      mode: ['4level'],
      ptePages: [8, 64, 200],
      vcpus: [1, 3],
      seed: [1, 2],
    },
  ],
  [],
);
const plan = { suiteName: 'test', kind: 'scenario' as const, specs };

describe('--shard i/n', () => {
  it('reads i/n with 1 <= i <= n', () => {
    assert.deepEqual(parseShard('2/4'), { index: 2, count: 4 });
    assert.deepEqual(parseShard(' 1 / 1 '), { index: 1, count: 1 });
  });

  for (const bad of ['0/4', '5/4', '1/0', '2', 'a/b', '1/2/3', '-1/2', '1.5/3', '1/1001', '']) {
    it(`refuses ${JSON.stringify(bad)}, naming --shard and the form expected`, () => {
      assert.throws(
        () => parseShard(bad),
        (e: unknown) =>
          e instanceof ConfigError && e.field === '--shard' && /expected i\/n with 1 <= i <= n <= 1000/.test(e.message),
      );
    });
  }
});

describe('partition', () => {
  it('puts every run in exactly one part', () => {
    const costs = [9, 1, 1, 7, 3, 3, 2, 8, 5, 5, 4];
    for (const n of [1, 2, 3, 4, 11, 15]) {
      const parts = partition(costs, n);
      assert.equal(parts.length, n);
      assert.deepEqual(
        parts.flat().sort((a, b) => a - b),
        costs.map((_, i) => i),
      );
      for (const part of parts)
        assert.deepEqual(
          part,
          [...part].sort((a, b) => a - b),
          'each part in plan order',
        );
    }
  });

  it('keeps the largest part within the largest run of the mean (the greedy rule, costliest first)', () => {
    const costs = Array.from({ length: 97 }, (_, i) => ((i * 7919) % 101) + 1);
    const total = costs.reduce((a, b) => a + b, 0);
    for (const n of [2, 5, 20]) {
      const loads = partition(costs, n).map((p) => p.reduce((a, i) => a + (costs[i] ?? 0), 0));
      assert.ok(Math.max(...loads) <= total / n + Math.max(...costs), `${n} parts: ${loads.join(', ')}`);
    }
  });

  it('gives each run, costliest first, to the least loaded part, ties to the lowest-numbered part', () => {
    // 10 -> part 1 (0 = 0); 6 -> part 2 (0 < 10); 5 -> part 2 (6 < 10); 4 -> part 1 (10 < 11); 1 -> part 2 (11 < 14).
    assert.deepEqual(partition([10, 6, 5, 4, 1], 2), [
      [0, 3],
      [1, 2, 4],
    ]);
    assert.deepEqual(partition([1, 1], 2), [[0], [1]]);
  });

  it('is the same cut for the same plan, whatever estimator instance or part is asked for', () => {
    const a = shardPlan(plan, { index: 2, count: 3 });
    const b = shardPlan(plan, { index: 2, count: 3 }, new CostEstimator());
    assert.deepEqual(a.record, b.record);
    const all = [1, 2, 3].flatMap((index) => shardPlan(plan, { index, count: 3 }).record.positions);
    assert.deepEqual(
      all.sort((x, y) => x - y),
      specs.map((_, i) => i),
    );
  });

  it('records the part: its positions and ids in plan order, the plan digest and size', () => {
    const { plan: part, record } = shardPlan(plan, { index: 1, count: 4 });
    assert.equal(record.planRuns, specs.length);
    assert.equal(record.plan, planDigest('test', specs));
    assert.deepEqual(
      record.ids,
      record.positions.map((i) => specs[i]?.id),
    );
    assert.deepEqual(
      part.specs.map((s) => s.id),
      record.ids,
    );
    assert.ok(record.estimatedMs <= record.largestPartMs);
  });

  it('balances by estimated cost, not by count: parts of very different run counts', () => {
    const { record: r1 } = shardPlan(plan, { index: 1, count: 2 });
    const { record: r2 } = shardPlan(plan, { index: 2, count: 2 });
    // The costliest runs (200 PTE pages, racing) go first, one per part; the cheap ones fill the other part.
    assert.ok(Math.abs(r1.estimatedMs - r2.estimatedMs) <= r1.largestPartMs / 2);
  });

  it('a plan digest changes with any run parameter, and with the suite name', () => {
    const changed = specs.map((s, i) =>
      i === 5 && s.kind === 'scenario' ? { ...s, params: { ...s.params, dwellNs: s.params.dwellNs + 1 } } : s,
    );
    assert.notEqual(planDigest('test', changed), planDigest('test', specs));
    assert.notEqual(planDigest('other', specs), planDigest('test', specs));
  });
});

describe('cost estimate', () => {
  it("estimates a one-vCPU run's events from its strategy's probe cycles, exactly where the walk is linear", () => {
    const p = resolveParams({ strategy: 'unlocked', mode: '4level', ptePages: 40, vcpus: 1, iterations: 3, dwellNs: 0 });
    const actual = runScenario(p).events;
    const estimate = new CostEstimator().estimate({ kind: 'scenario', id: 'x', params: p }).events;
    // Between the probe sizes the walk's events are a line in the pages (the batch boundaries aside): within 5%.
    assert.ok(PROBE_PTE_PAGES[0] < 40 && 40 < PROBE_PTE_PAGES[1]);
    assert.ok(Math.abs(estimate - actual) / actual < 0.05, `${estimate} against ${actual}`);
  });

  it('sees that writers of mm-lock wait out the pin, where writers of unlocked race it', () => {
    const est = new CostEstimator();
    const e = (strategy: string) =>
      est.estimate({
        kind: 'scenario',
        id: strategy,
        params: resolveParams({ strategy, mode: '4level', ptePages: 64, vcpus: 4, dwellNs: 0 }),
      }).events;
    assert.ok(e('unlocked') > 2 * e('mm-lock'), `${e('unlocked')} against ${e('mm-lock')}`);
  });
});

describe('merge helpers', () => {
  it('drops --shard from a recorded command line, in both spellings', () => {
    assert.deepEqual(withoutShard(['run', 'ci', '--shard', '2/4', '--out', 'x']), ['run', 'ci', '--out', 'x']);
    assert.deepEqual(withoutShard(['run', '--shard=1/2', 'ci']), ['run', 'ci']);
  });
});
