import type { AbSideName } from '../../compare/ab/types.js';
import type { ExactValue } from '../../results/types.js';

export type { AbMeasurement, AbRunSamples, AbSideInfo, AbSideName } from '../../compare/ab/types.js';

/** A request to a thread, for one side's model (a thread may host both sides). */
export type SamplerRequest = { side: AbSideName } /** Import the side's model and strategy modules. */ & (
  | { type: 'init'; root: string; strategyModules: string[] }
  /** Run once, untimed by the caller: exact metrics (or the error) and the wall ms of the run. */
  | { type: 'metrics'; point: Record<string, unknown> }
  /** Run `iterations` times back to back and return the wall ms per repetition. */
  | { type: 'sample'; point: Record<string, unknown>; iterations: number }
);

/** A side's answer. */
export type SamplerResponse =
  | { type: 'ready'; version: string; profiles: Record<string, unknown> }
  | { type: 'metrics'; ok: true; params: Record<string, unknown>; metrics: Record<string, unknown>; events: number; ms: number }
  | { type: 'metrics'; ok: false; error: string; ms: number }
  | { type: 'sample'; msPerIteration: number }
  | { type: 'failed'; error: string };

/** Progress of an A/B job, for a bar or a log. */
export type AbProgress =
  | { phase: 'prepare'; side: AbSideName; message: string }
  | { phase: 'metrics' | 'warmup'; done: number; total: number }
  | { phase: 'round'; round: number; rounds: number; done: number; total: number; elapsedMs: number };

/** How an A/B job is run. */
export interface AbJobOptions {
  /** Timed rounds: every run once per side per round. */
  rounds: number;
  /** Untimed passes over every run on each side before round 1 (the first one records the exact metrics). */
  warmupRounds: number;
  /**
   * Fresh threads (V8 isolates) the A/B is replicated in, each importing both sides and warmed up on its own;
   * the rounds go to the blocks in turn (default 1).
   */
  blocks?: number;
  /** Shortest timed sample, ms: a shorter run is repeated within one sample until it takes this long. */
  minSampleMs: number;
  /** Stop starting rounds once this much wall time is spent (0: no limit), ms; at least MIN rounds run. */
  maxTimeMs: number;
  /** Ctrl-C: the pair in progress finishes, the job stops and returns what it has, marked partial. */
  signal?: AbortSignal;
  onProgress?: (event: AbProgress) => void;
}

/** An exact metric value, as results flatten it. */
export type { ExactValue };
