import { performance } from 'node:perf_hooks';
import type { EngineWatch } from '../sim/engine.js';
import { AbortError } from '../shared/errors.js';

/**
 * Per-run limits: a run that reaches one stops and becomes an `error` entry naming it, so that no strategy, size or
 * timing can make `pinbench run` hang. The defaults are far above anything a built-in suite reaches (README "Run
 * limits" gives the figures): a limit is hit only by a runaway (a looping strategy, `--iterations 1e9`, writers
 * racing through `--dwell-ns 1e12`).
 */
export interface RunLimits {
  /** Most simulated events (engine steps) of one run. */
  maxEvents: number;
  /** Most virtual time of one run, ns. */
  maxVirtualNs: number;
  /** Most wall time of one run of the model (its first, metrics run), ms. */
  maxWallMs: number;
}

/**
 * Default limits, against the largest run of any built-in suite (measured on 2 busy cores): 6.8 M events
 * (contention, 16 vCPUs), 3.4 s of virtual time (scaling, 65,536 PTE pages) and 6.4 s of wall time (contention):
 * about 150x, 1,000x and 90x those.
 */
export const DEFAULT_LIMITS: Readonly<RunLimits> = Object.freeze({
  maxEvents: 1_000_000_000,
  maxVirtualNs: 3_600_000_000_000,
  maxWallMs: 600_000,
});

/** The engine checks the limits every this many events: a few ms of wall time, one comparison per event. */
export const LIMIT_CHECK_EVERY_EVENTS = 1 << 16;

/** In-process runs (`--workers 0`) yield to the event loop this often, ms of wall time, so Ctrl-C is heard. */
export const IN_PROCESS_SLICE_MS = 50;

/** The option that sets each limit, for messages. */
const LIMIT_OPTIONS: Readonly<Record<keyof RunLimits, string>> = {
  maxEvents: '--max-events',
  maxVirtualNs: '--max-virtual-ns',
  maxWallMs: '--max-wall-ms',
};

/** A run reached one of its limits. */
export class RunLimitError extends Error {
  override name = 'RunLimitError';
  constructor(
    readonly limit: keyof RunLimits,
    message: string,
  ) {
    super(message);
  }
}

/** The message of a run stopped by `limit`. */
export function limitMessage(
  limit: keyof RunLimits,
  limits: RunLimits,
  at: { events: number; virtualNs: number; wallMs: number },
): string {
  const value =
    limit === 'maxEvents'
      ? `${limits.maxEvents.toLocaleString('en-US')} events`
      : limit === 'maxVirtualNs'
        ? `${limits.maxVirtualNs.toLocaleString('en-US')} ns of virtual time`
        : `${limits.maxWallMs.toLocaleString('en-US')} ms of wall time`;
  return (
    `run limit ${LIMIT_OPTIONS[limit]} reached (${value}) after ${at.events.toLocaleString('en-US')} events, ` +
    `${(at.virtualNs / 1e9).toPrecision(4)} s virtual, ${(at.wallMs / 1000).toFixed(1)} s wall; ` +
    `raise ${LIMIT_OPTIONS[limit]} if the run is meant to be this long`
  );
}

/** How an in-process run is sliced and stopped; absent in a worker (the pool stops a worker from outside). */
export interface InProcessControl {
  /** Ctrl-C: the run may go on for `graceMs`, then stops with AbortError. */
  signal?: AbortSignal;
  graceMs: number;
}

/**
 * The engine watch that enforces `limits` on one run, started now. With `inProcess`, it also pauses the run every
 * IN_PROCESS_SLICE_MS (the caller yields to the event loop, where Ctrl-C is heard) and stops it `graceMs` after an
 * abort. It reads the wall clock, outside the model: it can stop a run, never change one.
 */
export function limitWatch(limits: RunLimits, inProcess?: InProcessControl): EngineWatch {
  const started = performance.now();
  let sliceStart = started;
  let abortedAt = -1;
  return {
    every: LIMIT_CHECK_EVERY_EVENTS,
    check(engine) {
      const now = performance.now();
      const at = { events: engine.events, virtualNs: engine.now, wallMs: now - started };
      if (at.events >= limits.maxEvents) throw new RunLimitError('maxEvents', limitMessage('maxEvents', limits, at));
      if (at.virtualNs >= limits.maxVirtualNs) throw new RunLimitError('maxVirtualNs', limitMessage('maxVirtualNs', limits, at));
      if (at.wallMs >= limits.maxWallMs) throw new RunLimitError('maxWallMs', limitMessage('maxWallMs', limits, at));
      if (inProcess === undefined) return false;
      if (inProcess.signal?.aborted) {
        if (abortedAt < 0) abortedAt = now;
        else if (now - abortedAt >= inProcess.graceMs) throw new AbortError('interrupted: the run in progress was stopped');
      }
      if (now - sliceStart < IN_PROCESS_SLICE_MS) return false;
      sliceStart = now;
      return true;
    },
  };
}
