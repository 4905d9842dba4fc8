import { join } from 'node:path';
import { describeConfig, describeRuns, describeViolation, renderTrace } from '../../../explore/render-trace.js';
import { replaySchedule } from '../../../explore/replay.js';
import { loadScheduleFile } from '../../../explore/schedule-file.js';
import { traceDocument, traceEvents } from '../../../explore/trace-events.js';
import { loadStrategyModules } from '../../../runner/strategy-modules.js';
import { ConfigError } from '../../../shared/errors.js';
import { writeFileAtomic } from '../../../shared/write-file-atomic.js';
import { claimsRaceFree, getStrategy } from '../../../strategies/registry.js';
import { EXIT_OK, EXIT_VIOLATION, type ExitCode } from '../../errors.js';
import type { Io } from '../../io.js';
import { checkOutDir, checkOutFile } from '../../out-dir.js';
import { strategyModulePaths } from '../../strategy-module-paths.js';
import type { ReplayArgs } from './args.js';

/**
 * `pinbench replay FILE`: load and check the schedule (exit 2 on bad input, nothing written), run it, print the
 * trace (or JSON), write the optional trace and page; exit 5 when the violation shows again, 0 otherwise.
 */
export async function runReplayCommand(args: ReplayArgs, io: Io): Promise<ExitCode> {
  const tracePath = args.trace === undefined ? undefined : checkOutFile(args.trace, '--trace');
  const htmlDir = args.html === undefined ? undefined : checkOutDir(args.html, '--html', ['index.html']);
  await loadStrategyModules(strategyModulePaths(args.strategyModule));
  let file: Awaited<ReturnType<typeof loadScheduleFile>>;
  try {
    file = await loadScheduleFile(args.file);
  } catch (error) {
    if (error instanceof ConfigError && error.field === 'params.strategy') {
      throw new ConfigError(`${error.message} (a strategy of your own: pass its module with --strategy-module)`, error.field);
    }
    throw error;
  }
  const { params, schedule, writerUpdates } = file;
  const replay = replaySchedule(params, schedule, writerUpdates);
  const raceFree = claimsRaceFree(getStrategy(params.strategy));
  const shows = replay.violation !== null;

  if (tracePath !== undefined) {
    await writeFileAtomic(tracePath, `${JSON.stringify(traceDocument(params, replay.records, replay.violation))}\n`);
  }
  if (htmlDir !== undefined) {
    const { renderExploreReport } = await import('../../../report/explore-view.js');
    const title = `${args.file}: ${shows ? `${replay.violation?.kind} in ${replay.records.length} steps` : 'no violation'}`;
    const html = renderExploreReport({
      title: 'pinbench replay',
      lede: 'One schedule written by pinbench explore, run again on this model, step by step.',
      createdAt: new Date().toISOString(),
      tool: `schedule written by pinbench ${file.tool.version}`,
      settings: [
        ['schedule', args.file],
        ['configuration', describeConfig(params, writerUpdates)],
      ],
      rows: [],
      counterexamples: [
        {
          id: params.strategy,
          title,
          events: traceEvents(params, replay.records, replay.violation),
          trace: renderTrace(replay.records, replay.violation),
          scheduleFile: args.file,
          traceFile: tracePath ?? '(not written: --trace FILE)',
        },
      ],
    });
    await writeFileAtomic(join(htmlDir, 'index.html'), html);
  }

  if (args.json) {
    io.stdout(
      `${JSON.stringify({ file: args.file, params, writerUpdates, violation: replay.violation, divergence: replay.divergence, preemptions: replay.preemptions, finished: replay.finished, steps: replay.records }, null, 2)}\n`,
    );
  } else {
    const lines = [
      `pinbench replay: ${describeConfig(params, writerUpdates)}`,
      `schedule: ${schedule.steps.length} steps, ${replay.preemptions} preemption${replay.preemptions === 1 ? '' : 's'}: ${describeRuns(replay.records)}`,
      `recorded: ${describeViolation(file.violation, raceFree)}`,
      '',
      renderTrace(replay.records, replay.violation),
    ];
    if (replay.divergence !== null) lines.push(`the schedule no longer applies: ${replay.divergence}`);
    lines.push(
      shows
        ? `violation shows again: ${describeViolation(replay.violation as NonNullable<typeof replay.violation>, raceFree)}`
        : `no violation: the schedule ran ${replay.records.length} of its ${schedule.steps.length} steps without one`,
    );
    if (tracePath !== undefined) lines.push(`trace:  ${tracePath}`);
    if (htmlDir !== undefined) lines.push(`report: ${join(htmlDir, 'index.html')}`);
    io.stdout(`${lines.join('\n')}\n`);
  }
  return shows ? EXIT_VIOLATION : EXIT_OK;
}
