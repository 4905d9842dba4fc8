// Run limits and the engine's watch (issue 13 item 2). Every test that could hang if the limit broke has a timeout
// of its own, so a regression fails instead of hanging CI.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ErrorRun, RunResult } from '../../src/results/types.js';
import { executeRun } from '../../src/runner/execute-run.js';
import { DEFAULT_LIMITS, LIMIT_CHECK_EVERY_EVENTS, type RunLimits } from '../../src/runner/limits.js';
import { runSpecs } from '../../src/runner/run-specs.js';
import type { ScenarioRunSpec } from '../../src/runner/types.js';
import { resolveParams, runScenario } from '../../src/scenarios/index.js';
import type { EngineWatch } from '../../src/sim/engine.js';
import { registerStrategy } from '../../src/strategies/registry.js';
import { loopingLock, loopingSleep } from '../fixtures/looping-strategy.js';

registerStrategy(loopingSleep, { replace: true });
registerStrategy(loopingLock, { replace: true });

const ONE_SAMPLE = { maxSamples: 1, budgetMs: 0 };

function spec(strategy: string, vcpus = 1): ScenarioRunSpec {
  const params = resolveParams({ strategy, ptePages: 4, vcpus, iterations: 1 });
  return { kind: 'scenario', id: `${strategy} vcpus=${vcpus}`, params };
}

async function runWith(strategy: string, limits: RunLimits, vcpus = 1): Promise<RunResult> {
  return executeRun({ spec: spec(strategy, vcpus), strategyModules: [], timing: ONE_SAMPLE, limits });
}

function errorOf(result: RunResult): string {
  assert.equal(result.status, 'error', JSON.stringify(result).slice(0, 300));
  return (result as ErrorRun).error;
}

test('a strategy that sleeps forever stops at --max-virtual-ns and becomes an error entry naming it', {
  timeout: 20_000,
}, async () => {
  const limits = { ...DEFAULT_LIMITS, maxVirtualNs: 5e8 };
  const error = errorOf(await runWith('looping-sleep', limits, 2));
  assert.match(error, /^RunLimitError: run limit --max-virtual-ns reached \(500,000,000 ns of virtual time\)/);
  assert.match(error, /raise --max-virtual-ns if the run is meant to be this long$/);
});

test('a strategy that locks and unlocks forever stops at --max-events', { timeout: 20_000 }, async () => {
  const limits = { ...DEFAULT_LIMITS, maxEvents: 300_000 };
  const error = errorOf(await runWith('looping-lock', limits));
  // The engine checks every LIMIT_CHECK_EVERY_EVENTS events: the run stops at the first check at or past the limit.
  const stoppedAt = Math.ceil(300_000 / LIMIT_CHECK_EVERY_EVENTS) * LIMIT_CHECK_EVERY_EVENTS;
  assert.match(error, new RegExp(`--max-events reached \\(300,000 events\\) after ${stoppedAt.toLocaleString('en-US')} events`));
});

test('a run longer than --max-wall-ms stops at the first check past it', { timeout: 20_000 }, async () => {
  const limits = { ...DEFAULT_LIMITS, maxWallMs: 300 };
  const started = performance.now();
  const error = errorOf(await runWith('looping-lock', limits));
  assert.match(error, /--max-wall-ms reached \(300 ms of wall time\)/);
  assert.ok(performance.now() - started < 10_000);
});

test('a watch that pauses the engine every few events changes no metric', () => {
  for (const vcpus of [1, 4]) {
    const params = resolveParams({ strategy: 'per-pte-deferred', ptePages: 64, vcpus, iterations: 3 });
    let pauses = 0;
    const watch: EngineWatch = { every: 97, check: () => ++pauses > 0 };
    const paused = runScenario(params, { watch });
    const plain = runScenario(params);
    assert.ok(pauses > 10, `${pauses} pauses`);
    assert.deepEqual(paused, plain);
  }
});

test('an in-process run is sliced: an abort stops a run that would never end, after the grace', { timeout: 30_000 }, async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 200);
  const started = performance.now();
  const outcome = await runSpecs([spec('looping-lock'), spec('per-pte-deferred')], {
    workers: 0,
    strategyModules: [],
    timing: ONE_SAMPLE,
    signal: controller.signal,
    graceMs: 300,
  });
  assert.equal(outcome.aborted, true);
  assert.deepEqual(outcome.results, [undefined, undefined], 'the stopped run and the one never started are left out');
  // 200 ms, then the 300 ms grace: well under the wall limit of 10 minutes.
  assert.ok(performance.now() - started < 15_000);
});
