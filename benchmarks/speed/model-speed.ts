/**
 * Speed and memory of the model itself (issues 2 and 3). Not a suite: run with `npm run bench:model`.
 * Prints one line per goal with the measured figure and the target, then the goals missed; exits 1 when one is
 * missed, so a script or a CI step can rely on it.
 */
import { Bench } from 'tinybench';
import { Mm, PG_PINNED } from '../../src/mmu/index.js';
import { resolveParams, runScenario } from '../../src/scenarios/index.js';
import { defined } from '../../src/shared/defined.js';

/** Goals missed, one line each. */
const missed: string[] = [];
/** Record a goal: `ok` whether it was met. */
function goal(ok: boolean, what: string): void {
  if (!ok) missed.push(what);
}

function mb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MB`;
}

// 1. Build a dense 4level mm of 1,048,576 PTE pages (2 TiB mapped) and walk it once: < 1 s, < 300 MB resident.
{
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const mm = new Mm('4level', { kind: 'dense', ptePages: 1_048_576 });
  const tBuilt = performance.now();
  let pinned = 0;
  const { walkFrames, flags } = mm;
  // The timed loop: i < walkFrames.length and walk frames are frames of the mm, so neither read can miss
  // (`as number`, no check added).
  for (let i = 0; i < walkFrames.length; i++) {
    const f = walkFrames[i] as number;
    const old = flags[f] as number;
    if ((old & PG_PINNED) === 0) pinned++;
    flags[f] = old | PG_PINNED;
  }
  const t1 = performance.now();
  const rss = process.memoryUsage().rss;
  console.log(
    `mm 4level 1,048,576 PTE pages: build ${(tBuilt - t0).toFixed(0)} ms + walk ${(t1 - tBuilt).toFixed(0)} ms = ${(t1 - t0).toFixed(0)} ms ` +
      `(target < 1000 ms); resident ${mb(rss)} (process, ${mb(rss - rssBefore)} for the mm; target < 300 MB); ${pinned} pages walked`,
  );
  goal(t1 - t0 < 1000, `mm build + walk ${(t1 - t0).toFixed(0)} ms (target < 1000 ms)`);
  goal(rss < 300 * 2 ** 20, `resident ${mb(rss)} (target < 300 MB)`);
}

// 2. per-pte-deferred pin + unpin of a dense 4level mm of 32,768 PTE pages, one vCPU: <= 40 ms per cycle.
{
  const iterations = 10;
  const params = resolveParams({
    strategy: 'per-pte-deferred',
    mode: '4level',
    ptePages: 32_768,
    vcpus: 1,
    iterations,
    dwellNs: 0,
  });
  const bench = new Bench({ iterations: 10, warmupIterations: 2, time: 0 });
  let events = 0;
  bench.add('per-pte-deferred 32768 x10 cycles', () => {
    events = runScenario(params).events;
  });
  await bench.run();
  const r = defined(bench.tasks[0]).result as unknown as {
    latency: { mean: number; p50: number; rme: number; samplesCount?: number };
  };
  console.log(
    `per-pte-deferred pin+unpin 32,768 PTE pages, 1 vCPU: ${(r.latency.mean / iterations).toFixed(2)} ms/cycle mean, ` +
      `${(r.latency.p50 / iterations).toFixed(2)} ms/cycle median (rme ${r.latency.rme.toFixed(1)}%; target <= 40 ms); ` +
      `${(((events / r.latency.mean) * 1000) / 1e6).toFixed(2)} M events/s`,
  );
  goal(
    r.latency.p50 / iterations <= 40,
    `per-pte-deferred ${(r.latency.p50 / iterations).toFixed(2)} ms/cycle (target <= 40 ms)`,
  );
}

// 3. 4 vCPUs racing on 1,024 PTE pages: >= 2 million simulated events per second.
for (const strategy of ['per-pte-deferred', 'unlocked', 'mm-lock']) {
  const params = resolveParams({
    strategy,
    mode: '4level',
    ptePages: 1024,
    vcpus: 4,
    iterations: 20,
    writerThinkNs: 1000,
    dwellNs: 50_000,
  });
  runScenario(params);
  const t0 = performance.now();
  let events = 0;
  const reps = 5;
  for (let i = 0; i < reps; i++) events += runScenario(params).events;
  const s = (performance.now() - t0) / 1000;
  console.log(
    `${strategy}, 4 vCPUs racing on 1,024 PTE pages: ${(events / s / 1e6).toFixed(2)} M events/s (${events / reps} events per run; target >= 2 M/s)`,
  );
  goal(events / s >= 2e6, `${strategy} racing: ${(events / s / 1e6).toFixed(2)} M events/s (target >= 2 M/s)`);
}

console.log(missed.length === 0 ? 'every goal met' : `goals MISSED (${missed.length}): ${missed.join('; ')}`);
process.exitCode = missed.length === 0 ? 0 : 1;
