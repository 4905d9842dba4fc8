import type { ForkExitParams } from '../scenarios/types.js';
import { Execution } from './execution.js';
import { StepRecorder, type StepRecord } from './step-record.js';
import type { Schedule, Violation } from './types.js';

/** What replaying a schedule showed. */
export interface ReplayResult {
  /** The first violation the schedule shows, or null. */
  violation: Violation | null;
  /**
   * Where the schedule stopped applying to the model, or null: a step naming a vCPU that cannot run there, or a
   * program choice the schedule does not have (the model or the strategy changed since it was written).
   */
  divergence: string | null;
  /** Every step taken. */
  records: StepRecord[];
  preemptions: number;
  /** Whether every vCPU finished (the schedule went to the end of the run). */
  finished: boolean;
}

/**
 * Run exactly `schedule`: each step by the vCPU it names, each program choice as it says, stopping at the first
 * violation, at the end of the schedule, or where the schedule no longer applies. When the schedule ends with no
 * vCPU able to run, the end-of-run checks (deadlock, invariants) are made as in the search.
 */
export function replaySchedule(params: ForkExitParams, schedule: Schedule, writerUpdates: number): ReplayResult {
  const recorder = new StepRecorder();
  let choice = 0;
  let divergence: string | null = null;
  const x = new Execution(params, {
    writerUpdates,
    listener: recorder,
    choose: (ex, v, alternatives) => {
      if (choice >= schedule.choices.length) {
        divergence ??= `at step ${ex.steps + 1} vCPU ${v} makes choice ${choice + 1}, but the schedule has ${schedule.choices.length} choice${schedule.choices.length === 1 ? '' : 's'}`;
        return 0;
      }
      const value = schedule.choices[choice++] as number;
      if (value >= alternatives) {
        divergence ??= `at step ${ex.steps + 1} vCPU ${v} chooses among ${alternatives}, and the schedule's choice ${choice} is ${value}`;
        return 0;
      }
      return value;
    },
  });
  const result = (violation: Violation | null): ReplayResult => ({
    violation,
    divergence,
    records: recorder.records,
    preemptions: x.preemptions,
    finished: x.allFinished(),
  });
  for (const v of schedule.steps) {
    if (divergence !== null) return result(null);
    if (x.status[v] === undefined || !x.enabled().includes(v)) {
      divergence = `at step ${x.steps + 1} the schedule runs vCPU ${v}, which ${x.status[v] === undefined ? 'does not exist' : 'cannot run there'} (runnable: ${
        x
          .enabled()
          .map((w) => `vCPU ${w}`)
          .join(', ') || 'none'
      })`;
      return result(null);
    }
    const violation = x.advance(v);
    if (divergence !== null) return result(null);
    if (violation !== null) return result(violation);
  }
  return result(x.enabled().length === 0 ? x.finish() : null);
}
