import type { ResultSet } from '../results/types.js';
import { canonicalJson } from '../shared/canonical-json.js';
import type { Cause, ParamChange } from './types.js';

/** Most differing cost-profile fields named one by one. */
const MAX_PROFILE_FIELDS = 12;

/**
 * What differs between two result sets as a whole, each a candidate cause of exact changes: parameters that
 * changed in paired runs (with how many runs), cost profile numbers, the pinbench version, commit and working
 * tree, the suite, the command line, and a failed determinism check. In that order: the first lines are the
 * likeliest causes.
 */
export function describeCauses(
  baseline: ResultSet,
  current: ResultSet,
  pairs: ReadonlyArray<{ paramChanges: readonly ParamChange[] }>,
): Cause[] {
  const causes: Cause[] = [];
  const params = new Map<string, number>();
  for (const pair of pairs) {
    for (const change of pair.paramChanges) {
      const text = `${change.name}: ${show(change.baseline)} -> ${show(change.current)}`;
      params.set(text, (params.get(text) ?? 0) + 1);
    }
  }
  for (const [text, runs] of params) causes.push({ kind: 'parameter', text: `${text} in ${runs} run(s)` });

  const names = [...new Set([...Object.keys(baseline.profiles), ...Object.keys(current.profiles)])].sort();
  const profileLines: string[] = [];
  for (const name of names) {
    const before = baseline.profiles[name];
    const after = current.profiles[name];
    if (before === undefined || after === undefined) {
      profileLines.push(`${name}: ${before === undefined ? 'only in current' : 'only in the baseline'}`);
      continue;
    }
    const a = (before ?? {}) as Record<string, unknown>;
    const b = (after ?? {}) as Record<string, unknown>;
    for (const field of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      if (canonicalJson(a[field]) !== canonicalJson(b[field]))
        profileLines.push(`${name}.${field}: ${show(a[field])} -> ${show(b[field])}`);
    }
  }
  for (const text of profileLines.slice(0, MAX_PROFILE_FIELDS)) causes.push({ kind: 'cost profile', text });
  if (profileLines.length > MAX_PROFILE_FIELDS) {
    causes.push({ kind: 'cost profile', text: `... and ${profileLines.length - MAX_PROFILE_FIELDS} more cost-profile field(s)` });
  }

  if (baseline.tool.version !== current.tool.version) {
    causes.push({ kind: 'pinbench version', text: `${baseline.tool.version} -> ${current.tool.version}` });
  }
  if (baseline.tool.commit !== current.tool.commit) {
    causes.push({ kind: 'commit', text: `${shortCommit(baseline.tool.commit)} -> ${shortCommit(current.tool.commit)}` });
  }
  for (const [side, set] of [
    ['baseline', baseline],
    ['current', current],
  ] as const) {
    if ((set.tool as { dirty?: unknown }).dirty === true) {
      causes.push({ kind: 'working tree', text: `the ${side} was measured with uncommitted changes to pinbench` });
    }
    const determinism = (set as { determinism?: { passed?: unknown; differences?: unknown } }).determinism;
    if (determinism?.passed === false) {
      causes.push({
        kind: 'determinism',
        text: `the ${side} failed its determinism check (${String(determinism.differences ?? '?')} difference(s)): its exact metrics are not reproducible`,
      });
    }
  }
  if (baseline.suite !== current.suite) causes.push({ kind: 'suite', text: `${baseline.suite} -> ${current.suite}` });
  const argv = (set: ResultSet) => (set.argv === undefined ? '(not recorded)' : set.argv.join(' '));
  if (canonicalJson(baseline.argv ?? null) !== canonicalJson(current.argv ?? null)) {
    causes.push({ kind: 'argv', text: `pinbench ${argv(baseline)} -> pinbench ${argv(current)}` });
  }
  return causes;
}

function show(value: unknown): string {
  return value === undefined ? '(absent)' : typeof value === 'string' ? value : JSON.stringify(value);
}

function shortCommit(commit: string | null): string {
  return commit === null ? '(no commit)' : commit.slice(0, 12);
}
