import type { RunResult } from '../results/types.js';
import { canonicalJson } from '../shared/canonical-json.js';
import type { ParamChange, RunRef } from './types.js';

/** Runs present on both sides, and those present on one side only. */
export interface RunPairing {
  /**
   * Paired runs, in the current result set's order (then the runs paired despite a changed parameter).
   * `paramChanges` lists the parameters that differ within a pair: empty for runs of equal parameters.
   */
  pairs: { key: string; baseline: RunResult; current: RunResult; paramChanges: ParamChange[] }[];
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
    if (match) pairs.push({ key, baseline: match, current: run, paramChanges: [] });
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
  return pairChangedParameters(baseline, current, { pairs, missing, added });
}

/**
 * Runs left unpaired because a parameter changed in the whole suite (a new default, such as MC_BATCH and the
 * MC_ARGS that follows it) are paired on the other parameters. The changed parameters are those with one value
 * over every run of each side and a different one on each; runs pair when they agree on everything else, one to
 * one, in order. What is left stays missing or new.
 */
function pairChangedParameters(baseline: readonly RunResult[], current: readonly RunResult[], pairing: RunPairing): RunPairing {
  if (pairing.missing.length === 0 || pairing.added.length === 0) return pairing;
  const byKey = (runs: readonly RunResult[], refs: readonly RunRef[]) => {
    const wanted = new Set(refs.map((r) => r.key));
    return runs.filter((run) => wanted.has(runKey(run)));
  };
  const lost = byKey(baseline, pairing.missing);
  const found = byKey(current, pairing.added);
  const distinct = (runs: readonly RunResult[], name: string) =>
    new Set(runs.map((run) => canonicalJson((run.params as Record<string, unknown>)[name])));
  const names = [...new Set([...lost, ...found].flatMap((run) => Object.keys(run.params)))];
  // A parameter the suite does not vary (one value over every run of each side) whose value differs between
  // the sides: what a changed default looks like. A varied axis (PTE pages 256 on one side, 1024 on the other)
  // is a change of the suite, and its runs stay missing and new.
  const changed = names.filter((name) => {
    const before = distinct(baseline, name);
    const after = distinct(current, name);
    return before.size === 1 && after.size === 1 && [...before][0] !== [...after][0];
  });
  if (changed.length === 0 || changed.length === names.length) return pairing;
  const rest = (run: RunResult) => {
    const params = { ...(run.params as Record<string, unknown>) };
    for (const name of changed) delete params[name];
    return canonicalJson({ kind: run.kind, params });
  };
  const waiting = new Map<string, RunResult[]>();
  for (const run of lost) {
    const queue = waiting.get(rest(run));
    if (queue) queue.push(run);
    else waiting.set(rest(run), [run]);
  }
  const pairs = [...pairing.pairs];
  const pairedLost = new Set<RunResult>();
  const pairedFound = new Set<RunResult>();
  for (const run of found) {
    const match = waiting.get(rest(run))?.shift();
    if (match === undefined) continue;
    const before = match.params as Record<string, unknown>;
    const after = run.params as Record<string, unknown>;
    const paramChanges = changed
      .filter((name) => canonicalJson(before[name]) !== canonicalJson(after[name]))
      .map((name) => ({ name, baseline: before[name], current: after[name] }));
    pairs.push({ key: runKey(run), baseline: match, current: run, paramChanges });
    pairedLost.add(match);
    pairedFound.add(run);
  }
  if (pairedFound.size === 0) return pairing;
  return {
    pairs,
    missing: pairing.missing.filter(
      (ref) => !lost.some((run) => pairedLost.has(run) && runKey(run) === ref.key && run.id === ref.id),
    ),
    added: pairing.added.filter(
      (ref) => !found.some((run) => pairedFound.has(run) && runKey(run) === ref.key && run.id === ref.id),
    ),
  };
}
