import {
  __HYPERVISOR_mmu_update,
  __HYPERVISOR_mmuext_op,
  __HYPERVISOR_update_va_mapping,
  MMUEXT_NAMES,
  UVMF_TLB_FLUSH,
} from '../hv/abi.js';
import { FRAME_RW } from '../mmu/frame-flags.js';
import {
  ACTION_BIG_LOCK_SPIN,
  ACTION_EXIT,
  ACTION_GUEST_WORK,
  ACTION_HYPERCALL,
  ACTION_LOCK,
  ACTION_LOCK_WAIT,
  ACTION_MC_CALLBACK,
  ACTION_MC_ENTRY,
  ACTION_MC_TRAP,
  ACTION_NAMES,
  ACTION_SLEEP,
  ACTION_STORE,
  ACTION_UNLOCK,
  STORE_OUTCOMES,
} from '../scenarios/vcpu/index.js';
import type { Machine } from '../scenarios/machine.js';
import { elementAt } from '../shared/element-at.js';
import type { Execution, ObservedAction, StepListener } from './execution.js';
import { writerPages } from './explore-writer.js';

/** One step of a replayed schedule, in words and numbers: what the trace, the timeline and the schedule file show. */
export interface StepRecord {
  /** 1-based. */
  step: number;
  vcpu: number;
  /** This step preempted the vCPU that took the previous one (which could have gone on). */
  preemption: boolean;
  /** The action's name (ACTION_NAMES). */
  kind: string;
  /** What the vCPU did, in the kernel's and Xen's terms. */
  action: string;
  /** The frame it touched (a PTE page, a lock's page, a remapped or pinned table), or null. */
  frame: number | null;
  /** The vCPU's batch (numbered from 1 per vCPU) and the entry (1-based) of a multicall trap, entry or callback. */
  batch: number | null;
  entry: number | null;
  /** Virtual time the action costs under the run's profile, ns (it orders nothing under exploration). */
  costNs: number;
  /** Locks held after the step: `page_table_lock:v0 ptl(3):v1`, spinners in brackets. */
  locks: string;
  /** Each PTE page after the step (`3:RO+L1P`, see PTE_STATE_LEGEND). */
  ptes: string;
  /** The store's outcome, for a PTE store. */
  outcome: string | null;
  /** A choice the vCPU's program made during the step (a writer's PTE page), in words, or null. */
  choice: string | null;
}

/** How `ptes` reads. */
export const PTE_STATE_LEGEND =
  'PTE pages: FRAME:RW writable | RO read-only, no pagetable type (a store faults) | RO+L1 validated L1 (a store is emulated) | RO+L1? L1 being validated (a store faults); P pinned by Xen';

/** The name of a lock id: `page_table_lock`, or `ptl(FRAME)` for a split PTE lock. */
export function lockName(m: Machine, id: number): string {
  return id === m.locks.pageTableLock ? 'page_table_lock' : `ptl(${id})`;
}

/** Locks held now, and who spins for them. */
export function lockState(x: Execution): string {
  const m = x.machine;
  const parts: string[] = [];
  const owner = m.locks.owner;
  owner.forEach((v, id) => {
    if (v >= 0) parts.push(`${lockName(m, id)}:v${v}`);
  });
  return parts.length === 0 ? '-' : parts.join(' ');
}

/** Each PTE page's mapping and Xen type now. */
export function pteState(x: Execution): string {
  const { mm, hv } = x.machine;
  const parts: string[] = [];
  for (const f of mm.pteFrames) {
    let s = `${f}:`;
    if (elementAt(mm.flags, f, 'frame') & FRAME_RW) s += 'RW';
    else if (elementAt(hv.typeCount, f, 'frame') > 0 && hv.typeLevel[f] === 1) s += hv.isValidatedL1(f) ? 'RO+L1' : 'RO+L1?';
    else s += 'RO';
    if (hv.pinned[f]) s += 'P';
    parts.push(s);
  }
  return parts.join(' ');
}

/**
 * A StepListener that keeps a StepRecord of every step, reading what the action touched from the machine while it
 * is still there (the batch being flushed, the lock's owner).
 */
export class StepRecorder implements StepListener {
  readonly records: StepRecord[] = [];
  private readonly batches: number[] = [];
  private pendingChoice: string | null = null;

  choice(x: Execution, vcpu: number, value: number, alternatives: number): void {
    const page = writerPages(x.machine.mm)[value];
    this.pendingChoice = `v${vcpu} chose the PTE page at frame ${page ?? value} (choice ${value + 1} of ${alternatives})`;
  }

  step(x: Execution, vcpu: number, a: ObservedAction, preemption: boolean): void {
    const m = x.machine;
    const cpu = elementAt(m.cpus, vcpu, 'vCPU');
    while (this.batches.length <= vcpu) this.batches.push(0);
    let action: string = ACTION_NAMES[a.kind] ?? `action ${a.kind}`;
    let frame: number | null = null;
    let batch: number | null = null;
    let entry: number | null = null;
    let outcome: string | null = null;
    switch (a.kind) {
      case ACTION_GUEST_WORK:
        action = `guest work owed before the next visible action (walk steps, flushes forced by IPIs)`;
        break;
      case ACTION_LOCK:
        action = `spin_lock(${lockName(m, a.a)}): taken`;
        frame = a.a === m.locks.pageTableLock ? null : a.a;
        break;
      case ACTION_LOCK_WAIT:
        action = `spin_lock(${lockName(m, a.a)}): held by v${m.locks.owner[a.a]}, spins`;
        frame = a.a === m.locks.pageTableLock ? null : a.a;
        break;
      case ACTION_UNLOCK:
        action = `spin_unlock(${lockName(m, a.a)})`;
        frame = a.a === m.locks.pageTableLock ? null : a.a;
        break;
      case ACTION_MC_TRAP: {
        const n = elementAt(this.batches, vcpu, 'vCPU') + 1;
        this.batches[vcpu] = n;
        batch = n;
        const singleton = a.a === 1 && m.era.singletonBypass;
        action = singleton
          ? `xen_mc_flush of batch ${batch}: one entry, issued as a direct hypercall (singleton)`
          : `xen_mc_flush of batch ${batch}: multicall trap, ${a.a} entr${a.a === 1 ? 'y' : 'ies'}, ${a.b} callback${a.b === 1 ? '' : 's'}`;
        break;
      }
      case ACTION_MC_ENTRY: {
        batch = elementAt(this.batches, vcpu, 'vCPU');
        entry = a.a + 1;
        const buf = cpu.flushingBatch;
        let what = '';
        if (buf !== null && a.a < buf.entries) {
          const op = buf.op[a.a];
          if (op === __HYPERVISOR_update_va_mapping) {
            frame = elementAt(buf.frame, a.a, 'batch entry');
            const arg = elementAt(buf.arg, a.a, 'batch entry');
            what = `update_va_mapping(frame ${frame} -> ${(arg & 1) === 1 ? 'RW' : 'RO'}${(arg >> 1) & UVMF_TLB_FLUSH ? ', UVMF_TLB_FLUSH' : ''})`;
          } else if (op === __HYPERVISOR_mmuext_op || op === __HYPERVISOR_mmu_update) {
            const subs: string[] = [];
            const first = elementAt(buf.subStart, a.a, 'batch entry');
            const end = first + elementAt(buf.subCount, a.a, 'batch entry');
            for (let k = first; k < end; k++) {
              const subFrame = elementAt(buf.subFrame, k, 'sub-op');
              const cmd = elementAt(buf.subCmd, k, 'sub-op');
              subs.push(
                op === __HYPERVISOR_mmuext_op
                  ? `${MMUEXT_NAMES[cmd] ?? cmd} frame ${subFrame}`
                  : `frame ${subFrame}[${elementAt(buf.subIndex, k, 'sub-op')}] = ${elementAt(buf.subValue, k, 'sub-op')}`,
              );
              frame ??= subFrame;
            }
            what = `${op === __HYPERVISOR_mmuext_op ? 'mmuext_op' : 'mmu_update'}(${subs.join(', ')})`;
          }
        }
        action = `batch ${batch} entry ${entry}/${a.b}: Xen runs ${what || 'the entry'}`;
        break;
      }
      case ACTION_MC_CALLBACK:
        batch = elementAt(this.batches, vcpu, 'vCPU');
        frame = a.a === m.locks.pageTableLock ? null : a.a;
        action = `batch ${batch} callback ${a.b + 1}: spin_unlock(${lockName(m, a.a)}) (deferred unlock)`;
        break;
      case ACTION_HYPERCALL:
        frame = a.a;
        action =
          a.b === -1
            ? `hypercall update_va_mapping(frame ${a.a} -> ${elementAt(m.mm.flags, a.a, 'frame') & FRAME_RW ? 'RW' : 'RO'})`
            : `hypercall mmuext_op(${MMUEXT_NAMES[a.b] ?? a.b} frame ${a.a})`;
        break;
      case ACTION_STORE:
        frame = a.a;
        outcome = STORE_OUTCOMES[a.b] ?? String(a.b);
        action = `PTE store into frame ${a.a}: ${
          outcome === 'fault'
            ? 'WRITE-PROTECT FAULT'
            : outcome === 'emulated'
              ? 'trapped, emulated by Xen (ptwr)'
              : outcome === 'stale'
                ? 'through a stale writable TLB entry (no trap)'
                : 'direct (page writable)'
        }`;
        break;
      case ACTION_SLEEP:
        action = `sleep ${a.a} ns (${m.phase})`;
        break;
      case ACTION_BIG_LOCK_SPIN: {
        const owner = x.time.bigLockOwner;
        action = `spins for Xen's domain big lock${owner >= 0 ? ` (held by v${owner}'s running action)` : ''}`;
        break;
      }
      case ACTION_EXIT:
        action = 'program ends';
        break;
    }
    this.records.push({
      step: x.steps,
      vcpu,
      preemption,
      kind: ACTION_NAMES[a.kind] ?? String(a.kind),
      action,
      frame,
      batch,
      entry,
      costNs: Number.isFinite(a.durationNs) ? a.durationNs : -1,
      locks: lockState(x),
      ptes: pteState(x),
      outcome,
      choice: this.pendingChoice,
    });
    this.pendingChoice = null;
  }
}
