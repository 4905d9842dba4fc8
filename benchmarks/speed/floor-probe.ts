/**
 * The floor (floor.ts) in a process of its own, as engine-speed.ts runs its probes. Two modes:
 *
 * - `check`: the floor leaves what a real per-pte-deferred cycle leaves (checkFloor); prints JSON { reference: the
 *   real cycle's ModelCounts }, or exits 1 naming the fields that differ. engine-speed runs it once before any timing.
 * - `time`: each repetition is the CPU or wall time (PINBENCH_PROBE_CLOCK, as engine-probe.ts) of CYCLES cycles on one
 *   Machine, after warm-up cycles, divided by CYCLES; prints JSON { values: ms per cycle of each repetition }. It runs
 *   in a process that has run nothing else, so that the check's real runs (their JIT feedback, their garbage) do not
 *   weigh on the floor, which is the model's work alone (docs/measurement.md has the pairs measured).
 *
 * Runs with pinbench's V8 flags (src/shared/v8-tuning.ts), as the engine's probes do.
 *
 *   node floor-probe.js check PTE_PAGES
 *   node floor-probe.js time PTE_PAGES CYCLES REPS
 */
import { applyV8Tuning } from '../../src/shared/v8-tuning.js';
import { clockMs } from './probe-clock.js';
import { checkFloor, Floor, floorParams, machineFor } from './floor.js';

applyV8Tuning();

/** Cycles before timing, so that the timed ones run optimised code. */
const WARMUP_CYCLES = 5;

const [mode, ...rest] = process.argv.slice(2);
const numbers = rest.map(Number);
if (
  (mode !== 'check' && mode !== 'time') ||
  numbers.length !== (mode === 'check' ? 1 : 3) ||
  !numbers.every((x) => Number.isInteger(x) && x >= 1)
) {
  process.stderr.write('usage: node floor-probe.js check PTE_PAGES | time PTE_PAGES CYCLES REPS\n');
  process.exit(2);
}
const [ptePages = 0, cycles = 0, reps = 0] = numbers;
if (mode === 'check') {
  try {
    process.stdout.write(`${JSON.stringify({ reference: checkFloor(ptePages) })}\n`);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
} else {
  const floor = new Floor(machineFor(floorParams(ptePages, 1)));
  for (let i = 0; i < WARMUP_CYCLES; i++) floor.cycle();
  const values: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = clockMs();
    for (let i = 0; i < cycles; i++) floor.cycle();
    values.push((clockMs() - t0) / cycles);
  }
  process.stdout.write(`${JSON.stringify({ values })}\n`);
}
