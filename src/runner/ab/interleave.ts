import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { MIN_AB_ROUNDS } from '../../compare/ab/options.js';
import type { RunResult } from '../../results/types.js';
import { defaultParamValue } from '../../scenarios/params.js';
import type { ForkExitParams } from '../../scenarios/types.js';
import { canonicalJson } from '../../shared/canonical-json.js';
import { elementAt } from '../../shared/element-at.js';
import { collectEnvironment } from '../environment.js';
import type { ScenarioRunSpec } from '../types.js';
import { SideThread } from './side-thread.js';
import type { AbJobOptions, AbMeasurement, AbRunSamples, AbSideInfo, AbSideName } from './types.js';

/** Seed of the order of the runs within each round (the order is recorded; the seed only makes it repeatable). */
const ORDER_SEED = 0x5eed;

/**
 * The parameters of a run as a side is given them: only those that differ from this pinbench's defaults, so
 * that each side completes them with its own defaults (a version that changed a default is measured as it
 * ships) and an older version is not handed a parameter it does not know.
 */
export function sideParamPoint(params: ForkExitParams): Record<string, unknown> {
  const point: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params) as [keyof ForkExitParams, unknown][]) {
    if (key === 'vmas' || key === 'scenario' || canonicalJson(value) !== canonicalJson(defaultParamValue(key, params))) {
      if (value !== undefined) point[key] = value;
    }
  }
  return point;
}

/**
 * Run an A/B job: both sides interleaved on this machine, in one worker thread (revisions, directories) or one
 * thread each (strategy modules), replicated in `blocks` fresh sets of such threads.
 *
 * 1. In the first block, every run once on each side, untimed: the exact metrics (or the error) that the sides
 *    are compared on.
 * 2. `warmupRounds - 1` more untimed passes in the first block, `warmupRounds` in each other block (the JIT of
 *    each side reaches its steady state; issue 10 measured a first run in a thread at a sixteenth of its later
 *    speed). The first block's last pass sets each run's repetitions per sample, the same on both sides and in
 *    every block, so that a sample lasts at least `minSampleMs`.
 * 3. `rounds` timed rounds, round r in block (r - 1) mod blocks. In each, every run is sampled on both sides
 *    back to back, in an order shuffled per round, the side that goes first alternating (A B, then B A: a drift
 *    of the machine within a pair cancels over the rounds). Each pair gives one ratio head / base measured
 *    under the same load; `roundBlocks` records each round's block.
 *
 * Runs that fail on either side are not timed. A round interrupted by the signal is dropped whole, so every
 * timed run has the same rounds. Returns the raw record; `judgeAb` (compare) judges it.
 */
export async function runAbJob(
  suite: string,
  specs: readonly ScenarioRunSpec[],
  sides: { base: AbSideInfo; head: AbSideInfo },
  options: AbJobOptions,
): Promise<AbMeasurement> {
  const start = performance.now();
  const createdAt = new Date().toISOString();
  const loadAtStart = loadavg();
  // One thread for both sides whenever their models are distinct module graphs (revisions, directories): both
  // sides then run on whatever core that thread is on, pair after pair. With a thread per side, the scheduler
  // keeps each thread on its core, and on a machine whose cores are unequally loaded (a neighbour, a stolen
  // vCPU) one side was 3-8% faster for the whole job (identical builds: 0.919 [0.895, 0.974]). Two versions of
  // a strategy module register the same name in one pinbench's registry, so they need a thread each.
  const shared = sides.base.kind !== 'strategy-module' && sides.head.kind !== 'strategy-module';
  // Blocks: the A/B is replicated in `blocks` fresh sets of threads (fresh V8 isolates, each importing both
  // sides again), whose rounds alternate (round r runs in block (r - 1) mod blocks). In one thread, two copies
  // of identical code differed by up to 15% on some runs, round after round for the whole job, in a direction
  // that changed from one thread to the next (most likely V8's optimisation decisions, made once per isolate).
  // Only the spread between blocks shows that per-isolate difference; the judge tests each run over blocks
  // (docs/measurement.md).
  const blockCount = Math.max(1, Math.min(options.blocks ?? 1, options.rounds));
  const blocks: Record<AbSideName, SideThread>[] = [];
  const openBlock = (b: number): Record<AbSideName, SideThread> => {
    const sharedThread = shared ? new SideThread(blockCount > 1 ? `sides, block ${b + 1}` : 'sides') : undefined;
    const threads: Record<AbSideName, SideThread> = sharedThread
      ? { base: sharedThread, head: sharedThread }
      : { base: new SideThread(`base, block ${b + 1}`), head: new SideThread(`head, block ${b + 1}`) };
    blocks.push(threads);
    return threads;
  };
  const aborted = () => options.signal?.aborted === true;
  try {
    const loaded = { ...sides };
    const points = specs.map((spec) => sideParamPoint(spec.params));
    const firstRuns: Record<AbSideName, RunResult[]> = { base: [], head: [] };
    let timedIndexes: number[] = [];
    let iterations: number[] = specs.map(() => 1);
    let warmupDone = 0;
    for (let b = 0; b < blockCount && !aborted(); b++) {
      const threads = openBlock(b);
      // The side imported first alternates between blocks, so that an effect of the import order is one of
      // the between-block differences, not a constant of the job.
      for (const side of b % 2 === 0 ? (['base', 'head'] as const) : (['head', 'base'] as const)) {
        options.onProgress?.({ phase: 'prepare', side, message: `loading ${sides[side].label} in its thread (block ${b + 1})` });
        const ready = await threads[side].request({
          side,
          type: 'init',
          root: sides[side].root,
          strategyModules: sides[side].strategyModules,
        });
        if (ready.type === 'ready') loaded[side] = { ...sides[side], version: ready.version, profiles: ready.profiles };
      }
      if (b === 0) {
        // 1. Exact metrics, every run on both sides (the first block's first pass).
        for (const [i, spec] of specs.entries()) {
          if (aborted()) break;
          const point = elementAt(points, i, 'run');
          for (const side of pairOrder(i)) firstRuns[side][i] = await metricsRun(threads[side], side, spec, point);
          options.onProgress?.({ phase: 'metrics', done: i + 1, total: specs.length });
        }
        timedIndexes = specs
          .map((_, i) => i)
          .filter((i) => firstRuns.base[i]?.status === 'ok' && firstRuns.head[i]?.status === 'ok');
      }

      // 2. Warm-up passes (a later block's first pass is one more: it records nothing); the first block's last
      // pass sets the repetitions per sample, the same in every block.
      const warmMs: Record<AbSideName, number[]> = { base: [], head: [] };
      for (const side of ['base', 'head'] as const) {
        for (const i of timedIndexes) {
          const first = firstRuns[side][i];
          warmMs[side][i] = first?.status === 'ok' ? first.wall.durationMs : 1;
        }
      }
      // Progress counts every warm-up sample of every block as one bar.
      const warmupTotal = timedIndexes.length * (options.warmupRounds * blockCount - 1);
      for (let pass = b === 0 ? 1 : 0; pass < options.warmupRounds && !aborted(); pass++) {
        for (const i of timedIndexes) {
          const point = elementAt(points, i, 'run');
          for (const side of pairOrder(i + pass)) warmMs[side][i] = await sample(threads[side], side, point, 1);
          options.onProgress?.({ phase: 'warmup', done: ++warmupDone, total: warmupTotal });
        }
      }
      if (b === 0) {
        iterations = specs.map((_, i) =>
          Math.max(1, Math.ceil(options.minSampleMs / Math.max(1e-3, Math.min(warmMs.base[i] ?? 1, warmMs.head[i] ?? 1)))),
        );
      }
    }

    // 3. Timed rounds, the blocks taking turns.
    const samples = specs.map(() => ({ baseMs: [] as number[], headMs: [] as number[], firstSide: [] as AbSideName[] }));
    const roundBlocks: number[] = [];
    const rng = xoroshiro128plus(ORDER_SEED);
    let rounds = 0;
    for (let round = 1; round <= options.rounds && blocks.length === blockCount; round++) {
      if (aborted()) break;
      const elapsed = performance.now() - start;
      // Past the time limit, stop only once every block has as many rounds as the others and enough of them.
      if (options.maxTimeMs > 0 && elapsed > options.maxTimeMs && rounds >= MIN_AB_ROUNDS && rounds % blockCount === 0) break;
      const block = (round - 1) % blockCount;
      const threads = elementAt(blocks, block, 'block');
      const order = shuffled(timedIndexes, rng);
      const pending: { i: number; base: number; head: number; first: AbSideName }[] = [];
      for (const [j, i] of order.entries()) {
        if (aborted()) break;
        const sides2 = pairOrder(round + j);
        const point = elementAt(points, i, 'run');
        const repetitions = elementAt(iterations, i, 'run');
        const ms: Partial<Record<AbSideName, number>> = {};
        for (const side of sides2) ms[side] = await sample(threads[side], side, point, repetitions);
        pending.push({ i, base: ms.base ?? Number.NaN, head: ms.head ?? Number.NaN, first: sides2[0] });
        options.onProgress?.({
          phase: 'round',
          round,
          rounds: options.rounds,
          done: j + 1,
          total: order.length,
          elapsedMs: performance.now() - start,
        });
      }
      if (pending.length < order.length) break; // interrupted mid-round: the round is dropped whole
      for (const p of pending) {
        const run = elementAt(samples, p.i, 'run');
        run.baseMs.push(p.base);
        run.headMs.push(p.head);
        run.firstSide.push(p.first);
      }
      roundBlocks.push(block);
      rounds = round;
    }

    const runs: AbRunSamples[] = [];
    specs.forEach((spec, i) => {
      const base = firstRuns.base[i];
      const head = firstRuns.head[i];
      if (base === undefined || head === undefined) return; // interrupted before its first runs
      runs.push({
        id: spec.id,
        key: canonicalJson({ kind: 'scenario', params: spec.params }),
        base,
        head,
        iterations: elementAt(iterations, i, 'run'),
        ...elementAt(samples, i, 'run'),
      });
    });
    return {
      suite,
      base: loaded.base,
      head: loaded.head,
      environment: collectEnvironment(),
      createdAt,
      rounds,
      warmupRounds: options.warmupRounds,
      blocks: blockCount,
      roundBlocks,
      durationMs: performance.now() - start,
      partial: aborted(),
      threads: shared ? 'shared' : 'per-side',
      loadAverage: { start: loadAtStart, end: loadavg() },
      runs,
    };
  } finally {
    await Promise.all(blocks.flatMap((threads) => [...new Set([threads.base, threads.head])]).map((thread) => thread.close()));
  }
}

/** A B for even k, B A for odd k. */
function pairOrder(k: number): [AbSideName, AbSideName] {
  return k % 2 === 0 ? ['base', 'head'] : ['head', 'base'];
}

async function metricsRun(
  thread: SideThread,
  side: AbSideName,
  spec: ScenarioRunSpec,
  point: Record<string, unknown>,
): Promise<RunResult> {
  const response = await thread.request({ side, type: 'metrics', point });
  if (response.type !== 'metrics') throw new Error(`unexpected answer ${response.type} to a metrics request`);
  if (!response.ok) return { id: spec.id, kind: 'scenario', params: { ...spec.params }, status: 'error', error: response.error };
  return {
    id: spec.id,
    kind: 'scenario',
    params: response.params as unknown as ForkExitParams,
    status: 'ok',
    metrics: response.metrics as Extract<RunResult, { kind: 'scenario'; status: 'ok' }>['metrics'],
    wall: { durationMs: response.ms },
  };
}

async function sample(thread: SideThread, side: AbSideName, point: Record<string, unknown>, iterations: number): Promise<number> {
  const response = await thread.request({ side, type: 'sample', point, iterations });
  if (response.type !== 'sample') throw new Error(`unexpected answer ${response.type} to a sample request`);
  return response.msPerIteration;
}

/** A Fisher-Yates shuffle of a copy. */
function shuffled(values: readonly number[], rng: ReturnType<typeof xoroshiro128plus>): number[] {
  const out = [...values];
  for (let i = out.length - 1; i > 0; i--) {
    const j = uniformInt(rng, 0, i);
    const swapped = elementAt(out, i, 'position');
    out[i] = elementAt(out, j, 'position');
    out[j] = swapped;
  }
  return out;
}
