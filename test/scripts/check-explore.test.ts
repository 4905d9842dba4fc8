import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../support/temp.js';

// CI's check of explore.json (scripts/check-explore.mjs): it must pass the verdicts each strategy declares and fail
// every other one, or CI could not notice a race-free strategy breaking or a racy one no longer caught.

const SCRIPT = fileURLToPath(new URL('../../../scripts/check-explore.mjs', import.meta.url));

interface Row {
  id: string;
  raceFree: boolean;
  verdict: string;
  expected: boolean | null;
  bound: number;
  boundCovered: number;
}

const racyCaught: Row = { id: 'unlocked', raceFree: false, verdict: 'violation', expected: true, bound: 2, boundCovered: 2 };
const raceFreeClean: Row = { id: 'mm-lock', raceFree: true, verdict: 'no-violation', expected: true, bound: 2, boundCovered: 2 };

function check(results: Row[], exitCode: number): { code: number | null; out: string } {
  const file = join(tempDir(), 'explore.json');
  const full = results.map((r) => ({
    ...r,
    schedules: 10,
    counterexample:
      r.verdict === 'violation'
        ? { violation: { kind: 'write-protect-fault', step: 7, expected: r.expected }, preemptions: 1, steps: 7 }
        : null,
  }));
  writeFileSync(file, JSON.stringify({ schema: 'pinbench.explore/v1', partial: false, results: full }));
  const result = spawnSync(process.execPath, [SCRIPT, file, String(exitCode)], { encoding: 'utf8' });
  return { code: result.status, out: result.stdout + result.stderr };
}

test('passes when the racy strategy is caught and the race-free one is clean, explore having exited 5', () => {
  const { code, out } = check([racyCaught, raceFreeClean], 5);
  assert.equal(code, 0, out);
});

test('fails when a race-free strategy shows a violation', () => {
  const broken: Row = { ...raceFreeClean, verdict: 'violation', expected: false };
  const { code, out } = check([racyCaught, broken], 5);
  assert.equal(code, 1);
  assert.match(out, /FAIL mm-lock: race-free, violation .*not what the strategy declares/);
});

test('fails when a racy strategy is no longer caught', () => {
  const missed: Row = { ...racyCaught, verdict: 'no-violation', expected: false };
  const { code, out } = check([missed, raceFreeClean], 0);
  assert.equal(code, 1);
  assert.match(out, /FAIL unlocked: racy, no-violation/);
});

test('fails when a limit stopped a search before its bound was covered', () => {
  const cut: Row = { ...raceFreeClean, verdict: 'incomplete', expected: null, boundCovered: 1 };
  const { code, out } = check([racyCaught, cut], 5);
  assert.equal(code, 1);
  assert.match(out, /FAIL mm-lock: .*incomplete/);
});

test('fails when explore exited with another code than its verdicts imply', () => {
  const { code, out } = check([racyCaught, raceFreeClean], 2);
  assert.equal(code, 1);
  assert.match(out, /exited 2, expected 5/);
});
