import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { RunResult } from '../results/types.js';
import { InvariantBreach, type ScenarioOutput, scenarioSteps } from '../scenarios/fork-exit.js';
import { traceJson } from '../scenarios/trace/recorder.js';
import { writeFileAtomic } from '../shared/write-file-atomic.js';
import { type InProcessControl, limitWatch, type RunLimits } from './limits.js';
import { traceLink, type TraceTask } from './trace-files.js';
import type { ScenarioRunSpec } from './types.js';

/** What a traced run records about its trace (results' `trace` field). */
export type TraceRecord = NonNullable<Extract<RunResult, { kind: 'scenario'; status: 'ok' }>['trace']>;

/**
 * Run the scenario once more with a TraceRecorder and write the trace to `task.path` (atomically). The run is the
 * metrics run again, event for event (the model is deterministic and the recorder only observes); it is not timed.
 * A trace that cannot be written is recorded as such, with the reason: the run's metrics stand.
 */
export async function recordTrace(
  spec: ScenarioRunSpec,
  task: TraceTask,
  limits: RunLimits,
  expectedEvents: number,
  inProcess?: InProcessControl,
): Promise<TraceRecord> {
  try {
    const steps = scenarioSteps(spec.params, { watch: limitWatch(limits, inProcess), trace: { maxEvents: task.maxEvents } });
    let output: ScenarioOutput;
    try {
      for (;;) {
        const next = steps.next();
        if (next.done) {
          output = next.value;
          break;
        }
        if (inProcess !== undefined) await yieldToEventLoop();
      }
    } catch (error) {
      // An invalid run's trace is as telling as any: the breach carries the output, the recorder with it.
      if (!(error instanceof InvariantBreach)) throw error;
      output = error.output;
    }
    const recorder = output.trace;
    if (recorder === undefined) throw new Error('the scenario returned no trace');
    if (output.events !== expectedEvents) {
      throw new Error(`the traced run simulated ${output.events} events, the measured run ${expectedEvents}: not the same run`);
    }
    const text = traceJson(recorder.document({ ...task.meta, events: output.events }));
    await writeFileAtomic(task.path, text);
    return {
      file: traceLink(task.resultsDir, task.path),
      events: recorder.eventCount,
      bytes: Buffer.byteLength(text),
      truncated: recorder.truncatedAt !== null,
    };
  } catch (error) {
    if (inProcess?.signal?.aborted && error instanceof Error && error.name === 'AbortError') throw error;
    return {
      file: null,
      events: 0,
      bytes: 0,
      truncated: false,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    };
  }
}
