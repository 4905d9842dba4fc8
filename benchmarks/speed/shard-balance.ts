/**
 * How well `run --shard i/n` balances a suite (issue 15), measured on a results.json of the whole suite run on one
 * machine: each run's measured wall time (its timed samples plus its first run) stands for what it would cost in a
 * job. For n parts, the script cuts the plan three ways and prints the largest part against the mean (1.00 is a
 * perfect cut; the job matrix takes as long as its largest part):
 *
 * - `estimate`: what `--shard` does (runner/shard.ts: the cost estimate, costliest first onto the least loaded part);
 * - `size`: the same greedy rule on the old scheduling estimate (PTE pages x iterations x vCPUs, runner/schedule.ts);
 * - `round-robin`: run k to part k mod n, what a shard by index would do;
 * - `ideal`: the greedy rule on the measured times themselves (what a perfect estimate would give).
 *
 *   npm run build && node dist/benchmarks/speed/shard-balance.js RESULTS.json [--parts 4,20]
 *
 * Also prints how far the estimate's simulated events are from the runs' real ones (exact in results.json).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ResultSet, RunResult } from '../../src/results/types.js';
import { CostEstimator } from '../../src/runner/cost-estimate.js';
import { estimatedCost } from '../../src/runner/schedule.js';
import { partition } from '../../src/runner/shard.js';
import type { RunSpec } from '../../src/runner/types.js';

const { values, positionals } = parseArgs({ options: { parts: { type: 'string', default: '4,20' } }, allowPositionals: true });
const file = positionals[0];
if (file === undefined) {
  process.stderr.write('usage: node dist/benchmarks/speed/shard-balance.js RESULTS.json [--parts 4,20]\n');
  process.exit(2);
}
const set = JSON.parse(readFileSync(file, 'utf8')) as ResultSet;
const runs = set.runs.filter(
  (r): r is Extract<RunResult, { kind: 'scenario'; status: 'ok' | 'invalid' }> => r.kind === 'scenario' && r.status !== 'error',
);
const specs: RunSpec[] = runs.map((r) => ({ kind: 'scenario', id: r.id, params: r.params as never }));
/** Measured wall ms of a run in a job: its timed samples, and the first (metrics) run when it was not among them. */
const measured = runs.map((r) => {
  const samples = r.wall.samplesMs ?? [r.wall.durationMs];
  const sum = samples.reduce((a, b) => a + b, 0);
  return samples.length > 1 ? sum + r.wall.durationMs : sum;
});
const estimator = new CostEstimator();
const t0 = performance.now();
const estimates = specs.map((s) => estimator.estimate(s));
const estimateMs = performance.now() - t0;

const ratios = runs.map((r, i) => (estimates[i]?.events ?? 0) / r.metrics.counts.events).sort((a, b) => a - b);
const q = (f: number) => (ratios[Math.floor(f * (ratios.length - 1))] ?? Number.NaN).toFixed(2);
console.log(
  `${file}: ${runs.length} runs, ${(measured.reduce((a, b) => a + b, 0) / 1000).toFixed(1)} s of measured wall time in all`,
);
console.log(
  `estimate of the whole plan: ${estimateMs.toFixed(0)} ms (probe cycles of ${new Set(specs.map((s) => (s.kind === 'scenario' ? `${s.params.strategy} ${s.params.mode} ${s.params.vcpus} ${s.params.writerThinkNs}` : ''))).size} configurations)`,
);
console.log(`estimated / real simulated events: min ${q(0)}, p10 ${q(0.1)}, median ${q(0.5)}, p90 ${q(0.9)}, max ${q(1)}`);

function imbalance(parts: number[][]): string {
  const loads = parts.map((p) => p.reduce((a, i) => a + (measured[i] ?? 0), 0));
  const mean = loads.reduce((a, b) => a + b, 0) / loads.length;
  return `${(Math.max(...loads) / mean).toFixed(2)} (largest ${(Math.max(...loads) / 1000).toFixed(1)} s)`;
}

for (const n of (values.parts ?? '4,20').split(',').map(Number)) {
  const roundRobin: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < runs.length; i++) roundRobin[i % n]?.push(i);
  console.log(`\n${n} parts: largest part / mean part, measured wall time`);
  console.log(
    `  estimate     ${imbalance(
      partition(
        estimates.map((e) => e.wallMs),
        n,
      ),
    )}`,
  );
  console.log(`  size         ${imbalance(partition(specs.map(estimatedCost), n))}`);
  console.log(`  round-robin  ${imbalance(roundRobin)}`);
  console.log(`  ideal        ${imbalance(partition(measured, n))}`);
}
