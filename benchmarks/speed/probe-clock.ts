import { performance } from 'node:perf_hooks';

/**
 * The clock of a probe's measurements, ms: wall time, or with PINBENCH_PROBE_CLOCK=cpu the CPU time of this process
 * (user + system, every thread: the JIT's and the GC's too), which a loaded machine inflates far less than wall time.
 * engine-speed sets the variable for `--clock cpu`; every probe it spawns reads it here.
 */
export const clockMs: () => number =
  process.env.PINBENCH_PROBE_CLOCK === 'cpu'
    ? () => {
        const u = process.cpuUsage();
        return (u.user + u.system) / 1000;
      }
    : () => performance.now();
