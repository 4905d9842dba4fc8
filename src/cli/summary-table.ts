import { paramLabel, SCENARIO_PARAMS } from '../results/params.js';
import { groupBySeed, perCycle, pooled, type SeedGroup } from '../results/seeds.js';
import type { MicroRun, ResultSet, RunResult } from '../results/types.js';
import { formatNumber, renderTable } from './text-table.js';

/**
 * A column of the summary: a figure of a group of seeds, pooled by results' one seed aggregation (the HTML
 * report uses the same). To show a new metric, add one line here naming it. Headers carry their unit the way the
 * HTML report labels it: "/cycle" per pin + unpin cycle, "(virtual)" for the model's time, "wall" for the clock.
 */
interface SummaryColumn {
  header: string;
  kind: 'exact' | 'noisy';
  value: (group: SeedGroup) => number;
}

/** Marks of the two kinds in headers (legend printed under the table). */
const EXACT_MARK = '*';
const NOISY_MARK = '~';

/** Fewer metric columns than this per table and the summary is laid out as one block per row instead. */
const MIN_COLUMNS_PER_TABLE = 3;

/** A key cell as the block layout shows it: `64 PTE pages`, `4 vCPUs`, `2 seeds`, or the value alone. */
function labelled(header: string, cell: string): string {
  const h = header.replace(/\n/g, ' ');
  if (h === 'strategy' || h === 'mode') return cell;
  if (h === 'vcpus') return `${cell} vCPU${cell === '1' ? '' : 's'}`;
  if (h === 'seeds') return `${cell} seed${cell === '1' ? '' : 's'}`;
  return `${cell} ${h}`;
}

/** Width a summary is fitted to when the output is not a terminal (a pipe, a CI log). */
export const DEFAULT_SUMMARY_COLUMNS = 120;

/** The key figures, in column order. */
export const SUMMARY_COLUMNS: readonly SummaryColumn[] = [
  { header: 'traps\n/cycle', kind: 'exact', value: (g) => perCycle(g, 'hypercalls.traps') },
  // Xen's type-change TLB flushes and the IPIs they send to the other vCPUs: the price of PIN_L1 per page.
  { header: 'TLB flushes\n/cycle', kind: 'exact', value: (g) => perCycle(g, 'xen.tlbFlushes') },
  { header: 'flush IPIs\n/cycle', kind: 'exact', value: (g) => perCycle(g, 'xen.flushIpis') },
  { header: 'entries\n/cycle', kind: 'exact', value: (g) => perCycle(g, 'hypercalls.entries') },
  { header: 'PTE lock hold\np99 ns', kind: 'exact', value: (g) => pooled(g, 'locks.ptl.holdNs.p99Ns') },
  // The lock the racing writers take: recorded per run (splitPtlocks), never guessed from the strategy's name.
  { header: 'writer wait\np99 ns', kind: 'exact', value: (g) => pooled(g, `locks.${g.writerLock}.waitNs.p99Ns`) },
  { header: 'preempt\nmax', kind: 'exact', value: (g) => pooled(g, 'preempt.maxDepth') },
  { header: 'preempt\noverflows', kind: 'exact', value: (g) => pooled(g, 'preempt.overflows') },
  { header: 'WP\nfaults', kind: 'exact', value: (g) => pooled(g, 'faults.writeProtect') },
  { header: 'pins\n/s', kind: 'exact', value: (g) => pooled(g, 'throughput.pinsPerSec') },
  {
    header: 'wall ms\n/cycle',
    kind: 'noisy',
    value: (g) => (g.wall['wall.durationMs'] ?? Number.NaN) / Math.max(1, pooled(g, 'counts.pins') / g.runs.length),
  },
];

/** Warnings the model may record (a result set without a metric shows nothing for it). */
const WARNINGS: ReadonlyArray<readonly [metric: string, label: string]> = [
  ['lockdep.recursionWarnings', 'lockdep "possible recursive locking"'],
  ['lockdep.overflows', 'lockdep "MAX_LOCK_DEPTH too low"'],
  ['lockdep.referenceOverflows', 'lockdep held_lock.references overflows'],
  ['preempt.debugWarnings', 'preempt count debug warnings ("Spinlock count overflowing soon?")'],
];

/** How the summary is laid out. */
export interface SummaryOptions {
  /** Width to fit, in columns (the terminal's). Default DEFAULT_SUMMARY_COLUMNS. */
  columns?: number;
}

/**
 * The end-of-run summary: one row per strategy and size (and any other parameter that varies), the seeds of a
 * row pooled by results' seed rule. Exact columns are marked `*`, noisy ones `~`. A table wider than the terminal
 * is split into several, each repeating the run's columns. Below: deliberately racy strategies, invalid runs (never
 * ranked with correct ones), warnings the model recorded, and the counts ("33 of 80 runs" when interrupted).
 */
export function summaryTable(set: ResultSet, options: SummaryOptions = {}): string {
  const columns = options.columns ?? DEFAULT_SUMMARY_COLUMNS;
  const groups = groupBySeed(set.runs);
  const invalidGroups = groupBySeed(set.runs, 'invalid');
  const micro = set.runs.filter((r): r is MicroRun => r.kind === 'micro' && r.status === 'ok');
  const failed = set.runs.filter((r) => r.status === 'error');
  const invalid = set.runs.filter((r) => r.status === 'invalid');
  const parts: string[] = [];
  if (groups.length > 0) parts.push(scenarioTable(groups, [...failed, ...invalid], columns));
  const racy = [...new Set(groups.filter((g) => !g.raceFree).map((g) => g.params.strategy))];
  if (racy.length > 0) {
    parts.push(
      wrapText(
        `Deliberately racy (they do not claim to be race-free; their WP faults are expected): ${racy.join(', ')}.`,
        columns,
      ),
    );
  }
  if (invalidGroups.length > 0) {
    parts.push(
      [
        'Invalid runs (not results: kept in results.json with their metrics, never ranked with the rows above):',
        ...invalidGroups.map(
          (g) => `  ${groupId(g)} (${g.runs.length} run${g.runs.length === 1 ? '' : 's'}): ${g.invalidReasons.join('; ')}`,
        ),
      ]
        .map((l) => wrapText(l, columns, '      '))
        .join('\n'),
    );
  }
  const warnings = warningLines(groups);
  if (warnings.length > 0)
    parts.push(
      ['Warnings recorded by the model:', ...warnings]
        .map((l) => wrapText(l, columns, ' '.repeat((/^ */.exec(l)?.[0].length ?? 0) + 4)))
        .join('\n'),
    );
  if (micro.length > 0) parts.push(microTable(micro, columns));
  parts.push(countsLine(set, failed.length, invalid.length));
  return parts.join('\n\n') + '\n';
}

/** `80 runs: 77 ok, 2 invalid, 1 failed`, or `33 of 80 runs finished (interrupted: ...)`. */
function countsLine(set: ResultSet, failed: number, invalid: number): string {
  const n = set.runs.length;
  const ok = n - failed - invalid;
  const planned = set.plannedRuns;
  const finished =
    set.partial && planned !== undefined && planned > n
      ? `${n} of ${planned} runs finished (interrupted: partial results)`
      : `${n} run${n === 1 ? '' : 's'}${set.partial ? ' (interrupted: partial results)' : ''}`;
  return `${finished}: ${ok} ok, ${invalid} invalid, ${failed} failed`;
}

/** A group's id: its first run's id without the seed. */
function groupId(group: SeedGroup): string {
  return group.runs[0]?.id.replace(/ seed=\d+$/, '') ?? '';
}

/**
 * Warnings under the table. A failed hypercall is listed per configuration, with its first error. Every other warning
 * is listed once per kind, over the configurations that recorded it: a sweep that trips the same warning in every size
 * gives one line per strategy and mode, not one per run (`per-pte-deferred pae: ptePages=64, 256 x vcpus=1, 4`).
 */
function warningLines(groups: readonly SeedGroup[]): string[] {
  const lines: string[] = [];
  for (const group of groups) {
    const errors = pooled(group, 'faults.hypercallErrors');
    if (errors === 0) continue;
    const first = group.exact['faults.firstHypercallError'];
    lines.push(
      `  ${groupId(group)}: ${formatNumber(errors)} failed hypercall(s)${typeof first === 'string' ? `, the first: ${first}` : ''}`,
    );
  }
  for (const [metric, label] of WARNINGS) {
    const hits = groups.map((group) => ({ group, n: pooled(group, metric) })).filter((h) => h.n > 0);
    if (hits.length === 0) continue;
    const counts = hits.map((h) => h.n);
    const each = rangeText(Math.min(...counts), Math.max(...counts));
    lines.push(`  ${label}: ${each} per configuration (seeds summed), in ${configurations(hits.length)}`);
    lines.push(...familyLines(hits.map((h) => h.group)));
  }
  // lockdep.disabled is 1 or 0 per run (a flag in older files): the runs in which lockdep turned itself off.
  const off = groups.filter((group) => (group.nonZeroRuns['lockdep.disabled'] ?? 0) > 0);
  if (off.length > 0) {
    const every = off.every((group) => group.nonZeroRuns['lockdep.disabled'] === group.runs.length);
    lines.push(
      `  lockdep turned itself off (debug_locks = 0): in ${every ? 'every run' : 'some runs'} of ${configurations(off.length)}`,
    );
    lines.push(
      ...familyLines(off, (group) =>
        every ? '' : ` (${group.nonZeroRuns['lockdep.disabled'] ?? 0} of ${group.runs.length} runs)`,
      ),
    );
  }
  return lines;
}

function configurations(n: number): string {
  return `${n} configuration${n === 1 ? '' : 's'}`;
}

function rangeText(lo: number, hi: number): string {
  return lo === hi ? formatNumber(lo) : `${formatNumber(lo)} to ${formatNumber(hi)}`;
}

/**
 * Configurations, one line per family: the configuration's id without its size and vCPU count. A family that holds
 * every combination of its sizes and vCPU counts is written as their product, any other lists its pairs; `note`
 * adds to each pair (and forces the list).
 */
function familyLines(groups: readonly SeedGroup[], note: (group: SeedGroup) => string = () => ''): string[] {
  const families = new Map<string, SeedGroup[]>();
  for (const group of groups) {
    const key = groupId(group)
      .split(' ')
      .filter((token) => !/^(ptePages|vcpus)=/.test(token))
      .join(' ');
    const family = families.get(key);
    if (family === undefined) families.set(key, [group]);
    else family.push(group);
  }
  const byNumber = (a: number, b: number): number => a - b;
  return [...families].map(([key, family]) => {
    const sizes = [...new Set(family.map((g) => g.params.ptePages))].sort(byNumber);
    const vcpus = [...new Set(family.map((g) => g.params.vcpus))].sort(byNumber);
    const notes = family.map(note);
    const product = sizes.length * vcpus.length === family.length && notes.every((n) => n === '');
    const which = product
      ? `ptePages=${sizes.join(', ')} x vcpus=${vcpus.join(', ')}`
      : family.map((g, i) => `ptePages=${g.params.ptePages} vcpus=${g.params.vcpus}${notes[i]}`).join('; ');
    return `      ${key}: ${which}`;
  });
}

function scenarioTable(groups: readonly SeedGroup[], notResults: readonly RunResult[], columns: number): string {
  // Parameters shown: strategy, mode, size and vCPUs always; the others when they vary. Seeds are pooled.
  const always = new Set(['strategy', 'mode', 'ptePages', 'vcpus']);
  const param = (params: object, name: string): string => String((params as Record<string, unknown>)[name]);
  const shown = SCENARIO_PARAMS.map((p) => p.name).filter(
    (name) => name !== 'seed' && (always.has(name) || new Set(groups.map((g) => param(g.params, name))).size > 1),
  );
  const keyOf = (params: object): string => shown.map((name) => param(params, name)).join('\u0000');
  const failedByKey = new Map<string, { failed: number; invalid: number }>();
  for (const run of notResults) {
    const counts = failedByKey.get(keyOf(run.params)) ?? { failed: 0, invalid: 0 };
    if (run.status === 'invalid') counts.invalid++;
    else counts.failed++;
    failedByKey.set(keyOf(run.params), counts);
  }

  const keyHeader = [
    ...shown.map((name) =>
      name === 'ptePages' ? 'PTE\npages' : name === 'strategy' || name === 'mode' || name === 'vcpus' ? name : paramLabel(name),
    ),
    'seeds',
  ];
  const keyRows = groups.map((group) => {
    const others = failedByKey.get(keyOf(group.params));
    const extra = [others?.invalid ? `+${others.invalid} invalid` : '', others?.failed ? `+${others.failed} failed` : '']
      .filter(Boolean)
      .join(', ');
    return [
      ...shown.map((name) =>
        name === 'strategy' && !group.raceFree ? `${param(group.params, name)} (racy)` : param(group.params, name),
      ),
      extra ? `${group.runs.length} (${extra})` : String(group.runs.length),
    ];
  });
  const metricHeader = SUMMARY_COLUMNS.map((c) => c.header + (c.kind === 'exact' ? EXACT_MARK : NOISY_MARK));
  const metricRows = groups.map((group) => SUMMARY_COLUMNS.map((c) => formatNumber(c.value(group))));

  const legend =
    `${EXACT_MARK} exact: a function of the parameters and seed, reproducible bit for bit; ` +
    `${NOISY_MARK} noisy: wall clock of this machine. /cycle: per pin + unpin cycle; ns and /s: the model's virtual ` +
    "time (nanoseconds, per virtual second); wall ms: this machine's clock. Seeds " +
    'pooled as one long run: counts summed, per-cycle figures divided by all pins, pins/s averaged, p99 and maxima the ' +
    'largest over seeds (the same rule as the HTML report).';

  // Split the metric columns into tables that fit, each repeating the run's columns.
  const widthOf = (header: string, cells: readonly string[]): number =>
    Math.max(...header.split('\n').map((l) => l.length), ...cells.map((c) => c.length));
  const keyWidth = keyHeader.reduce(
    (w, h, i) =>
      w +
      widthOf(
        h,
        keyRows.map((r) => r[i] ?? ''),
      ) +
      2,
    0,
  );
  const chunks: number[][] = [];
  let chunk: number[] = [];
  let width = keyWidth;
  metricHeader.forEach((header, i) => {
    const w =
      widthOf(
        header,
        metricRows.map((r) => r[i] ?? ''),
      ) + 2;
    if (chunk.length > 0 && width + w > columns) {
      chunks.push(chunk);
      chunk = [];
      width = keyWidth;
    }
    chunk.push(i);
    width += w;
  });
  if (chunk.length > 0) chunks.push(chunk);
  // A terminal too narrow for a few metrics beside the run's columns gets one block per row instead: the run on a
  // line, then its figures as `name value` pairs wrapped to the width.
  if (chunks.length > 0 && chunks.some((c) => c.length < MIN_COLUMNS_PER_TABLE) && chunks.length > 1) {
    const blocks = keyRows.map((key, r) => {
      const title = key.map((cell, i) => labelled(keyHeader[i] ?? '', cell)).join(', ');
      // A no-break space keeps each `name value` pair on one line.
      const pairs = metricHeader.map((h, i) => `${h.replace(/\n/g, ' ')} ${metricRows[r]?.[i] ?? ''}`.replace(/ /g, '\u00a0'));
      const figures = wrapText(`  ${pairs.join('; ')}`, columns, '  ').replace(/\u00a0/g, ' ');
      return `${wrapText(title.replace(/ /g, '\u00a0').replace(/,\u00a0/g, ', '), columns, '  ').replace(/\u00a0/g, ' ')}\n${figures}`;
    });
    return `${blocks.join('\n')}\n${wrapText(legend, columns)}`;
  }
  const tables = chunks.map((indices) =>
    renderTable(
      [...keyHeader, ...indices.map((i) => metricHeader[i] ?? '')],
      keyRows.map((row, r) => [...row, ...indices.map((i) => metricRows[r]?.[i] ?? '')]),
      (i) => i >= shown.length,
    ),
  );
  return `${tables.join('\n\n')}\n${wrapText(legend, columns)}`;
}

/** Wrap a paragraph at `columns`, keeping its own indentation; continuation lines start with `indent`. */
function wrapText(text: string, columns: number, indent = ''): string {
  const lines: string[] = [];
  const lead = /^ */.exec(text)?.[0] ?? '';
  let line = '';
  for (const word of text.trimStart().split(/ +/)) {
    const start = lines.length === 0 ? lead : indent;
    if (line !== '' && start.length + line.length + 1 + word.length > columns) {
      lines.push(start + line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push((lines.length === 0 ? lead : indent) + line);
  return lines.map((l) => l.trimEnd()).join('\n');
}

function microTable(runs: readonly MicroRun[], columns: number): string {
  const header = [
    'micro-benchmark',
    `mean ms${NOISY_MARK}`,
    `p50 ms${NOISY_MARK}`,
    `p99 ms${NOISY_MARK}`,
    `±rme %${NOISY_MARK}`,
    'samples',
  ];
  const figures = runs.map((r) => [
    formatNumber(r.wall.meanMs ?? r.wall.durationMs),
    formatNumber(r.wall.p50Ms ?? r.wall.durationMs),
    formatNumber(r.wall.p99Ms ?? r.wall.durationMs),
    formatNumber(r.wall.rme ?? 0),
    String(r.wall.samples ?? r.wall.samplesMs?.length ?? 1),
  ]);
  // The name column takes what the figures leave.
  const figuresWidth = header
    .slice(1)
    .reduce((w, h, i) => w + Math.max(h.length, ...figures.map((f) => (f[i] ?? '').length)) + 2, 0);
  const room = Math.max(20, columns - figuresWidth);
  const body = runs.map((r, i) => [
    r.params.name.length > room ? `${r.params.name.slice(0, room - 1)}…` : r.params.name,
    ...(figures[i] ?? []),
  ]);
  return renderTable(header, body, (i) => i > 0);
}
