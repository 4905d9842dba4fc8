import type { RunResult } from '../results/types.js';
import { canonicalJson } from '../shared/canonical-json.js';
import type { RunRef } from './types.js';

/** Runs present on both sides, and those present on one side only. */
export interface RunPairing {
  /** Paired runs, in the current result set's order. */
  pairs: { key: string; baseline: RunResult; current: RunResult }[];
  missing: RunRef[];
  added: RunRef[];
}

/**
 * The pairing key of a run: canonical JSON (keys sorted at every level) of its kind and params.
 * Params, not ids, so that a renamed id or a reordered suite still pairs the same experiment.
 */
export function runKey(run: Pick<RunResult, 'kind' | 'params'>): string {
  return canonicalJson({ kind: run.kind, params: run.params });
}

/**
 * Pair the runs of two result sets by `runKey`. Runs with equal keys on one side (a suite that
 * repeats a run) pair in order of appearance: the first with the first, and so on.
 */
export function pairRuns(baseline: readonly RunResult[], current: readonly RunResult[]): RunPairing {
  const waiting = new Map<string, RunResult[]>();
  for (const run of baseline) {
    const key = runKey(run);
    const queue = waiting.get(key);
    if (queue) queue.push(run);
    else waiting.set(key, [run]);
  }
  const pairs: RunPairing['pairs'] = [];
  const added: RunRef[] = [];
  for (const run of current) {
    const key = runKey(run);
    const match = waiting.get(key)?.shift();
    if (match) pairs.push({ key, baseline: match, current: run });
    else added.push({ key, id: run.id });
  }
  const missing: RunRef[] = [];
  for (const run of baseline) {
    const key = runKey(run);
    const left = waiting.get(key);
    if (left && left[0] === run) {
      left.shift();
      missing.push({ key, id: run.id });
    }
  }
  return { pairs, missing, added };
}
