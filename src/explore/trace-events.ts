import type { TraceDocument, TraceEvent } from '../scenarios/trace/types.js';
import type { ForkExitParams } from '../scenarios/types.js';
import { describeConfig } from './render-trace.js';
import type { StepRecord } from './step-record.js';
import type { Violation } from './types.js';

/**
 * The time base of a counterexample's trace: one microsecond of the trace is one step of the schedule. Under
 * exploration the schedule orders the actions and their virtual costs order nothing (interval-time.ts), so a slice
 * spans from its step to its vCPU's next step: the actions of other vCPUs drawn beneath it happen while it runs.
 */
export const TRACE_TIME_BASE =
  "schedule steps: step N starts at N us; a slice lasts until its vCPU's next step; costNs is the action's virtual cost under the profile";

/**
 * The trace category of each action (ACTION_NAMES), from the categories of the run traces (src/scenarios/trace,
 * docs/traces.md), so that a counterexample's timeline is coloured like a run's: a lock is a lock in both.
 */
export const ACTION_CATEGORIES: Readonly<Record<string, string>> = {
  lock: 'lock',
  'lock wait': 'wait',
  unlock: 'unlock',
  'multicall trap': 'trap',
  'multicall entry': 'entry',
  'batch callback': 'callback',
  hypercall: 'hypercall',
  'PTE store': 'store',
  'guest work': 'guest',
  sleep: 'sleep',
  'big lock spin': 'spin',
  exit: 'phase',
};

/** The Chrome trace events of a replayed schedule: one lane per vCPU, a slice per step, instants for preemptions and the violation. */
export function traceEvents(params: ForkExitParams, records: readonly StepRecord[], violation: Violation | null): TraceEvent[] {
  const pid = 1;
  const events: TraceEvent[] = [
    { name: 'process_name', ph: 'M', ts: 0, pid, tid: 0, args: { name: `pinbench explore: ${describeConfig(params)}` } },
  ];
  for (let v = 0; v < params.vcpus; v++) {
    events.push({
      name: 'thread_name',
      ph: 'M',
      ts: 0,
      pid,
      tid: v,
      args: { name: v === 0 ? 'vCPU 0 (pinner)' : `vCPU ${v} (writer)` },
    });
  }
  const nextOf = new Map<number, number>();
  const next: number[] = new Array(records.length);
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i] as StepRecord;
    next[i] = nextOf.get(r.vcpu) ?? r.step;
    nextOf.set(r.vcpu, r.step);
  }
  records.forEach((r, i) => {
    const ts = r.step;
    const until = next[i] as number;
    events.push({
      name: r.kind,
      cat: ACTION_CATEGORIES[r.kind] ?? 'explore',
      ph: 'X',
      ts,
      dur: Math.max(1, until - ts),
      pid,
      tid: r.vcpu,
      args: {
        step: r.step,
        action: r.action,
        frame: r.frame,
        batch: r.batch,
        entry: r.entry,
        costNs: r.costNs,
        locks: r.locks,
        ptes: r.ptes,
        outcome: r.outcome,
        choice: r.choice,
      },
    });
    if (r.preemption) {
      events.push({
        name: 'preemption',
        cat: 'preemption',
        ph: 'i',
        s: 't',
        ts,
        pid,
        tid: r.vcpu,
        args: { step: r.step, what: `vCPU ${r.vcpu} preempts the vCPU that took step ${r.step - 1}` },
      });
    }
  });
  if (violation !== null) {
    const at = records.find((r) => r.step === violation.step);
    events.push({
      name: violation.kind,
      cat: 'fault',
      ph: 'i',
      s: at === undefined ? 'g' : 't',
      ts: violation.step,
      pid,
      tid: at?.vcpu ?? 0,
      args: { step: violation.step, message: violation.message, expected: violation.expected },
    });
  }
  return events;
}

/** A trace file that Perfetto and chrome://tracing open. */
export function traceDocument(
  params: ForkExitParams,
  records: readonly StepRecord[],
  violation: Violation | null,
): TraceDocument {
  return {
    traceEvents: traceEvents(params, records, violation),
    otherData: { producer: 'pinbench explore', configuration: describeConfig(params), timeBase: TRACE_TIME_BASE },
  };
}
