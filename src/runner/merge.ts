import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { ResultSet, RunResult } from '../results/types.js';
import { canonicalJson } from '../shared/canonical-json.js';
import { ConfigError } from '../shared/errors.js';
import type { ShardRecord } from './shard.js';

// `pinbench merge`: the parts of a sharded run (`run --shard i/n`) back into one result set, as if the plan had run
// on one machine: the same runs, in plan order, with the same exact metrics (each run is a function of its
// parameters and seed, wherever it ran). The parts must belong together; docs/scaling-out.md says what is checked.

/** One part as given to merge: its file (for messages and trace links) and its result set. */
export interface MergePart {
  file: string;
  set: ResultSet;
}

/** Options of mergeParts. */
export interface MergeOptions {
  /** Merge what is there when parts or runs are missing (the set is then `partial`); refused otherwise. */
  allowMissing?: boolean;
  /** Directory the merged results.json goes into: trace links are rewritten relative to it. */
  outDir: string;
}

/** What merging found besides the set: missing parts and runs, and whether the parts ran on different machines. */
export interface MergeOutcome {
  set: ResultSet;
  /** Part numbers (1-based) no file was given for. */
  missingShards: number[];
  /** Runs of the plan that are in no part (missing parts' runs included). */
  missingRuns: number;
  /** The distinct machines (CPU model, Node) the parts ran on, when more than one. */
  machines: string[];
}

/** Part i of n as a file names it in messages. */
function nameOf(part: MergePart): string {
  const s = part.set.shard as ShardRecord | undefined;
  return s === undefined ? part.file : `${part.file} (shard ${s.index}/${s.count})`;
}

/**
 * Merge the parts of one sharded run. Throws ConfigError naming the file and what differs when a file is not a part
 * (no `shard` record), when parts do not belong together (another plan, pinbench version or commit, cost profiles or
 * run limits; a part count that differs), when a part is given twice or a run is in two parts, and, unless
 * `allowMissing`, when a part or a run is missing.
 */
export function mergeParts(parts: readonly MergePart[], options: MergeOptions): MergeOutcome {
  if (parts.length === 0)
    throw new ConfigError('merge: no parts given; expected the results.json of every `run --shard i/n`', 'PARTS');
  for (const part of parts) {
    if (part.set.shard === undefined) {
      throw new ConfigError(
        `${part.file}: not a part of a sharded run (no "shard" field: written by pinbench run without --shard); expected the results.json of a \`pinbench run --shard i/n\``,
        'shard',
      );
    }
  }
  const first = parts[0] as MergePart;
  const ref = first.set.shard as ShardRecord;
  const same = (what: string, field: string, get: (s: ResultSet) => unknown): void => {
    const want = canonicalJson(get(first.set) ?? null);
    for (const part of parts.slice(1)) {
      const got = canonicalJson(get(part.set) ?? null);
      if (got !== want) {
        throw new ConfigError(
          `${nameOf(part)} does not belong with ${nameOf(first)}: ${what} differ (${clip(got)} against ${clip(want)}); expected the parts of one \`pinbench run --shard i/n\` command`,
          field,
        );
      }
    }
  };
  same('the part counts', 'shard.count', (s) => (s.shard as ShardRecord).count);
  same('the suites', 'suite', (s) => s.suite);
  same(
    'the plans (suite, run ids and parameters: another matrix, or strategies registered differently)',
    'shard.plan',
    (s) => (s.shard as ShardRecord).plan,
  );
  same('the pinbench versions', 'tool.version', (s) => s.tool.version);
  same('the pinbench commits', 'tool.commit', (s) => s.tool.commit);
  same('the cost profiles', 'profiles', (s) => s.profiles);
  same('the run limits', 'limits', (s) => s.limits);

  // Each part once; each run of the plan once, at its position.
  const byIndex = new Map<number, MergePart>();
  const runAt = new Map<number, { run: RunResult; part: MergePart }>();
  const missingOfParts: string[] = [];
  for (const part of parts) {
    const shard = part.set.shard as ShardRecord;
    const twice = byIndex.get(shard.index);
    if (twice !== undefined) {
      throw new ConfigError(
        `shard ${shard.index}/${shard.count} is given twice: ${twice.file} and ${part.file}; expected each part once`,
        'shard.index',
      );
    }
    byIndex.set(shard.index, part);
    const positionOf = new Map(shard.ids.map((id, k) => [id, shard.positions[k] ?? -1]));
    for (const run of part.set.runs) {
      const position = positionOf.get(run.id);
      if (position === undefined || position < 0) {
        throw new ConfigError(`${nameOf(part)}: run "${run.id}" is not one of the runs its shard record assigns to it`, 'runs');
      }
      const other = runAt.get(position);
      if (other !== undefined) {
        throw new ConfigError(
          `run "${run.id}" is in two parts: ${nameOf(other.part)} and ${nameOf(part)}; expected each run once`,
          'runs',
        );
      }
      runAt.set(position, { run: rebaseTrace(run, part.file, options.outDir), part });
    }
    const present = new Set(part.set.runs.map((r) => r.id));
    const lost = shard.ids.filter((id) => !present.has(id));
    if (lost.length > 0) {
      missingOfParts.push(
        `${lost.length} run${lost.length === 1 ? '' : 's'} of ${nameOf(part)}${part.set.partial ? ' (interrupted: partial)' : ''}: ${lost.slice(0, 3).join('; ')}${lost.length > 3 ? '; ...' : ''}`,
      );
    }
  }
  const missingShards: number[] = [];
  for (let i = 1; i <= ref.count; i++) if (!byIndex.has(i)) missingShards.push(i);
  const missingRuns = ref.planRuns - runAt.size;
  if (missingRuns > 0 && !options.allowMissing) {
    const what = [
      ...(missingShards.length > 0
        ? [`shard${missingShards.length === 1 ? '' : 's'} ${missingShards.join(', ')} of ${ref.count} (no file given)`]
        : []),
      ...missingOfParts,
    ];
    throw new ConfigError(
      `merge: ${missingRuns} of ${ref.planRuns} runs are missing: ${what.join('; ')}; expected every part, or --allow-missing to merge what is there (the set is then partial)`,
      '--allow-missing',
    );
  }

  const ordered = [...runAt.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v.run);
  const sortedParts = [...byIndex.values()].sort(
    (a, b) => (a.set.shard as ShardRecord).index - (b.set.shard as ShardRecord).index,
  );
  const machines = [...new Set(parts.map((p) => `${p.set.environment.cpuModel}, Node ${p.set.environment.node}`))];
  const createdAt = parts.map((p) => p.set.createdAt).sort()[0] ?? first.set.createdAt;
  const {
    shard: _shard,
    runs: _runs,
    workers: _workers,
    argv,
    plannedRuns: _planned,
    partial: _partial,
    createdAt: _created,
    ...rest
  } = first.set;
  const set: ResultSet = {
    ...rest,
    createdAt,
    partial: missingRuns > 0,
    ...(argv === undefined ? {} : { argv: withoutShard(argv) }),
    plannedRuns: ref.planRuns,
    merged: {
      plan: ref.plan,
      shards: ref.count,
      parts: sortedParts.map((p) => ({
        file: p.file,
        index: (p.set.shard as ShardRecord).index,
        createdAt: p.set.createdAt,
        partial: p.set.partial,
        runs: p.set.runs.length,
        environment: p.set.environment,
        ...(p.set.workers === undefined ? {} : { workers: p.set.workers }),
      })),
      missing: { shards: missingShards, runs: missingRuns },
    },
    runs: ordered,
  };
  return { set, missingShards, missingRuns, machines: machines.length > 1 ? machines : [] };
}

/** The command line without `--shard i/n` (`--shard=i/n`): the unsharded command, for reproduction. */
export function withoutShard(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--shard') {
      i++;
      continue;
    }
    if (arg.startsWith('--shard=')) continue;
    out.push(arg);
  }
  return out;
}

/** A run's trace link, relative to its part's directory, made relative to the merged set's directory. */
function rebaseTrace(run: RunResult, partFile: string, outDir: string): RunResult {
  if (run.kind !== 'scenario' || run.status === 'error' || run.trace === undefined || run.trace.file === null) return run;
  const file = run.trace.file;
  const absolute = isAbsolute(file) ? file : join(dirname(resolve(partFile)), file);
  return { ...run, trace: { ...run.trace, file: relative(resolve(outDir), absolute).split(sep).join('/') } };
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
