import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildComparison, renderComparison, renderReport } from '../../src/report/index.js';
import type { ResultSet } from '../../src/results/types.js';
import { makeResultSet } from '../../benchmarks/speed/synthetic-results.js';

const small = { strategies: ['unlocked', 'per-pte-deferred'], sizes: [64, 256], vcpus: [1], seeds: 1, micro: false };

/** A copy of `set` with the traps of the per-pte-deferred run at `ptePages` multiplied by `factor`. */
function withMoreTraps(set: ResultSet, ptePages: number, factor: number): ResultSet {
  const copy = structuredClone(set);
  for (const run of copy.runs) {
    if (
      run.kind === 'scenario' &&
      run.status === 'ok' &&
      run.params.strategy === 'per-pte-deferred' &&
      run.params.ptePages === ptePages
    ) {
      run.metrics.hypercalls.traps *= factor;
    }
  }
  return copy;
}

test('identical result sets have no changed exact metric and ratios of 1', () => {
  const set = makeResultSet(small);
  const cmp = buildComparison(set, structuredClone(set), { baseline: 0, current: 1 });
  assert.equal(cmp.matched, 4);
  assert.equal(cmp.changedExact, 0);
  assert.equal(cmp.changedRuns, 0);
  for (const cell of cmp.ratios.filter((c) => c.kind === 'exact')) assert.equal(cell.ratio, 1, `${cell.strategy} ${cell.metric}`);
});

test('a changed exact metric is listed with both values and its ratio', () => {
  const base = makeResultSet(small);
  const cmp = buildComparison(base, withMoreTraps(base, 256, 2), { baseline: 0, current: 1 });
  assert.equal(cmp.changedExact, 1);
  assert.equal(cmp.changedRuns, 1);
  const [change] = cmp.changed;
  assert.ok(change, 'one changed metric');
  assert.equal(change.metric, 'hypercalls.traps');
  assert.equal(change.strategy, 'per-pte-deferred');
  assert.equal(change.ratio, 2);
  assert.equal(change.current, (change.baseline as number) * 2);
});

test('the per-strategy ratio is the geometric mean over run pairs', () => {
  const base = makeResultSet(small);
  const cmp = buildComparison(base, withMoreTraps(base, 256, 4), { baseline: 0, current: 1 });
  const cell = cmp.ratios.find((c) => c.strategy === 'per-pte-deferred' && c.metric === 'traps');
  assert.ok(cell !== undefined);
  assert.equal(cell.pairs, 2);
  assert.ok(Math.abs(cell.ratio - 2) < 1e-12, `sqrt(1 * 4) = 2, got ${cell.ratio}`);
});

test('runs on one side only are named, not compared', () => {
  const base = makeResultSet(small);
  const current = makeResultSet({ ...small, sizes: [64, 1024] });
  const cmp = buildComparison(base, current, { baseline: 0, current: 1 });
  assert.equal(cmp.matched, 2);
  assert.deepEqual(cmp.onlyBaseline.sort(), [
    'per-pte-deferred 4level ptePages=256 vcpus=1 seed=1',
    'unlocked 4level ptePages=256 vcpus=1 seed=1',
  ]);
  assert.equal(cmp.onlyCurrent.length, 2);
});

test('the changed-metric list is capped but the count covers every change', () => {
  const base = makeResultSet(small);
  const current = structuredClone(base);
  for (const run of current.runs) if (run.kind === 'scenario' && run.status === 'ok') run.metrics.virtualNs += 1;
  const cmp = buildComparison(base, current, { baseline: 0, current: 1 }, 2);
  assert.equal(cmp.changedExact, 4);
  assert.equal(cmp.changed.length, 2);
});

test('a slower toolkit shows as a wall ratio above 1, not as an exact change', () => {
  const base = makeResultSet(small);
  const cmp = buildComparison(base, makeResultSet({ ...small, wallFactor: 3 }), { baseline: 0, current: 1 });
  assert.equal(cmp.changedExact, 0);
  for (const w of cmp.wall) assert.ok(Math.abs(w.ratio - 3) < 1e-9, `${w.run}: ${w.ratio}`);
});

test('a report of two sets has a comparison section with the changed metric highlighted', () => {
  const base = makeResultSet(small);
  const html = renderReport([base, withMoreTraps(base, 256, 2)]);
  assert.match(html, /<section id="comparison">/);
  assert.match(html, /id="chart-compare-0"/);
  assert.match(html, /1 exact metric values changed in 1 of 4 matched runs/);
  assert.match(html, /<td>hypercalls\.traps<\/td>.*<td class="num changed">/s);
});

test('a report of one set has no comparison section', () => {
  assert.doesNotMatch(renderReport([makeResultSet(small)]), /<section id="comparison">/);
});

test('renderComparison gives a page with the header and the comparison only', () => {
  const base = makeResultSet(small);
  const html = renderComparison(base, structuredClone(base));
  assert.match(html, /No exact metric changed in 4 matched runs/);
  assert.doesNotMatch(html, /id="chart-traps"/);
  assert.doesNotMatch(html, /<section id="summary">/);
});
