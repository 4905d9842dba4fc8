import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildReportData } from '../../src/report/index.js';
import { makeResultSet } from '../../benchmarks/speed/synthetic-results.js';
import { defined } from '../../src/shared/defined.js';

test('counts are per pin/unpin cycle: the run total divided by the pins', () => {
  const set = makeResultSet({
    strategies: ['per-pte-deferred'],
    sizes: [100],
    vcpus: [1],
    seeds: 1,
    iterations: 10,
    micro: false,
  });
  const run = defined(set.runs[0]);
  assert.ok(run.kind === 'scenario' && run.status === 'ok');
  const [row] = buildReportData([set]).rows;
  assert.ok(row, 'one row');
  assert.equal(row.trapsPerCycle, run.metrics.hypercalls.traps / 10);
  assert.equal(row.entriesPerCycle, run.metrics.hypercalls.entries / 10);
  // The fixture follows section 9: G=1, U=1, N=100 gives 206 slots per pin and 205 per unpin.
  assert.equal(row.entriesPerCycle, 206 + 205);
});

test('seeds of one configuration become one row: faults summed, the faulty seeds counted', () => {
  const set = makeResultSet({ strategies: ['unlocked'], sizes: [256], vcpus: [4], seeds: 3, micro: false });
  const data = buildReportData([set]);
  assert.equal(data.rows.length, 1);
  const row = defined(data.rows[0]);
  assert.deepEqual(row.seeds, [1, 2, 3]);
  const faults = set.runs.map((r) => (r.kind === 'scenario' && r.status === 'ok' ? r.metrics.faults.writeProtect : 0));
  assert.equal(
    row.faults,
    faults.reduce((a, b) => a + b, 0),
  );
  assert.equal(row.faultySeeds, faults.filter((f) => f > 0).length);
});

test('the PREEMPT limit of a row is 2^preemptBits', () => {
  const [row] = buildReportData([
    makeResultSet({ strategies: ['whole-lock'], sizes: [300], vcpus: [1], seeds: 1, micro: false }),
  ]).rows;
  assert.ok(row, 'one row');
  assert.equal(row.preemptLimit, 256);
  assert.equal(row.preemptMaxDepth, 301);
  assert.ok(row.preemptOverflows > 0);
});

test("the lock the writers take comes from the runs' splitPtlocks, whatever the strategy is called", () => {
  const set = makeResultSet({ strategies: ['per-pte-deferred'], sizes: [64], vcpus: [4], seeds: 1, micro: false });
  const renamed = JSON.parse(JSON.stringify(set)) as typeof set;
  for (const run of renamed.runs) {
    if (run.kind !== 'scenario' || run.status !== 'ok') continue;
    run.params.strategy = 'my-global-lock';
    run.splitPtlocks = false;
  }
  const [row] = buildReportData([renamed]).rows;
  assert.ok(row, 'one row');
  assert.equal(row?.strategy, 'my-global-lock');
  assert.equal(row?.writerLock, 'page_table_lock');
});

test('a run without splitPtlocks (a 0.1 file) has split PTE locks on, the Strategy default', () => {
  const set = makeResultSet({ strategies: ['mm-lock'], sizes: [64], vcpus: [4], seeds: 1, micro: false });
  for (const run of set.runs) if (run.kind === 'scenario' && run.status === 'ok') delete run.splitPtlocks;
  assert.equal(buildReportData([set]).rows[0]?.writerLock, 'ptl');
});

test('racing writers under mm-lock wait for page_table_lock, under the others for the PTE lock', () => {
  const rows = buildReportData([
    makeResultSet({ strategies: ['mm-lock', 'per-pte-deferred'], sizes: [64], vcpus: [4], seeds: 1, micro: false }),
  ]).rows;
  assert.equal(rows.find((r) => r.strategy === 'mm-lock')?.writerLock, 'page_table_lock');
  assert.equal(rows.find((r) => r.strategy === 'per-pte-deferred')?.writerLock, 'ptl');
});

test('only parameters that vary become filters, strategy and seed never do', () => {
  const data = buildReportData([makeResultSet({ modes: ['2level', '4level'], sizes: [64, 128], vcpus: [2], micro: false })]);
  // The kernel follows the mode here (2.6.24 on 2level, current on 4level), so it varies too.
  assert.deepEqual(
    data.filters.map((f) => f.name),
    ['mode', 'kernel', 'ptePages'],
  );
  const mode = defined(data.filters[0]);
  assert.deepEqual(mode.values, ['2level', '4level']);
  assert.equal(mode.initial, '4level');
  assert.deepEqual(defined(data.filters[2]).values, ['64', '128'], 'numbers sort as numbers');
});

test('the five strategies keep their fixed order and Okabe-Ito colours', () => {
  const data = buildReportData([makeResultSet({ strategies: ['unbatched', 'unlocked', 'per-pte-deferred'], micro: false })]);
  assert.deepEqual(data.strategies, ['unlocked', 'per-pte-deferred', 'unbatched']);
  assert.equal(data.colours.unlocked, '#D55E00');
  assert.equal(data.colours['per-pte-deferred'], '#009E73');
});

test('failed runs are listed apart and left out of the rows', () => {
  const set = makeResultSet({ strategies: ['unlocked'], sizes: [64], vcpus: [1], seeds: 2, errors: 1, micro: false });
  const data = buildReportData([set]);
  assert.equal(data.errors.length, 1);
  assert.match(defined(data.errors[0]).error, /ModelError/);
  assert.deepEqual(defined(data.rows[0]).seeds, [1]);
});

test('the header names what varies and what is fixed', () => {
  const [header] = buildReportData([makeResultSet({ sizes: [64, 300], vcpus: [1], micro: false })]).sets;
  assert.ok(header, 'one result set header');
  assert.deepEqual(header.varying.ptePages, ['64', '300']);
  assert.equal(header.fixed.vcpus, '1');
  assert.equal(header.fixed.mode, '4level');
  assert.match(header.tool, /pinbench 0\.1\.0 \(commit d210565\)/);
});
