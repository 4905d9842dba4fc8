// The real executable stopped by signals and stuck runs (issue 13 items 2, 3, 9). Each test has a timeout: a
// regression fails instead of hanging CI.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import type { RunResult } from '../../src/results/types.js';
import { validateResultSet } from '../../src/results/write.js';
import { DEFAULT_LIMITS } from '../../src/runner/limits.js';
import { runSpecs } from '../../src/runner/run-specs.js';
import { resolveParams } from '../../src/scenarios/index.js';
import { registerStrategy } from '../../src/strategies/registry.js';
import { LOOPING_STARTED, loopingLock } from '../fixtures/looping-strategy.js';
import { FIXTURES, readResults, spawnCli, stderrLine, tempDir } from '../support/cli.js';

const LOOPING = `${FIXTURES}looping-strategy.js`;
// The pool test below resolves its specs here: the fixture's strategy must be known to this thread too.
registerStrategy(loopingLock, { replace: true });
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

for (const [signal, code] of Object.entries(EXIT_CODES) as Array<[keyof typeof EXIT_CODES, number]>) {
  for (const workers of ['0', '2']) {
    test(`${signal} during a run that never ends stops it and writes the finished runs, exit ${code} (--workers ${workers})`, {
      timeout: 60_000,
    }, async () => {
      const out = tempDir();
      const spawned = spawnCli([
        'run',
        '--strategy-module',
        LOOPING,
        '--strategy',
        'unlocked,looping-lock',
        '--pte-pages',
        '16',
        '--workers',
        workers,
        '--samples',
        '1',
        '--out',
        out,
        '--no-report',
      ]);
      await stderrLine(spawned, LOOPING_STARTED);
      if (workers === '2') await new Promise((resolve) => setTimeout(resolve, 500)); // the other worker finishes unlocked
      spawned.child.kill(signal);
      const { code: exit, stderr } = await spawned.done;
      assert.equal(exit, code, stderr);
      assert.match(
        stderr,
        signal === 'SIGINT' ? /interrupted: stopping the pool/ : new RegExp(`${signal} received: stopping the pool`),
      );
      const set = readResults(out);
      assert.equal(set.partial, true);
      assert.equal(set.plannedRuns, 2);
      assert.deepEqual(
        set.runs.map((r) => [(r.params as { strategy?: string }).strategy, r.status]),
        [['unlocked', 'ok']],
      );
      assert.deepEqual(validateResultSet(set), []);
    });
  }
}

test('in a pool, a strategy that loops without yielding is stopped with its worker at the wall limit', {
  timeout: 60_000,
}, async () => {
  const out = tempDir();
  const { code, stderr } = await spawnCli([
    'run',
    '--strategy-module',
    LOOPING,
    '--strategy',
    'stuck,unlocked',
    '--pte-pages',
    '16',
    '--workers',
    '2',
    // Not tighter: the backstop counts from the task's submission, so a fresh worker's start-up and the first
    // run's warm-up count too, and at load 16 the healthy `unlocked` run took over 2.75 s (the backstop of 500).
    '--max-wall-ms',
    '3000',
    '--out',
    out,
    '--samples',
    '1',
    '--no-report',
    '--quiet',
  ]).done;
  assert.equal(code, 1, stderr);
  assert.match(
    stderr,
    /stuck 4level .*RunLimitError: run limit --max-wall-ms reached \(3,000 ms of wall time\): the run never reached the engine's limit check/,
  );
  assert.deepEqual(
    readResults(out).runs.map((r) => r.status),
    ['error', 'ok'],
  );
});

test('profile exits 1 when the profiled run is invalid, though clinic itself succeeds', { timeout: 120_000 }, async () => {
  const out = tempDir();
  const cwd = tempDir();
  const { code, stderr } = await spawnCli(
    [
      'profile',
      '--strategy-module',
      `${FIXTURES}broken-strategies.js`,
      '--strategy',
      'pin-writable',
      '--mode',
      '4level',
      '--kernel',
      'current',
      '--pte-pages',
      '8',
      '--iterations',
      '1',
      '--vcpus',
      '1',
      '--out',
      out,
    ],
    process.env,
    cwd,
  ).done;
  assert.equal(code, 1, stderr);
  assert.match(stderr, /pinbench: the profiled run failed: 0 of \d+ runs failed, \d+ invalid/);
  assert.deepEqual(readdirSync(cwd), [], 'no V8 log or clinic directory in the current directory');
  assert.ok(!readdirSync(out).some((name) => name.startsWith('.profile-work-')), 'the scratch directory is removed');
});

test('Ctrl-C during profile stops clinic and every process it started, and leaves nothing in the current directory', {
  timeout: 120_000,
}, async () => {
  const out = tempDir();
  const cwd = tempDir();
  const spawned = spawnCli(
    [
      'profile',
      '--strategy-module',
      LOOPING,
      '--strategy',
      'looping-lock',
      '--mode',
      '4level',
      '--kernel',
      'current',
      '--pte-pages',
      '8',
      '--vcpus',
      '1',
      '--out',
      out,
    ],
    process.env,
    cwd,
  );
  await stderrLine(spawned, LOOPING_STARTED);
  spawned.child.kill('SIGINT');
  const { code, stderr } = await spawned.done;
  assert.equal(code, 130, stderr);
  assert.match(stderr, /profile stopped by SIGINT; the profiler and its children were stopped too/);
  // No process is left whose command line names this profile's output directory (clinic, the profiled node).
  const left = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(out) && !line.includes('ps -eo'));
  assert.deepEqual(left, []);
  assert.deepEqual(readdirSync(cwd), []);
});

test('SIGKILL, which nobody can catch, loses only the runs of the last seconds: results.json is checkpointed', {
  timeout: 60_000,
}, async () => {
  const out = tempDir();
  const spawned = spawnCli([
    'run',
    '--strategy',
    'unlocked',
    '--pte-pages',
    '1024',
    '--vcpus',
    '2',
    '--seeds',
    '5000',
    '--workers',
    '0',
    '--samples',
    '1',
    '--out',
    out,
    '--no-report',
    '--quiet',
  ]);
  // The first checkpoint is written 5 s after the start, then at least every 5 s: 8 s is past the first.
  await new Promise((resolve) => setTimeout(resolve, 8_000));
  spawned.child.kill('SIGKILL');
  const { signal } = await spawned.done;
  assert.equal(signal, 'SIGKILL');
  const set = readResults(out);
  assert.equal(set.partial, true);
  assert.equal(set.plannedRuns, 5000);
  assert.ok(set.runs.length > 0 && set.runs.length < 5000, `${set.runs.length} runs`);
  assert.deepEqual(validateResultSet(set), []);
  assert.deepEqual(readdirSync(out), ['results.json'], 'no temporary file left');
});

test('limits reach the runs of a pool too', { timeout: 60_000 }, async () => {
  const outcome = await runSpecs([spec('looping-lock'), spec('per-pte-deferred')], {
    workers: 2,
    strategyModules: [LOOPING],
    timing: { maxSamples: 1, budgetMs: 0 },
    limits: { ...DEFAULT_LIMITS, maxEvents: 200_000 },
  });
  const [looping, fine] = outcome.results;
  assert.match(errorOf(looping as RunResult), /--max-events reached/);
  assert.equal(fine?.status, 'ok');
});

function spec(strategy: string) {
  return { kind: 'scenario' as const, id: strategy, params: resolveParams({ strategy, ptePages: 4, vcpus: 1, iterations: 1 }) };
}

function errorOf(result: RunResult): string {
  assert.equal(result.status, 'error', JSON.stringify(result).slice(0, 300));
  return result.status === 'error' ? result.error : '';
}
