// Invalid runs (issue 13 item 1): a run that completes but is not a result keeps its metrics and says why.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { InvalidRun, RunResult } from '../../src/results/types.js';
import { executeRun } from '../../src/runner/execute-run.js';
import { invalidReasons } from '../../src/runner/validity.js';
import { resolveParams, runScenario } from '../../src/scenarios/index.js';
import { registerStrategy } from '../../src/strategies/registry.js';
import { leaky, pinWritable, unlockedClaimsSafe } from '../fixtures/broken-strategies.js';

for (const s of [pinWritable, leaky, unlockedClaimsSafe]) registerStrategy(s, { replace: true });

async function run(strategy: string, vcpus: number, iterations = 2): Promise<RunResult> {
  const params = resolveParams({ strategy, ptePages: 16, vcpus, iterations });
  return executeRun({
    spec: { kind: 'scenario', id: strategy, params },
    strategyModules: [],
    timing: { maxSamples: 1, budgetMs: 0 },
  });
}

function invalid(result: RunResult): InvalidRun {
  assert.equal(result.status, 'invalid', JSON.stringify(result).slice(0, 300));
  return result as InvalidRun;
}

test("a strategy whose hypercalls fail is invalid, with the count and Xen's first reason, and keeps its metrics", async () => {
  const r = invalid(await run('pin-writable', 1));
  const { hypercallErrors, firstHypercallError } = r.metrics.faults;
  // Every PTE page's PIN_L1 is refused (it is still mapped writable): at least 16 per pin, 2 pins.
  assert.ok(hypercallErrors >= 16 * 2, `${hypercallErrors}`);
  assert.match(firstHypercallError ?? '', /PIN_L1_TABLE: Bad type/);
  assert.deepEqual(r.reasons, [`${hypercallErrors} hypercall sub-ops failed (the first: ${firstHypercallError})`]);
});

test('a strategy that claims to be race-free and faults is invalid; the same walk marked racy is a result', async () => {
  const claims = invalid(await run('unlocked-claims-safe', 4));
  const faults = claims.metrics.faults.writeProtect;
  assert.ok(faults > 0);
  assert.deepEqual(claims.reasons, [
    `strategy unlocked-claims-safe claims to be race-free, but racing writers took ${faults} write-protect faults`,
  ]);
  const racy = await run('unlocked', 4);
  assert.equal(racy.status, 'ok');
  assert.equal(racy.status === 'ok' && racy.kind === 'scenario' ? racy.raceFree : undefined, false);
  assert.equal(racy.status === 'ok' && racy.kind === 'scenario' ? racy.metrics.faults.writeProtect : 0, faults);
});

test('a strategy that leaves a lock held breaks an end-of-run invariant: invalid, with the breach', async () => {
  const r = invalid(await run('leaky', 1, 1));
  assert.ok(
    r.reasons.some((reason) => /^end-of-run invariant broken: locks still held: /.test(reason)),
    r.reasons.join('\n'),
  );
  assert.ok(
    r.reasons.some((reason) => /preempt count is 1, not 0/.test(reason)),
    r.reasons.join('\n'),
  );
  assert.equal(r.metrics.counts.pins, 1, 'the metrics of the run are kept');
});

test('the seed patch under racing writers is a result: no reason to doubt it', async () => {
  const r = await run('per-pte-deferred', 4);
  assert.equal(r.status, 'ok');
  const params = resolveParams({ strategy: 'per-pte-deferred', ptePages: 16, vcpus: 4, iterations: 2 });
  assert.deepEqual(invalidReasons(runScenario(params).metrics, { name: 'per-pte-deferred', raceFree: true }), []);
});
