import { dirname, join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { describeConfig, describeViolation, renderTrace } from '../../../explore/render-trace.js';
import { replaySchedule } from '../../../explore/replay.js';
import { scheduleFile, writeScheduleFile } from '../../../explore/schedule-file.js';
import { Search } from '../../../explore/search.js';
import { EXPLORE_SCHEMA, type ExploreSummary, type ExploreSummaryEntry, summaryEntry } from '../../../explore/summary.js';
import { traceDocument, traceEvents } from '../../../explore/trace-events.js';
import type { ExploreOutcome } from '../../../explore/types.js';
import type { ExploreReportCounterexample } from '../../../report/explore-view.js';
import { toolInfo } from '../../../runner/environment.js';
import { expandMatrices, runId } from '../../../runner/matrix.js';
import { loadStrategyModules } from '../../../runner/strategy-modules.js';
import type { ParamMatrix } from '../../../runner/types.js';
import type { ForkExitParams } from '../../../scenarios/types.js';
import { ConfigError } from '../../../shared/errors.js';
import { writeFileAtomic } from '../../../shared/write-file-atomic.js';
import { listStrategies } from '../../../strategies/registry.js';
import type { CommandContext } from '../../command.js';
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_RUN_FAILED, EXIT_VIOLATION, type ExitCode, STOP_SIGNALS } from '../../errors.js';
import type { Io } from '../../io.js';
import { matrixFromArgs, withOptionName } from '../../matrix-options.js';
import { checkOutDir } from '../../out-dir.js';
import { strategyModulePaths } from '../../strategy-module-paths.js';
import { formatNumber, renderTable } from '../../text-table.js';
import { EXPLORE_AXIS_DEFAULTS, type ExploreArgs } from './args.js';

/** Name of the summary file in --out. */
export const EXPLORE_FILE = 'explore.json';
/** Name of the HTML page in --out. */
export const EXPLORE_REPORT_FILE = 'index.html';
/** Wall time of one slice of a search between two turns of the event loop (Ctrl-C is heard between slices), ms. */
const SLICE_MS = 50;
/** Most configurations one command explores (each may take up to --max-seconds). */
const MAX_CONFIGURATIONS = 1_000;

/** One configuration to explore, with the file names of its counterexample. */
interface Config {
  id: string;
  params: ForkExitParams;
  /** Base name of its files: the strategy's name when it is explored once, else a slug of the id. */
  name: string;
}

/** What one configuration gave. */
interface Explored {
  config: Config;
  outcome: ExploreOutcome;
  entry: ExploreSummaryEntry;
  counterexample: ExploreReportCounterexample | null;
}

/**
 * `pinbench explore`: check every input (exit 2, nothing written), explore each configuration in turn (in slices, so
 * that Ctrl-C is heard), write each counterexample's schedule and trace, explore.json and index.html, print the
 * verdicts; exit 5 when a violation was found, 1 when a limit stopped a search first, 0 otherwise.
 */
export async function runExploreCommand(args: ExploreArgs, { io, argv }: CommandContext): Promise<ExitCode> {
  await loadStrategyModules(strategyModulePaths(args.strategyModule));
  const configs = configurations(args);
  const files = [
    EXPLORE_FILE,
    EXPLORE_REPORT_FILE,
    ...configs.flatMap((c) => [`${c.name}.schedule.json`, `${c.name}.trace.json`]),
  ];
  const outDir = checkOutDir(args.out, '--out', files);
  const say = (text: string): void => {
    if (!args.quiet) io.stderr(text);
  };

  const controller = new AbortController();
  let stoppedBy: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(STOP_SIGNALS[signal as keyof typeof STOP_SIGNALS] ?? EXIT_INTERRUPTED);
    stoppedBy = signal;
    io.stderr(
      `\n${signal === 'SIGINT' ? 'interrupted' : `${signal} received`}: writing what was explored (Ctrl-C again to quit now)\n`,
    );
    controller.abort();
  };
  for (const signal of Object.keys(STOP_SIGNALS)) process.on(signal, onSignal);

  const createdAt = new Date();
  const tool = toolInfo();
  const explored: Explored[] = [];
  const status = statusLine(io, args.quiet);
  try {
    say(
      `pinbench: exploring ${configs.length} configuration${configs.length === 1 ? '' : 's'} up to ${args.preemptionBound} preemption${args.preemptionBound === 1 ? '' : 's'} (${args.reduction}, ${args.writerUpdates} update${args.writerUpdates === 1 ? '' : 's'} per writer)\n`,
    );
    for (const [i, config] of configs.entries()) {
      if (controller.signal.aborted) break;
      const search = new Search(config.params, {
        preemptionBound: args.preemptionBound,
        writerUpdates: args.writerUpdates,
        reduction: args.reduction,
        maxSchedules: args.maxSchedules,
        maxMs: args.maxSeconds * 1000,
      });
      const label = `[${i + 1}/${configs.length}] ${config.id}`;
      while (!search.work(SLICE_MS)) {
        const p = search.progress;
        status.show(
          `${label}: bound ${p.bound}, ${formatNumber(p.schedules)} schedules, ${formatNumber(p.distinctStates)} states`,
        );
        await yieldToEventLoop();
        if (controller.signal.aborted) search.interrupt();
      }
      status.clear();
      const outcome = search.outcome();
      explored.push(await finishConfig(config, outcome, outDir, { tool, createdAt }));
      const last = explored[explored.length - 1] as Explored;
      say(
        `${label}: ${verdictText(last.entry)} (${formatNumber(outcome.schedules)} schedules, ${last.entry.seconds.toFixed(2)} s)\n`,
      );
    }
  } finally {
    for (const signal of Object.keys(STOP_SIGNALS)) process.off(signal, onSignal);
    status.clear();
  }

  const summary: ExploreSummary = {
    schema: EXPLORE_SCHEMA,
    tool,
    createdAt: createdAt.toISOString(),
    argv: [...argv],
    options: {
      preemptionBound: args.preemptionBound,
      writerUpdates: args.writerUpdates,
      reduction: args.reduction,
      maxSchedules: args.maxSchedules,
      maxSeconds: args.maxSeconds,
    },
    partial: controller.signal.aborted,
    results: explored.map((e) => e.entry),
  };
  const summaryPath = join(outDir, EXPLORE_FILE);
  await writeFileAtomic(summaryPath, `${JSON.stringify(summary, null, 2)}\n`);
  const reportPath = args.report ? await writeReport(summary, explored, outDir, io) : undefined;

  if (args.json) io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
  else if (!args.quiet) io.stdout(summaryText(explored, summaryPath, reportPath));

  if (stoppedBy !== undefined) return STOP_SIGNALS[stoppedBy as keyof typeof STOP_SIGNALS];
  if (explored.some((e) => e.outcome.verdict === 'violation')) return EXIT_VIOLATION;
  if (explored.some((e) => e.outcome.verdict === 'incomplete')) return EXIT_RUN_FAILED;
  return EXIT_OK;
}

/** The configurations of the command line: the axes given, explore's defaults for vCPUs, iterations and PTE pages. */
function configurations(args: ExploreArgs): Config[] {
  let params: ForkExitParams[];
  try {
    const given = matrixFromArgs(args.options);
    const matrix: ParamMatrix = {
      vcpus: [EXPLORE_AXIS_DEFAULTS.vcpus],
      iterations: [EXPLORE_AXIS_DEFAULTS.iterations],
      ptePages: [EXPLORE_AXIS_DEFAULTS.ptePages],
      ...given,
    };
    params = expandMatrices([matrix], listStrategies()).map((s) => s.params);
  } catch (error) {
    throw error instanceof ConfigError ? withOptionName(error) : error;
  }
  if (params.length > MAX_CONFIGURATIONS) {
    throw new ConfigError(
      `the scenario options expand to ${params.length.toLocaleString('en-US')} configurations, more than ${MAX_CONFIGURATIONS.toLocaleString('en-US')}; expected fewer values per axis`,
    );
  }
  const perStrategy = new Map<string, number>();
  for (const p of params) perStrategy.set(p.strategy, (perStrategy.get(p.strategy) ?? 0) + 1);
  return params.map((p) => {
    // Nothing is random under exploration: the seed is not part of a configuration's name.
    const id = runId(p).replace(/ seed=\d+/, '');
    const name = perStrategy.get(p.strategy) === 1 ? p.strategy : id.replace(/\s+/g, '_').replace(/[^A-Za-z0-9_.=+,-]/g, '-');
    return { id, params: p, name };
  });
}

/** The configuration's entry, and for a violation its schedule file, trace file and timeline. */
async function finishConfig(
  config: Config,
  outcome: ExploreOutcome,
  outDir: string,
  info: { tool: ExploreSummary['tool']; createdAt: Date },
): Promise<Explored> {
  const cx = outcome.counterexample;
  if (cx === null) return { config, outcome, entry: summaryEntry(config.id, outcome, null), counterexample: null };
  const replay = replaySchedule(config.params, cx.schedule, outcome.writerUpdates);
  const scheduleName = `${config.name}.schedule.json`;
  const traceName = `${config.name}.trace.json`;
  const file = scheduleFile(config.params, cx, {
    tool: info.tool,
    createdAt: info.createdAt,
    writerUpdates: outcome.writerUpdates,
    preemptionBound: outcome.bound,
    records: replay.records,
  });
  await writeScheduleFile(join(outDir, scheduleName), file);
  const trace = traceDocument(config.params, replay.records, replay.violation);
  await writeFileAtomic(join(outDir, traceName), `${JSON.stringify(trace)}\n`);
  const title = `${config.id}: ${cx.violation.kind} in ${cx.schedule.steps.length} steps, ${cx.preemptions} preemption${cx.preemptions === 1 ? '' : 's'}`;
  return {
    config,
    outcome,
    entry: summaryEntry(config.id, outcome, { scheduleFile: scheduleName, traceFile: traceName }),
    counterexample: {
      id: config.id,
      title,
      events: traceEvents(config.params, replay.records, replay.violation),
      trace: `${describeConfig(config.params, outcome.writerUpdates)}\n${describeViolation(cx.violation, outcome.raceFree)}\n\n${renderTrace(replay.records, replay.violation)}`,
      scheduleFile: scheduleName,
      traceFile: traceName,
    },
  };
}

/** `violation (unexpected): deadlock at step 12, 1 preemption`, `no violation up to bound 2 (expected)`. */
function verdictText(e: ExploreSummaryEntry): string {
  const expected = e.expected === null ? '' : e.expected ? ' (expected)' : ' (UNEXPECTED)';
  if (e.verdict === 'violation' && e.counterexample !== null) {
    const cx = e.counterexample;
    return `violation${expected}: ${cx.violation.kind} at step ${cx.violation.step}, ${cx.preemptions} preemption${cx.preemptions === 1 ? '' : 's'}`;
  }
  if (e.verdict === 'no-violation') return `no violation up to bound ${e.bound}${expected}`;
  return `incomplete: ${e.limitHit ?? 'limit hit'}, bound ${e.boundCovered} covered`;
}

function summaryText(explored: readonly Explored[], summaryPath: string, reportPath: string | undefined): string {
  const header = [
    'configuration',
    'verdict',
    'expected',
    'violation',
    'preempt-\nions',
    'steps',
    'bound\ncovered',
    'schedules',
    'pruned',
    'distinct\nstates',
    'time\n(s)',
    'schedules\n/s',
  ];
  const rows = explored.map(({ entry: e }) => [
    `${e.id}${e.raceFree ? '' : ' (racy)'}`,
    e.verdict === 'violation'
      ? 'violation'
      : e.verdict === 'no-violation'
        ? `none up to bound ${e.bound}`
        : `incomplete: ${e.limitHit ?? 'limit'}`,
    e.expected === null ? '-' : e.expected ? 'yes' : 'NO',
    e.counterexample?.violation.kind ?? '-',
    e.counterexample === null ? '-' : String(e.counterexample.preemptions),
    e.counterexample === null ? '-' : String(e.counterexample.steps),
    String(e.boundCovered),
    formatNumber(e.schedules),
    formatNumber(e.pruned),
    formatNumber(e.distinctStates),
    e.seconds.toFixed(2),
    formatNumber(Math.round(e.schedulesPerSec)),
  ]);
  const lines = [`\n${renderTable(header, rows, (c) => c >= 4)}`, ''];
  for (const { entry: e } of explored) {
    const cx = e.counterexample;
    if (cx === null) continue;
    lines.push(`${e.id}: ${describeViolation(cx.violation, e.raceFree)}`);
    lines.push(`  schedule: ${join(dirname(summaryPath), cx.scheduleFile)} (pinbench replay FILE prints it step by step)`);
  }
  lines.push(`verdicts: ${summaryPath}`);
  if (reportPath !== undefined) lines.push(`report:   ${reportPath}`);
  return `${lines.join('\n')}\n`;
}

/** index.html beside explore.json; a page that fails to render is reported, the command goes on. */
async function writeReport(
  summary: ExploreSummary,
  explored: readonly Explored[],
  outDir: string,
  io: Io,
): Promise<string | undefined> {
  try {
    const { renderExploreReport } = await import('../../../report/explore-view.js');
    const html = renderExploreReport({
      title: 'pinbench explore',
      createdAt: summary.createdAt,
      tool: `pinbench ${summary.tool.version}${summary.tool.commit ? ` (${summary.tool.commit.slice(0, 12)})` : ''}`,
      settings: [
        ['preemption bound', String(summary.options.preemptionBound)],
        ['updates per writer', String(summary.options.writerUpdates)],
        ['reduction', summary.options.reduction],
        ['limits per configuration', `${formatNumber(summary.options.maxSchedules)} schedules, ${summary.options.maxSeconds} s`],
      ],
      rows: explored.map(({ entry: e }) => ({
        id: e.id,
        strategy: e.strategy,
        raceFree: e.raceFree,
        verdict: e.verdict,
        expected: e.expected,
        bound: e.bound,
        boundCovered: e.boundCovered,
        limitHit: e.limitHit,
        schedules: e.schedules,
        pruned: e.pruned,
        distinctStates: e.distinctStates,
        seconds: e.seconds,
        schedulesPerSec: e.schedulesPerSec,
        violation: e.counterexample === null ? null : `${e.counterexample.violation.kind}: ${e.counterexample.violation.message}`,
        preemptions: e.counterexample?.preemptions ?? null,
        steps: e.counterexample?.steps ?? null,
        scheduleFile: e.counterexample?.scheduleFile ?? null,
      })),
      counterexamples: explored.flatMap((e) => (e.counterexample === null ? [] : [e.counterexample])),
    });
    const path = join(outDir, EXPLORE_REPORT_FILE);
    await writeFileAtomic(path, html);
    return path;
  } catch (error) {
    io.stderr(`pinbench: the HTML report was not written: ${error instanceof Error ? error.message : String(error)}\n`);
    return undefined;
  }
}

/** A status line on stderr while a search runs (a terminal only; nothing in CI logs and pipes). */
function statusLine(io: Io, quiet: boolean): { show(text: string): void; clear(): void } {
  const on = !quiet && io.stderrIsTty;
  let shown = false;
  return {
    show(text) {
      if (!on) return;
      const width = (process.stderr.columns || 80) - 1;
      io.stderr(`\r${text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width)}`);
      shown = true;
    },
    clear() {
      if (!on || !shown) return;
      io.stderr(`\r${' '.repeat((process.stderr.columns || 80) - 1)}\r`);
      shown = false;
    },
  };
}
