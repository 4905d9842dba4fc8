import { performance } from 'node:perf_hooks';

/** Iterations of one timed pass of the calibration loop. */
export const CALIBRATION_ITERATIONS = 1 << 20;
/** Timed passes; the fastest one counts (the others absorb JIT warm-up and interruptions). */
export const CALIBRATION_PASSES = 7;
/** Size of the typed array the loop walks: small enough to stay in L1, like the model's hot state. */
const CALIBRATION_WORDS = 1024;

/** Iterations of one pass of the short calibration taken beside every wall-clock sample (about 0.1-0.5 ms). */
export const SAMPLE_CALIBRATION_ITERATIONS = 1 << 16;
/** Passes of the short calibration; the fastest counts. */
export const SAMPLE_CALIBRATION_PASSES = 3;

let cachedNsPerIter: number | undefined;

/**
 * Wall ns per iteration of a fixed loop (typed-array loads and stores, integer arithmetic, a branch:
 * the mix the simulator's hot paths execute). Dividing a run's wall ns per simulated event by this
 * gives a figure that is comparable across machines of different speed. Measured once per thread
 * (each worker measures its own) and cached; about 10-20 ms.
 */
export function calibrationNsPerIter(): number {
  if (cachedNsPerIter === undefined) cachedNsPerIter = measureCalibration();
  return cachedNsPerIter;
}

/** Time the calibration loop now, without the cache. */
export function measureCalibration(iterations = CALIBRATION_ITERATIONS, passes = CALIBRATION_PASSES): number {
  const words = new Uint32Array(CALIBRATION_WORDS);
  let best = Number.POSITIVE_INFINITY;
  let sink = 0;
  for (let pass = 0; pass < passes; pass++) {
    const start = performance.now();
    sink ^= calibrationLoop(words, iterations);
    const elapsedMs = performance.now() - start;
    if (elapsedMs < best) best = elapsedMs;
  }
  // The sink keeps the loop observable so it cannot be removed as dead code.
  if (sink === 0x7fffffff) words[0] = sink;
  return (best * 1e6) / iterations;
}

/**
 * The calibration loop timed now, briefly: taken just before each wall-clock sample, so that a sample and the
 * figure it is divided by see the same moment of the machine (the same load, the same frequency). One
 * calibration per thread at its start, as before, ranged 1.7-16.9 ns per iteration on a shared machine.
 */
export function calibrateBesideSample(): number {
  return measureCalibration(SAMPLE_CALIBRATION_ITERATIONS, SAMPLE_CALIBRATION_PASSES);
}

function calibrationLoop(words: Uint32Array, iterations: number): number {
  let x = 0x9e3779b9;
  let acc = 0;
  const mask = words.length - 1;
  for (let i = 0; i < iterations; i++) {
    // xorshift32: deterministic, cheap, defeats constant folding.
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const slot = x & mask;
    const old = words[slot] as number; // slot = x & mask, below words.length (a power of two)
    if ((old & 1) === 0) words[slot] = old + (x >>> 24);
    else acc = (acc + old) | 0;
  }
  return acc;
}
