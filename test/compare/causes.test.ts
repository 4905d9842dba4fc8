import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareResultSets } from '../../src/compare/compare-result-sets.js';
import { comparisonOutcome } from '../../src/compare/outcome.js';
import { renderComparisonText } from '../../src/compare/render-text.js';
import type { ResultSet } from '../../src/results/types.js';
import { clone, resultSet } from './fixtures.js';

function compare(baseline: ResultSet, current: ResultSet) {
  return compareResultSets({ source: 'base.json', resultSet: baseline }, { source: 'current.json', resultSet: current });
}

/** The fixture with MC_BATCH (and the MC_ARGS that follows it, 24 bytes a slot) changed in every run. */
function withMcBatch(set: ResultSet, mcBatch: number): ResultSet {
  const copy = clone(set);
  for (const run of copy.runs) Object.assign(run.params, { mcBatch, mcArgs: mcBatch * 24 });
  return copy;
}

test('a default changed in every run pairs the runs and names the parameter, not missing and new runs', () => {
  const comparison = compare(resultSet(), withMcBatch(resultSet(), 16));
  assert.equal(comparison.summary.paired, 3);
  assert.deepEqual([comparison.summary.missing, comparison.summary.added], [0, 0]);
  assert.deepEqual(comparison.runs[0]?.paramChanges, [
    { name: 'mcBatch', baseline: 32, current: 16 },
    { name: 'mcArgs', baseline: 768, current: 384 },
  ]);
  assert.deepEqual(
    comparison.causes.filter((c) => c.kind === 'parameter').map((c) => c.text),
    ['mcBatch: 32 -> 16 in 3 run(s)', 'mcArgs: 768 -> 384 in 3 run(s)'],
  );
  assert.equal(comparisonOutcome(comparison), 'exact-change');
});

test('a suite axis that changed (other sizes) leaves those runs missing and new', () => {
  const current = clone(resultSet());
  const run = current.runs[2];
  if (run) {
    (run.params as Record<string, unknown>).ptePages = 1024;
    run.id = 'per-pte-deferred 4level ptePages=1024 vcpus=2 seed=1';
  }
  const comparison = compare(resultSet(), current);
  assert.deepEqual([comparison.summary.paired, comparison.summary.missing, comparison.summary.added], [2, 1, 1]);
  assert.equal(comparison.causes.filter((c) => c.kind === 'parameter').length, 0);
});

test('changed cost-profile numbers, version, commit, dirty tree and argv are each named', () => {
  const current = clone(resultSet());
  current.profiles = { 'xen-4.17-skylake': { hypercallTrapNs: 750 } };
  current.tool = {
    name: 'pinbench',
    version: '0.2.0',
    commit: 'fedcba9876543210fedcba9876543210fedcba98',
    dirty: true,
  } as ResultSet['tool'];
  current.argv = ['run', 'ci', '--mc-batch', '16'];
  const texts = compare({ ...resultSet(), argv: ['run', 'ci'] }, current).causes.map((c) => `${c.kind}: ${c.text}`);
  assert.deepEqual(texts, [
    'cost profile: xen-4.17-skylake.hypercallTrapNs: 700 -> 750',
    'pinbench version: 0.1.0 -> 0.2.0',
    'commit: 0123456789ab -> fedcba987654',
    'working tree: the current was measured with uncommitted changes to pinbench',
    'argv: pinbench run ci -> pinbench run ci --mc-batch 16',
  ]);
});

test('a result set that failed its determinism check is named as a cause', () => {
  const current = { ...clone(resultSet()), determinism: { checked: true, passed: false, differences: 3 } } as ResultSet;
  const causes = compare(resultSet(), current).causes;
  assert.match(causes[0]?.text ?? '', /the current failed its determinism check \(3 difference\(s\)\)/);
});

test('the text names the causes and summarises each changed metric before the cell-by-cell list', () => {
  const current = clone(resultSet());
  for (const run of current.runs) if (run.status === 'ok' && run.kind === 'scenario') run.metrics.hypercalls.traps += 2;
  const first = current.runs[0];
  if (first?.status === 'ok' && first.kind === 'scenario') first.metrics.hypercalls.traps += 3;
  const comparison = compare(resultSet(), current);
  const text = renderComparisonText(comparison, comparisonOutcome(comparison));
  // traps (fixtures: ceil((2 x PTE pages + 8) / 32) + 4): 9 -> 14 (+5, +55.6%) in the first run, 9 -> 11
  // (+22.2%) and 21 -> 23 (+9.52%) in the others.
  assert.match(text, /^ {2}hypercalls\.traps +3 +\+2 to \+5 \(\+9\.52% to \+55\.6%\)$/m);
  assert.ok(text.indexOf('Per metric:') < text.indexOf('Cell by cell:'));
});
