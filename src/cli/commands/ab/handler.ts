import { appendFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { abOutcome, judgeAb } from '../../../compare/ab/judge.js';
import { resolveAbOptions } from '../../../compare/ab/options.js';
import { renderAbMarkdown, renderAbText } from '../../../compare/ab/render.js';
import { medianOf } from '../../../compare/bootstrap.js';
import type { AbComparison, AbMeasurement, AbOutcome, AbSideInfo, AbSideName } from '../../../compare/ab/types.js';
import { RESULTS_SCHEMA } from '../../../results/schema.js';
import type { ResultSet, RunResult } from '../../../results/types.js';
import { writeResultSet } from '../../../results/write.js';
import { runAbJob } from '../../../runner/ab/interleave.js';
import { prepareSide, SideError } from '../../../runner/ab/sides.js';
import type { AbProgress } from '../../../runner/ab/types.js';
import { planRuns, type RunPlan } from '../../../runner/plan.js';
import { loadStrategyModules } from '../../../runner/strategy-modules.js';
import type { ParamMatrix, ScenarioRunSpec } from '../../../runner/types.js';
import { loadStrategyModule } from '../../../strategies/registry.js';
import { ConfigError } from '../../../shared/errors.js';
import { writeFileAtomic } from '../../../shared/write-file-atomic.js';
import type { CommandContext } from '../../command.js';
import { EXIT_EXACT_CHANGED, EXIT_INTERRUPTED, EXIT_OK, EXIT_RUN_FAILED, type ExitCode } from '../../errors.js';
import type { Io } from '../../io.js';
import { matrixFromArgs, withOptionName } from '../../matrix-options.js';
import { checkOutDir } from '../../out-dir.js';
import { createProgress } from '../../progress.js';
import { strategyModulePaths } from '../../strategy-module-paths.js';
import type { AbArgs } from './args.js';

/** The `schema` of ab.json. */
export const AB_SCHEMA = 'pinbench.ab/v1';
/** File names in the output directory. */
export const AB_FILES = { json: 'ab.json', markdown: 'ab.md', base: 'base.json', head: 'head.json' } as const;

/** Exit code of each outcome. */
const OUTCOME_EXIT_CODES: Readonly<Record<AbOutcome, ExitCode>> = {
  ok: EXIT_OK,
  regressed: EXIT_RUN_FAILED,
  'exact-change': EXIT_EXACT_CHANGED,
};

/**
 * `pinbench ab BASE HEAD`: prepare both sides (building revisions), run the interleaved job, judge it, write
 * the outputs (only once everything is known: an interrupted job writes nothing), print, return the exit code.
 */
export async function runAbCommand(args: AbArgs, { io }: CommandContext): Promise<ExitCode> {
  const options = resolveAbOptions(args);
  const outDir = checkOutDir(args.out);
  const commonModules = strategyModulePaths(args.strategyModule);
  await loadStrategyModules(commonModules);
  const say = (line: string): void => {
    if (!args.quiet) io.stderr(`${line}\n`);
  };

  const controller = new AbortController();
  const onSignal = (): void => {
    if (controller.signal.aborted) process.exit(EXIT_INTERRUPTED);
    io.stderr('\ninterrupted: stopping the A/B job; nothing will be written (Ctrl-C again to quit now)\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  try {
    const prepare = {
      repo: resolve(args.repo),
      cacheDir: args.cacheDir,
      strategyModules: commonModules,
      log: say,
      signal: controller.signal,
    };
    let base: AbSideInfo;
    try {
      base = await prepareSide('BASE', args.base, prepare);
    } catch (error) {
      if (args.allowMissingBase && error instanceof SideError && (error.reason === 'missing' || error.reason === 'build')) {
        io.stderr(`pinbench ab: no A/B comparison: ${error.message}\n`);
        return EXIT_OK;
      }
      throw error;
    }
    if (controller.signal.aborted) return interrupted(io);
    const head = await prepareSide('HEAD', args.head, prepare);
    if (controller.signal.aborted) return interrupted(io);

    const specs = await planSpecs(args, base, head);
    say(
      `pinbench ab: suite ${args.suite}, ${specs.length} runs, up to ${args.rounds} rounds within ${args.maxTimeS} s ` +
        `(base ${base.label}, head ${head.label}); one side at a time, on one core`,
    );
    const progress = createProgress(args.quiet || !io.stderrIsTty);
    let phase = '';
    const onProgress = (event: AbProgress): void => {
      if (event.phase === 'prepare') return;
      const label = event.phase === 'round' ? `round ${event.round}/${event.rounds}` : event.phase;
      if (label !== phase) {
        progress.stop();
        progress.start(event.total, label);
        phase = label;
      }
      progress.tick(label, false);
    };
    let measurement: AbMeasurement;
    try {
      measurement = await runAbJob(
        args.suite,
        specs,
        { base, head },
        {
          rounds: args.rounds,
          warmupRounds: args.warmupRounds,
          blocks: args.blocks,
          minSampleMs: args.minSampleMs,
          maxTimeMs: args.maxTimeS * 1000,
          signal: controller.signal,
          onProgress,
        },
      );
    } finally {
      progress.stop();
    }
    if (measurement.partial) return interrupted(io);

    const comparison = judgeAb(measurement, options);
    const outcome = abOutcome(comparison, { acceptExactChanges: args.acceptExactChanges });
    const exitCode = comparison.failedBoth.length > 0 && outcome === 'ok' ? EXIT_RUN_FAILED : OUTCOME_EXIT_CODES[outcome];
    const markdown = renderAbMarkdown(comparison, outcome);
    await writeOutputs(outDir, measurement, comparison, outcome, markdown, args.html);
    if (io.env.GITHUB_STEP_SUMMARY) await appendFile(io.env.GITHUB_STEP_SUMMARY, `${markdown}\n`, 'utf8');

    if (args.json) io.stdout(`${JSON.stringify(comparison, null, 2)}\n`);
    else {
      const text = renderAbText(comparison, outcome).trimEnd();
      io.stdout(`${args.quiet ? (text.split('\n').at(-1) ?? '') : text} (exit ${exitCode})\n`);
      if (!args.quiet) io.stdout(`outputs: ${outDir}/{${AB_FILES.json},${AB_FILES.markdown}${args.html ? ',index.html' : ''}}\n`);
    }
    return exitCode;
  } finally {
    process.off('SIGINT', onSignal);
  }
}

function interrupted(io: Io): ExitCode {
  io.stderr('pinbench ab: interrupted; nothing written\n');
  return EXIT_INTERRUPTED;
}

/**
 * The runs of the job: the suite (with the command line's axes replacing its own), expanded by this pinbench.
 * When both sides are strategy modules and no --strategy is given, the strategies the head's module adds.
 */
async function planSpecs(args: AbArgs, base: AbSideInfo, head: AbSideInfo): Promise<ScenarioRunSpec[]> {
  let overrides: ParamMatrix;
  try {
    overrides = matrixFromArgs(args.options);
  } catch (error) {
    throw error instanceof ConfigError ? withOptionName(error) : error;
  }
  // This thread expands the suite: the names the head's strategy module registers must resolve here too (the
  // base's version of the module registers the same names in its own thread; both cannot live in one registry).
  let added: string[] = [];
  const headModule = head.kind === 'strategy-module' ? head.strategyModules.at(-1) : undefined;
  if (headModule !== undefined) added = await loadStrategyModule(headModule);
  if (base.kind === 'strategy-module' && headModule !== undefined && overrides.strategy === undefined && added.length > 0) {
    overrides = { ...overrides, strategy: added };
  }
  let plan: RunPlan;
  try {
    plan = await planRuns(args.suite, overrides);
  } catch (error) {
    throw error instanceof ConfigError ? withOptionName(error) : error;
  }
  if (plan.kind !== 'scenario')
    throw new ConfigError(`--suite: ${plan.suiteName} is a micro-benchmark suite; ab runs scenario suites`, '--suite');
  if (plan.specs.length === 0)
    throw new ConfigError(`--suite: ${plan.suiteName}: the matrix is empty, nothing to run`, '--suite');
  return plan.specs as ScenarioRunSpec[];
}

/** Everything the job leaves, each file atomic; the page last. */
async function writeOutputs(
  outDir: string,
  measurement: AbMeasurement,
  comparison: AbComparison,
  outcome: AbOutcome,
  markdown: string,
  html: boolean,
): Promise<void> {
  await writeResultSet(join(outDir, AB_FILES.base), sideResultSet(measurement, 'base'));
  await writeResultSet(join(outDir, AB_FILES.head), sideResultSet(measurement, 'head'));
  await writeFileAtomic(
    join(outDir, AB_FILES.json),
    `${JSON.stringify({ schema: AB_SCHEMA, measurement, comparison }, null, 2)}\n`,
  );
  await writeFileAtomic(join(outDir, AB_FILES.markdown), markdown);
  if (html) {
    const { writeAbReport } = await import('../../../report/write-ab.js');
    await writeAbReport(comparison, measurement, outcome, outDir);
  }
}

/**
 * One side of the job as a `pinbench.results/v1` result set (for `pinbench report` or `compare`): each run's
 * exact metrics and its samples in round order (`wall.samplesMs`, `wall.sampleOrder: "time"`).
 */
export function sideResultSet(measurement: AbMeasurement, side: AbSideName): ResultSet {
  const info = measurement[side];
  const runs: RunResult[] = measurement.runs.map((run) => {
    const first = run[side];
    if (first.status !== 'ok' || first.kind !== 'scenario') return first;
    const samplesMs = side === 'base' ? run.baseMs : run.headMs;
    if (samplesMs.length === 0) return first;
    const median = medianOf(samplesMs);
    const events = first.metrics.counts.events;
    return {
      ...first,
      wall: {
        durationMs: median,
        ...(events > 0 && median > 0 ? { eventsPerSec: events / (median / 1000) } : {}),
        samplesMs: [...samplesMs],
        samples: samplesMs.length,
        sampleOrder: 'time',
        iterationsPerSample: run.iterations,
      },
    } as RunResult;
  });
  const profiles: Record<string, unknown> = {};
  for (const run of runs) {
    const name = (run.params as { profile?: unknown }).profile;
    if (typeof name === 'string' && info.profiles?.[name] !== undefined) profiles[name] = info.profiles[name];
  }
  return {
    schema: RESULTS_SCHEMA,
    tool: { name: 'pinbench', version: info.version, commit: info.commit, ...(info.dirty === null ? {} : { dirty: info.dirty }) },
    environment: measurement.environment,
    suite: measurement.suite,
    profiles,
    createdAt: measurement.createdAt,
    partial: measurement.partial,
    argv: ['ab', measurement.base.label, measurement.head.label],
    runs,
  };
}
