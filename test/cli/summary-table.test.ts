import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeResultSet } from '../../benchmarks/speed/synthetic-results.js';
import { summaryTable } from '../../src/cli/summary-table.js';
import { buildReportData } from '../../src/report/render.js';
import type { ResultSet, ScenarioRun } from '../../src/results/types.js';

/**
 * The cells of the summary row whose first cells are `prefix`, by header: the columns are the dashes of the rule
 * under the header, whose lines (a header may take two) are joined with a space.
 */
function row(table: string, prefix: RegExp): Record<string, string> {
  const lines = table.split('\n');
  const rule = lines.findIndex((l) => /^-+( +-+)*$/.test(l));
  assert.ok(rule > 0, table);
  const spans = [...(lines[rule] ?? '').matchAll(/-+/g)].map((m) => [m.index ?? 0, (m.index ?? 0) + m[0].length] as const);
  const header = spans.map(([a, b]) =>
    lines
      .slice(0, rule)
      .map((l) => l.slice(a, b).trim())
      .filter(Boolean)
      .join(' '),
  );
  const line = lines.find((l) => prefix.test(l));
  assert.ok(line !== undefined, `no row ${prefix}`);
  return Object.fromEntries(header.map((h, i) => [h, line.slice(spans[i]?.[0], spans[i]?.[1]).trim()]));
}

function scenarioRuns(set: ResultSet): ScenarioRun[] {
  return set.runs.filter((r): r is ScenarioRun => r.kind === 'scenario' && r.status === 'ok');
}

test("writer wait under mm-lock is page_table_lock's, read from the runs' splitPtlocks", () => {
  const set = makeResultSet({ strategies: ['mm-lock'], sizes: [64], vcpus: [4], seeds: 1, micro: false });
  const [run] = scenarioRuns(set);
  assert.ok(run !== undefined && run.splitPtlocks === false);
  const wait = row(summaryTable(set, { columns: 400 }), /^mm-lock/)['writer wait p99 ns*'];
  assert.equal(wait, run.metrics.locks.page_table_lock.waitNs.p99Ns.toLocaleString('en-US'));
  assert.notEqual(run.metrics.locks.page_table_lock.waitNs.p99Ns, 0);
});

test('the CLI summary and the HTML report pool seeds alike: p99 hold is the largest of the seeds', () => {
  const set = makeResultSet({ strategies: ['whole-lock'], sizes: [256], vcpus: [4], seeds: 3, micro: false });
  // Seed 2's tail is the longest; the mean of the three would be lower.
  const runs = scenarioRuns(set);
  runs.forEach((r, i) => {
    r.metrics.locks.ptl.holdNs.p99Ns = [40_000, 90_000, 50_000][i] ?? 0;
  });
  const p99s = runs.map((r) => r.metrics.locks.ptl.holdNs.p99Ns);
  const [reportRow] = buildReportData([set]).rows;
  assert.equal(reportRow?.ptl.hold.p99Ns, Math.max(...p99s));
  assert.equal(
    row(summaryTable(set, { columns: 400 }), /^whole-lock/)['PTE lock hold p99 ns*'],
    Math.max(...p99s).toLocaleString('en-US'),
  );
});

test('failed hypercalls and kernel warnings recorded by the model are listed under the table', () => {
  const set = makeResultSet({ strategies: ['unlocked'], sizes: [64], vcpus: [4], seeds: 2, micro: false });
  scenarioRuns(set).forEach((r, i) => {
    r.metrics.faults.hypercallErrors = 3;
    Object.assign(r.metrics.faults, { firstHypercallError: i === 0 ? 'pin L1: frame 17 is writable' : 'other' });
    Object.assign(r.metrics.lockdep, { recursionWarnings: 2 });
  });
  const table = summaryTable(set);
  assert.match(table, /^Warnings recorded by the model:$/m);
  assert.match(
    table,
    /^ {2}unlocked 4level ptePages=64 vcpus=4: 6 failed hypercall\(s\), the first: pin L1: frame 17 is writable$/m,
  );
  assert.match(table, /^ {2}lockdep "possible recursive locking": 4 per configuration \(seeds summed\), in 1 configuration$/m);
  assert.match(table, /^ {6}unlocked 4level: ptePages=64 x vcpus=4$/m);
  const [reportRow] = buildReportData([set]).rows;
  assert.equal(reportRow?.firstHypercallError, 'pin L1: frame 17 is writable');
  assert.deepEqual(reportRow?.warnings, [
    { label: 'failed hypercalls', count: 6 },
    { label: 'lockdep: possible recursive locking', count: 4 },
  ]);
});

test('a warning recorded across a sweep is listed once, its configurations folded by strategy and mode', () => {
  const set = makeResultSet({ strategies: ['whole-lock', 'unlocked'], sizes: [64, 256], vcpus: [1, 4], seeds: 2, micro: false });
  for (const r of scenarioRuns(set)) {
    if (r.params.strategy !== 'whole-lock') continue;
    // Two warnings per run at 64 PTE pages, eight at 256: the line gives the range of the seeds' sums.
    Object.assign(r.metrics.preempt, { debugWarnings: r.params.ptePages === 64 ? 2 : 8 });
    // lockdep off in every run but one: each configuration is then listed with its share of runs.
    Object.assign(r.metrics.lockdep, {
      disabled: r.params.ptePages === 256 && r.params.vcpus === 4 && r.params.seed === 1 ? 0 : 1,
    });
  }
  const lines = summaryTable(set, { columns: 400 }).split('\n');
  const at = lines.findIndex((l) => l.startsWith('  preempt count debug warnings'));
  assert.deepEqual(lines.slice(at, at + 2), [
    '  preempt count debug warnings ("Spinlock count overflowing soon?"): 4 to 16 per configuration (seeds summed), in 4 configurations',
    '      whole-lock 4level: ptePages=64, 256 x vcpus=1, 4',
  ]);
  const off = lines.findIndex((l) => l.startsWith('  lockdep turned itself off'));
  assert.deepEqual(lines.slice(off, off + 2), [
    '  lockdep turned itself off (debug_locks = 0): in some runs of 4 configurations',
    '      whole-lock 4level: ptePages=64 vcpus=1 (2 of 2 runs); ptePages=64 vcpus=4 (2 of 2 runs); ' +
      'ptePages=256 vcpus=1 (2 of 2 runs); ptePages=256 vcpus=4 (1 of 2 runs)',
  ]);
  assert.equal(lines.filter((l) => l.includes('unlocked')).filter((l) => l.startsWith('      ')).length, 0);
});

test('without warnings, nothing is listed under the table', () => {
  const set = makeResultSet({ strategies: ['per-pte-deferred'], sizes: [64], vcpus: [1], seeds: 1, micro: false });
  assert.doesNotMatch(summaryTable(set), /Warnings/);
});
