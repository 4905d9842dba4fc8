import type { ForkExitParams } from '../scenarios/types.js';
import { PTE_STATE_LEGEND, type StepRecord } from './step-record.js';
import type { Violation } from './types.js';

/** One line naming a configuration: `unlocked, 4level, kernel current, 2 PTE pages, 2 vCPUs, 1 iteration, profile modern`. */
export function describeConfig(params: ForkExitParams, writerUpdates?: number): string {
  const parts = [
    params.strategy,
    params.mode,
    `kernel ${params.kernel}`,
    `${params.ptePages} PTE page${params.ptePages === 1 ? '' : 's'}`,
    `${params.vcpus} vCPU${params.vcpus === 1 ? '' : 's'}`,
    `${params.iterations} pin+unpin cycle${params.iterations === 1 ? '' : 's'}`,
    `profile ${params.profile}`,
  ];
  if (writerUpdates !== undefined && params.vcpus > 1)
    parts.push(`${writerUpdates} update${writerUpdates === 1 ? '' : 's'} per writer`);
  return parts.join(', ');
}

/** A violation in one line, with whether the strategy's declaration predicts it. */
export function describeViolation(v: Violation, raceFree: boolean): string {
  const why = v.expected
    ? 'expected: the strategy declares itself racy (raceFree: false)'
    : v.kind === 'write-protect-fault' && raceFree
      ? 'unexpected: the strategy claims to be race-free'
      : 'unexpected';
  return `${v.kind} at step ${v.step}: ${v.message} (${why})`;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/**
 * A replayed schedule as a readable trace, one line per step: the step, the vCPU (`>` marks a preemption), what it
 * did (the lock, the batch and its entry, the frame, the store's outcome), then the locks held and each PTE page's
 * state after it. The violating step is marked `!!`.
 */
export function renderTrace(records: readonly StepRecord[], violation: Violation | null): string {
  const lines: string[] = [];
  const actionWidth = Math.min(92, Math.max(30, ...records.map((r) => r.action.length)));
  const lockWidth = Math.min(40, Math.max(10, ...records.map((r) => r.locks.length)));
  lines.push(`${PTE_STATE_LEGEND}; > marks a preemption, !! the violation`);
  lines.push(`${pad('step', 5)} ${pad('vCPU', 5)} ${pad('action', actionWidth)}  ${pad('locks held', lockWidth)}  PTE pages`);
  for (const r of records) {
    const mark = violation !== null && r.step === violation.step ? '!!' : '  ';
    const who = `${r.preemption ? '>' : ' '}v${r.vcpu}`;
    lines.push(
      `${mark}${pad(String(r.step), 3)} ${pad(who, 5)} ${pad(r.action, actionWidth)}  ${pad(r.locks, lockWidth)}  ${r.ptes}`,
    );
    if (r.choice !== null) lines.push(`${' '.repeat(11)}(${r.choice})`);
  }
  return `${lines.join('\n')}\n`;
}

/** The schedule in a line: runs of steps per vCPU, `v0 x38, v1 x8 (preempts), v0 x30`. */
export function describeRuns(records: readonly StepRecord[]): string {
  const runs: string[] = [];
  let i = 0;
  while (i < records.length) {
    const first = records[i] as StepRecord;
    let j = i;
    while (j < records.length && (records[j] as StepRecord).vcpu === first.vcpu) j++;
    runs.push(`v${first.vcpu} x${j - i}${first.preemption ? ' (preempts)' : ''}`);
    i = j;
  }
  return runs.join(', ');
}
