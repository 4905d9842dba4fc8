import { join } from 'node:path';
import { RESULTS_FILE_NAME, writeResultSet } from '../../../results/write.js';
import type { ErrorRun, InvalidRun, ResultSet, RunResult } from '../../../results/types.js';
import { determinismDifferences, type DeterminismDifference } from '../../../runner/determinism.js';
import { CostEstimator } from '../../../runner/cost-estimate.js';
import { toolInfo } from '../../../runner/environment.js';
import { planRuns, type RunPlan } from '../../../runner/plan.js';
import { parseShard, type ShardRecord, shardPlan } from '../../../runner/shard.js';
import { checkTraceBudget, DEFAULT_TRACE_MAX_MB, type TraceTask, traceTask } from '../../../runner/trace-files.js';
import { buildResultSet } from '../../../runner/result-set.js';
import { runSpecs } from '../../../runner/run-specs.js';
import { longestFirst } from '../../../runner/schedule.js';
import { loadStrategyModules } from '../../../runner/strategy-modules.js';
import type { RunSpec, TimingOptions } from '../../../runner/types.js';
import { ConfigError } from '../../../shared/errors.js';
import type { CommandContext } from '../../command.js';
import type { RunLimits } from '../../../runner/limits.js';
import { EXIT_INTERRUPTED, EXIT_NONDETERMINISTIC, EXIT_OK, EXIT_RUN_FAILED, type ExitCode, STOP_SIGNALS } from '../../errors.js';
import { type Io, outputColumns } from '../../io.js';
import { matrixFromArgs, withOptionName } from '../../matrix-options.js';
import { checkOutDir } from '../../out-dir.js';
import { createProgress } from '../../progress.js';
import { DEFAULT_MAX_SAMPLES, DEFAULT_MICRO_SAMPLES } from '../../run-defaults.js';
import { strategyModulePaths } from '../../strategy-module-paths.js';
import { DEFAULT_SUMMARY_COLUMNS, summaryTable } from '../../summary-table.js';
import type { RunArgs } from './args.js';

/** Timing of the second pass of --check-determinism: metrics only, one sample. */
const DETERMINISM_PASS_TIMING: TimingOptions = { maxSamples: 1, budgetMs: 0 };
/** Failed runs named in the closing line before "and N more". */
const FAILED_RUNS_NAMED = 5;
/** Differing metrics listed one per line before "and N more metrics". */
const METRICS_NAMED = 30;
/** Differences recorded in results.json as examples. */
const DIFFERENCES_RECORDED = 50;

/** Everything `run` needs, checked at the edge before anything runs. */
interface RunRequest {
  plan: RunPlan;
  workers: number;
  outDir: string;
  timing: TimingOptions;
  strategyModules: string[];
  limits: RunLimits;
  /** `--shard`: the part this command runs, as its results record it. */
  shard?: ShardRecord;
  /** `--trace`: the absolute directory of the traces. */
  traceDir?: string;
  /** With --shard, the whole plan's specs: every part embeds the same cost profiles. */
  profileSpecs?: RunSpec[];
}

/**
 * `pinbench run`: check every input (exit 2 and nothing written on bad input), run the plan on the pool,
 * write results.json atomically (and the report), print the summary, and return the exit code.
 */
export async function runRunCommand(args: RunArgs, { io, argv }: CommandContext): Promise<ExitCode> {
  const request = await checkRequest(args);
  const { plan, workers, strategyModules } = request;
  const say = (line: string): void => {
    if (!args.quiet) io.stderr(line + '\n');
  };

  // Ctrl-C, SIGTERM and SIGHUP stop the runs and write the finished ones (partial: true); the exit code says which
  // signal. The same signal (or another) again quits at once. In-process runs are sliced (runner/limits.ts), so the
  // handler runs during a long run too.
  const controller = new AbortController();
  let stoppedBy: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(STOP_SIGNALS[signal as keyof typeof STOP_SIGNALS] ?? EXIT_INTERRUPTED);
    stoppedBy = signal;
    const what = signal === 'SIGINT' ? 'interrupted' : `${signal} received`;
    io.stderr(`\n${what}: stopping the pool and writing the finished runs (Ctrl-C again to quit now)\n`);
    controller.abort();
  };
  for (const signal of Object.keys(STOP_SIGNALS)) process.on(signal, onSignal);

  const createdAt = new Date();
  const progress = createProgress(args.quiet || !io.stderrIsTty);
  const resultsPath = join(request.outDir, RESULTS_FILE_NAME);
  const info = {
    suite: plan.suiteName,
    createdAt,
    argv: [...argv],
    workers,
    plannedRuns: plan.specs.length,
    limits: request.limits,
    ...(request.shard === undefined ? {} : { shard: request.shard }),
    ...(request.profileSpecs === undefined ? {} : { profileSpecs: request.profileSpecs }),
  };
  if (plan.specs.length === 0) {
    // An empty part (more parts than runs): a CI job of the matrix has nothing to do, and says so.
    for (const signal of Object.keys(STOP_SIGNALS)) process.off(signal, onSignal);
    const shard = request.shard as ShardRecord;
    await writeResultSet(resultsPath, buildResultSet([], [], { ...info, partial: false }));
    say(
      `pinbench: shard ${shard.index}/${shard.count} has no runs (the plan has ${shard.planRuns}); wrote ${resultsPath} for pinbench merge`,
    );
    return EXIT_OK;
  }
  const traceMeta = { tool: toolInfo(), suite: plan.suiteName };
  const traceFor =
    request.traceDir === undefined
      ? undefined
      : (index: number): TraceTask | undefined => {
          const spec = plan.specs[index];
          if (spec === undefined) return undefined;
          const position = request.shard?.positions[index] ?? index;
          return traceTask(request.traceDir as string, request.outDir, position, spec, traceMeta);
        };
  const checkpoint = new Checkpoint(resultsPath, (results) => buildResultSet(plan.specs, results, { ...info, partial: true }));
  let firstPass: Awaited<ReturnType<typeof runSpecs>>;
  /** Ctrl-C during the --check-determinism pass: the first pass is complete, but the command was interrupted. */
  let checkInterrupted = false;
  let differences: DeterminismDifference[] = [];
  try {
    const part =
      request.shard === undefined
        ? ''
        : ` (shard ${request.shard.index}/${request.shard.count} of ${request.shard.planRuns} runs: about ${formatMs(request.shard.estimatedMs)} on the estimate's nominal machine, the largest part ${formatMs(request.shard.largestPartMs)})`;
    say(
      `pinbench: ${plan.specs.length} run${plan.specs.length === 1 ? '' : 's'} of suite ${plan.suiteName}${part} on ${describeWorkers(workers)}`,
    );
    progress.start(plan.specs.length, plan.suiteName);
    // A pool runs the longest runs first; in-process and micro runs keep spec order.
    const order = workers > 0 && plan.kind === 'scenario' ? longestFirst(plan.specs) : plan.specs.map((_, i) => i);
    const pass = runSpecs(plan.specs, {
      workers,
      strategyModules,
      timing: request.timing,
      limits: request.limits,
      order,
      signal: controller.signal,
      ...(traceFor === undefined ? {} : { traceFor }),
      onStart: (spec) => progress.started(spec.id),
      onResult: (result, index) => {
        progress.tick(result.id, result.status !== 'ok');
        checkpoint.finished(index, result);
      },
    });
    firstPass = await pass;
    await checkpoint.settled();
    progress.stop();

    if (args.checkDeterminism && plan.kind === 'micro') {
      say('pinbench: --check-determinism: a micro suite has no exact metrics; nothing to check');
    }
    if (args.checkDeterminism && !firstPass.aborted && plan.kind === 'scenario') {
      say('pinbench: --check-determinism: running every run again, in reverse order on a fresh pool');
      const reversed = [...order].reverse();
      progress.start(plan.specs.length, 'determinism');
      const secondPass = await runSpecs(plan.specs, {
        workers,
        strategyModules,
        timing: DETERMINISM_PASS_TIMING,
        limits: request.limits,
        order: reversed,
        signal: controller.signal,
        onStart: (spec) => progress.started(spec.id),
        onResult: (result) => progress.tick(result.id, result.status !== 'ok'),
      });
      progress.stop();
      differences = determinismDifferences(firstPass.results, secondPass.results);
      checkInterrupted = secondPass.aborted;
    }
  } finally {
    for (const signal of Object.keys(STOP_SIGNALS)) process.off(signal, onSignal);
    progress.stop();
  }

  const checked = args.checkDeterminism && plan.kind === 'scenario' && !firstPass.aborted && !checkInterrupted;
  await checkpoint.settled();
  const set = buildResultSet(plan.specs, firstPass.results, {
    ...info,
    partial: firstPass.aborted,
    // A set whose exact metrics were not reproducible says so in the file itself: it must not look good.
    ...(checked
      ? {
          determinism: {
            checked: true,
            passed: differences.length === 0,
            differences: differences.length,
            ...(differences.length > 0
              ? {
                  examples: differences
                    .slice(0, DIFFERENCES_RECORDED)
                    .map((d) => ({ id: d.id, metric: d.metric, first: d.baseline ?? null, second: d.current ?? null })),
                }
              : {}),
          },
        }
      : {}),
  });
  await writeResultSet(resultsPath, set);
  const reportPath = args.report ? await writeReportBeside(set, request.outDir, io) : undefined;

  if (request.traceDir !== undefined) reportTraces(set, request.traceDir, io, args.quiet);
  if (args.json) io.stdout(JSON.stringify(set, null, 2) + '\n');
  else if (!args.quiet) {
    const report = reportPath === undefined ? '' : `report:  ${reportPath}\n`;
    io.stdout(
      `\n${summaryTable(set, { columns: outputColumns(io, DEFAULT_SUMMARY_COLUMNS) })}results: ${resultsPath}\n${report}`,
    );
  }

  const code = closingVerdict(set, differences, checkInterrupted, io);
  return code === EXIT_INTERRUPTED && stoppedBy !== undefined ? STOP_SIGNALS[stoppedBy as keyof typeof STOP_SIGNALS] : code;
}

async function checkRequest(args: RunArgs): Promise<RunRequest> {
  const { workers, budgetMs } = args;
  const strategyModules = strategyModulePaths(args.strategyModule);
  await loadStrategyModules(strategyModules);

  // Checked before the plan is built: a bad --shard costs nothing.
  const shardSpec = args.shard === undefined ? undefined : parseShard(args.shard);
  let plan: RunPlan;
  try {
    plan = await planRuns(args.suite, matrixFromArgs(args.options, args.maxRuns), { maxRuns: args.maxRuns });
  } catch (error) {
    throw error instanceof ConfigError ? withOptionName(error) : error;
  }
  if (plan.specs.length === 0) throw new ConfigError(`suite ${plan.suiteName}: the matrix is empty, nothing to run`, 'SUITE');
  const estimator = shardSpec !== undefined || args.trace !== undefined ? new CostEstimator() : undefined;
  let shard: ShardRecord | undefined;
  const wholePlan = plan.specs;
  if (shardSpec !== undefined) ({ plan, record: shard } = shardPlan(plan, shardSpec, estimator));
  let traceDir: string | undefined;
  if (args.trace !== undefined) {
    traceDir = checkOutDir(args.trace, '--trace');
    checkTraceBudget(plan.specs, estimator as CostEstimator, (args.traceMaxMb ?? DEFAULT_TRACE_MAX_MB) * 2 ** 20);
  }

  const maxSamples = args.samples ?? (plan.kind === 'micro' ? DEFAULT_MICRO_SAMPLES : DEFAULT_MAX_SAMPLES);
  const outDir = checkOutDir(
    args.out,
    '--out',
    args.report ? [RESULTS_FILE_NAME, 'index.html', 'plotly.js'] : [RESULTS_FILE_NAME],
  );
  // Micro-benchmarks time the wall clock of hot paths: one at a time, so they do not share cores. No pool
  // is larger than the number of runs.
  const poolSize = Math.min(workers, plan.kind === 'micro' ? 1 : workers, plan.specs.length);
  return {
    plan,
    workers: poolSize,
    outDir,
    timing: { maxSamples, budgetMs },
    strategyModules,
    limits: args.limits,
    ...(shard === undefined ? {} : { shard }),
    ...(traceDir === undefined ? {} : { traceDir }),
    ...(shard === undefined ? {} : { profileSpecs: wholePlan }),
  };
}

/** The exit code, and the closing lines on stderr that explain a non-zero one. */
function closingVerdict(
  set: ResultSet,
  differences: readonly DeterminismDifference[],
  checkInterrupted: boolean,
  io: Io,
): ExitCode {
  const failed = set.runs.filter((r): r is ErrorRun => r.status === 'error');
  if (failed.length > 0) {
    const named = failed.slice(0, FAILED_RUNS_NAMED).map((r) => `${r.id} (${r.error.split('\n')[0] ?? ''})`);
    const more = failed.length > FAILED_RUNS_NAMED ? `; and ${failed.length - FAILED_RUNS_NAMED} more` : '';
    io.stderr(`pinbench: ${failed.length} of ${set.runs.length} runs failed: ${named.join('; ')}${more}\n`);
  }
  const invalid = set.runs.filter((r): r is InvalidRun => r.status === 'invalid');
  if (invalid.length > 0) {
    const named = invalid.slice(0, FAILED_RUNS_NAMED).map((r) => `${r.id} (${r.reasons[0] ?? ''})`);
    const more = invalid.length > FAILED_RUNS_NAMED ? `; and ${invalid.length - FAILED_RUNS_NAMED} more` : '';
    io.stderr(
      `pinbench: ${invalid.length} of ${set.runs.length} runs invalid (kept, not ranked with correct runs): ${named.join('; ')}${more}\n`,
    );
  }
  if (differences.length > 0) {
    const runs = new Set(differences.map((d) => d.id)).size;
    const byMetric = new Map<string, DeterminismDifference[]>();
    for (const d of differences) byMetric.set(d.metric, [...(byMetric.get(d.metric) ?? []), d]);
    io.stderr(
      `pinbench: not deterministic: ${differences.length} exact value(s) of ${byMetric.size} metric(s) differ in ${runs} run(s) between the two passes; ` +
        'results.json records it (determinism.passed: false). Per metric, with the first run that differs:\n',
    );
    for (const [metric, list] of [...byMetric].slice(0, METRICS_NAMED)) {
      const d = list[0] as DeterminismDifference;
      io.stderr(
        `  ${metric}: ${list.length} run(s); e.g. "${d.id}": ${String(d.baseline)} on the first pass, ${String(d.current)} on the second\n`,
      );
    }
    if (byMetric.size > METRICS_NAMED) io.stderr(`  ... and ${byMetric.size - METRICS_NAMED} more metric(s)\n`);
  }
  if (set.partial || checkInterrupted) return EXIT_INTERRUPTED;
  if (differences.length > 0) return EXIT_NONDETERMINISTIC;
  if (failed.length > 0 || invalid.length > 0) return EXIT_RUN_FAILED;
  return EXIT_OK;
}

/** The traces written, and those truncated or not written, on stderr. */
function reportTraces(set: ResultSet, traceDir: string, io: Io, quiet: boolean): void {
  const traced = set.runs.flatMap((r) =>
    r.kind === 'scenario' && r.status !== 'error' && r.trace !== undefined ? [{ id: r.id, trace: r.trace }] : [],
  );
  const written = traced.filter((t) => t.trace.file !== null);
  const bytes = written.reduce((a, t) => a + t.trace.bytes, 0);
  if (!quiet)
    io.stderr(
      `traces:  ${traceDir} (${written.length} file${written.length === 1 ? '' : 's'}, ${(bytes / 2 ** 20).toFixed(1)} MiB)\n`,
    );
  for (const t of traced) {
    if (t.trace.error !== undefined) io.stderr(`pinbench: the trace of run "${t.id}" was not written: ${t.trace.error}\n`);
    else if (t.trace.truncated)
      io.stderr(`pinbench: the trace of run "${t.id}" stopped at its size limit (its otherData.truncated says where)\n`);
  }
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function describeWorkers(workers: number): string {
  if (workers === 0) return 'this thread (--workers 0)';
  return `${workers} worker thread${workers === 1 ? '' : 's'}`;
}

/**
 * The HTML report beside results.json (issue 5); returns its path. A report that fails to render is reported and the command
 * goes on: the results are already written, and they are what the exit code is about.
 */
async function writeReportBeside(set: ResultSet, outDir: string, io: Io): Promise<string | undefined> {
  try {
    const { writeReport, REPORT_FILE } = await import('../../../report/write.js');
    await writeReport([set], outDir);
    return join(outDir, REPORT_FILE);
  } catch (error) {
    io.stderr(`pinbench: the HTML report was not written: ${error instanceof Error ? error.message : String(error)}\n`);
    return undefined;
  }
}

/** Least time between two checkpoints, ms; a checkpoint that takes long spaces the next ones further (10x). */
const CHECKPOINT_INTERVAL_MS = 5_000;

/**
 * While runs finish, results.json is rewritten now and then (atomically, `partial: true`) with the runs finished so
 * far, so that a kill nobody can catch (SIGKILL, a power cut) loses at most the last few seconds of runs. Writes never
 * overlap; the final write of the command replaces the last checkpoint.
 */
class Checkpoint {
  private readonly results: Array<RunResult | undefined> = [];
  private last = performance.now();
  private intervalMs = CHECKPOINT_INTERVAL_MS;
  private writing: Promise<void> = Promise.resolve();
  private busy = false;

  constructor(
    private readonly path: string,
    private readonly build: (results: ReadonlyArray<RunResult | undefined>) => ResultSet,
  ) {}

  /** Run `index` finished. */
  finished(index: number, result: RunResult): void {
    this.results[index] = result;
    const now = performance.now();
    if (this.busy || now - this.last < this.intervalMs) return;
    this.busy = true;
    const set = this.build(this.results);
    this.writing = writeResultSet(this.path, set)
      .catch(() => undefined) // a failed checkpoint is not fatal: the final write reports its own errors
      .finally(() => {
        const end = performance.now();
        this.intervalMs = Math.max(CHECKPOINT_INTERVAL_MS, 10 * (end - now));
        this.last = end;
        this.busy = false;
      });
  }

  /** Resolves when no checkpoint is being written. */
  settled(): Promise<void> {
    return this.writing;
  }
}
