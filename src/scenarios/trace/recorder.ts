import {
  __HYPERVISOR_mmu_update,
  __HYPERVISOR_mmuext_op,
  __HYPERVISOR_update_va_mapping,
  MMUEXT_NAMES,
  UVMF_TLB_FLUSH,
} from '../../hv/abi.js';
import { CB_UNLOCK } from '../../hv/multicall-batcher.js';
import type { McBuffer } from '../../hv/multicall-batcher.js';
import { LOCK_CLASS_NAMES } from '../../mmu/spin-lock.js';
import type { Machine } from '../machine.js';
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
  ACTION_SLEEP,
  ACTION_STORE,
  ACTION_UNLOCK,
  STORE_OUTCOMES,
} from '../vcpu/actions.js';
import type { ActionObserver } from '../vcpu/types.js';
import type { TraceDocument, TraceEvent } from './types.js';

/** The process of every track of a pinbench trace ("guest"): vCPU threads, lock tracks and counters. */
export const TRACE_PID = 1;

/** What a trace's `otherData.timeBase` says. */
export const TRACE_TIME_BASE =
  "virtual nanoseconds of the pinbench model under the run's cost profile (not wall time); ts and dur are in " +
  'microseconds as the trace-event format requires: virtual ns / 1000';

/** Options of a TraceRecorder. */
export interface TraceOptions {
  /**
   * Most events recorded; the trace stops at the action that reaches it, every slice still open is closed there, and
   * `otherData.truncated` says where. Default: no limit.
   */
  maxEvents?: number;
}

/** One vCPU's open slices and last counter values. */
interface CpuTrack {
  /** The pinner's phase slice (pin #i, dwell #i, unpin #i), or null. */
  phase: TraceEvent | null;
  phaseName: string;
  phaseStartNs: number;
  /** The batch being flushed: its slice, the entries and lock-releasing callbacks still to come, its end so far. */
  batch: TraceEvent | null;
  batchStartNs: number;
  batchEntriesLeft: number;
  batchUnlocksLeft: number;
  /** A contended spin_lock: the wait slice, open until the vCPU's next action (the hand-over), and its lock. */
  wait: TraceEvent | null;
  waitStartNs: number;
  waitLock: number;
  preempt: number;
  batchFill: number;
}

/**
 * Records a run of the fork-exit scenario as Chrome trace events (docs/traces.md): the ActionObserver of every vCPU.
 * One process (TRACE_PID), one thread per vCPU (tid = vCPU) with its pin/unpin phases, each multicall batch as a
 * slice with its trap, entries and callbacks as children, direct hypercalls, lock acquisitions, spins and waits,
 * stores, think times and guest work as slices, and write-protect faults, ptwr emulations and stores through a stale
 * TLB entry as instants; lock holds as async slices, one track per lock named after its class (`ptl`,
 * `page_table_lock`) and one per vCPU (`vCPU N holds`); counters of each vCPU's preempt depth and batch fill (entries
 * queued in its batch, sampled at each of its events). Every time is virtual ns / 1000.
 *
 * Events are appended in the engine's order, which is the order of their start times; a slice is appended when it
 * opens and its duration filled in when it closes, so the list needs no sorting and each track's timestamps never go
 * backwards. It only reads the machine: a run records the same metrics with or without it.
 */
export class TraceRecorder implements ActionObserver {
  private readonly events: TraceEvent[] = [];
  private readonly cpus: CpuTrack[];
  private readonly maxEvents: number;
  private truncatedAtNs: number | null = null;
  private lastNs = 0;
  /** Async hold slices open, by lock id: the vCPU holding it. */
  private readonly holds = new Map<number, number>();

  constructor(
    private readonly machine: Machine,
    options: TraceOptions = {},
  ) {
    this.maxEvents = options.maxEvents ?? Number.POSITIVE_INFINITY;
    this.cpus = machine.cpus.map(() => ({
      phase: null,
      phaseName: '',
      phaseStartNs: 0,
      batch: null,
      batchStartNs: 0,
      batchEntriesLeft: 0,
      batchUnlocksLeft: 0,
      wait: null,
      waitStartNs: 0,
      waitLock: -1,
      preempt: 0,
      batchFill: 0,
    }));
    const strategy = machine.params.strategy;
    this.meta('process_name', 0, { name: `guest: fork-exit, ${strategy}` });
    for (let v = 0; v < machine.cpus.length; v++) {
      this.meta('thread_name', v, { name: v === 0 ? 'vCPU 0 (pinner)' : `vCPU ${v} (writer)` });
      this.meta('thread_sort_index', v, { sort_index: v });
      this.counter(v, 0, 'preempt', 'depth', 0);
      this.counter(v, 0, 'batch', 'entries', 0);
    }
  }

  /** Events recorded so far (metadata included). */
  get eventCount(): number {
    return this.events.length;
  }

  /** Whether the recording stopped at `maxEvents`, and at what virtual time (ns). */
  get truncatedAt(): number | null {
    return this.truncatedAtNs;
  }

  action(vcpu: number, kind: number, atNs: number, durationNs: number, a: number, b: number): void {
    if (this.truncatedAtNs !== null) return;
    if (this.events.length >= this.maxEvents) {
      this.truncate(atNs);
      return;
    }
    this.lastNs = atNs;
    const cpu = this.cpus[vcpu] as CpuTrack;
    if (cpu.wait !== null) this.endWait(vcpu, cpu, atNs);
    if (vcpu === 0) this.followPhase(cpu, atNs);
    const end = atNs + durationNs;
    switch (kind) {
      case ACTION_GUEST_WORK:
        this.slice(vcpu, atNs, durationNs, 'guest work', 'guest', { what: 'walk steps and IPI-forced TLB flushes owed' });
        break;
      case ACTION_LOCK:
        this.slice(vcpu, atNs, durationNs, `spin_lock ${this.lockName(a)}`, 'lock');
        this.holdBegin(vcpu, a, atNs);
        break;
      case ACTION_LOCK_WAIT:
        cpu.wait = this.slice(vcpu, atNs, 0, `spinning on ${this.lockName(a)}`, 'wait', { holder: this.holderOf(a) });
        cpu.waitStartNs = atNs;
        cpu.waitLock = a;
        break;
      case ACTION_UNLOCK:
        this.slice(vcpu, atNs, durationNs, `spin_unlock ${this.lockName(a)}`, 'unlock');
        this.holdEnd(vcpu, a, atNs);
        break;
      case ACTION_MC_TRAP:
        this.beginBatch(vcpu, cpu, atNs, a, b);
        this.slice(vcpu, atNs, durationNs, 'hypercall trap', 'trap', { costNs: durationNs });
        this.batchProgress(cpu, end);
        break;
      case ACTION_MC_ENTRY:
        this.slice(vcpu, atNs, durationNs, this.describeEntry(vcpu, a), 'entry', { entry: a, of: b });
        cpu.batchEntriesLeft--;
        this.batchProgress(cpu, end);
        break;
      case ACTION_MC_CALLBACK:
        if (cpu.batch === null) this.beginBatch(vcpu, cpu, atNs, 0, -1);
        this.slice(vcpu, atNs, durationNs, `xen_pte_unlock ${this.lockName(a)}`, 'callback', { callback: b });
        this.holdEnd(vcpu, a, atNs);
        cpu.batchUnlocksLeft--;
        this.batchProgress(cpu, end);
        break;
      case ACTION_HYPERCALL:
        this.slice(
          vcpu,
          atNs,
          durationNs,
          b < 0 ? `update_va_mapping frame ${a}` : `mmuext_op ${MMUEXT_NAMES[b] ?? `cmd ${b}`} frame ${a}`,
          'hypercall',
          { frame: a },
        );
        break;
      case ACTION_STORE:
        this.store(vcpu, atNs, durationNs, a, b);
        break;
      case ACTION_SLEEP:
        this.slice(vcpu, atNs, durationNs, vcpu === 0 ? 'dwell' : 'think', 'sleep');
        break;
      case ACTION_BIG_LOCK_SPIN:
        this.slice(vcpu, atNs, durationNs, "spinning on Xen's big lock", 'spin');
        if (cpu.batch !== null) this.batchProgress(cpu, end);
        break;
      case ACTION_EXIT:
        if (vcpu === 0) this.closePhase(cpu, atNs);
        break;
    }
    this.sampleCounters(vcpu, cpu, atNs);
  }

  /**
   * The trace so far as a document: the events, and `otherData` (the time base, whether it was truncated, and
   * `extra`: what the caller knows of the run).
   */
  document(extra: Record<string, unknown> = {}): TraceDocument {
    return {
      traceEvents: this.events,
      otherData: {
        timeBase: TRACE_TIME_BASE,
        ...extra,
        truncated: this.truncatedAtNs === null ? false : { atNs: this.truncatedAtNs, maxEvents: this.maxEvents },
      },
    };
  }

  // ---- slices, instants, counters ----

  private push(e: TraceEvent): TraceEvent {
    this.events.push(e);
    return e;
  }

  private meta(name: string, tid: number, args: Record<string, unknown>): void {
    this.push({ name, ph: 'M', ts: 0, pid: TRACE_PID, tid, args });
  }

  private slice(tid: number, atNs: number, durNs: number, name: string, cat: string, args?: Record<string, unknown>): TraceEvent {
    const e: TraceEvent = { name, ph: 'X', ts: atNs / 1000, dur: durNs / 1000, pid: TRACE_PID, tid, cat };
    if (args !== undefined) e.args = args;
    return this.push(e);
  }

  private instant(tid: number, atNs: number, name: string, cat: string, args: Record<string, unknown>): void {
    this.push({ name, ph: 'i', s: 't', ts: atNs / 1000, pid: TRACE_PID, tid, cat, args });
  }

  private counter(tid: number, atNs: number, name: string, series: string, value: number): void {
    this.push({ name: `vCPU ${tid} ${name}`, ph: 'C', ts: atNs / 1000, pid: TRACE_PID, tid, args: { [series]: value } });
  }

  private sampleCounters(vcpu: number, cpu: CpuTrack, atNs: number): void {
    const c = this.machine.cpus[vcpu];
    if (c === undefined) return;
    const depth = c.preempt.value;
    if (depth !== cpu.preempt) {
      cpu.preempt = depth;
      this.counter(vcpu, atNs, 'preempt', 'depth', depth);
    }
    const fill = c.batcher.queuedEntries;
    if (fill !== cpu.batchFill) {
      cpu.batchFill = fill;
      this.counter(vcpu, atNs, 'batch', 'entries', fill);
    }
  }

  // ---- phases, batches, waits, holds ----

  /** The pinner's phase is what the scenario says it is when its next action starts. */
  private followPhase(cpu: CpuTrack, atNs: number): void {
    const name = this.machine.phase;
    if (name === cpu.phaseName) return;
    this.closePhase(cpu, atNs);
    cpu.phaseName = name;
    if (name === 'done' || name === 'start') return;
    cpu.phase = this.slice(0, atNs, 0, name, 'phase');
    cpu.phaseStartNs = atNs;
  }

  private closePhase(cpu: CpuTrack, atNs: number): void {
    if (cpu.phase !== null) cpu.phase.dur = (atNs - cpu.phaseStartNs) / 1000;
    cpu.phase = null;
  }

  private beginBatch(vcpu: number, cpu: CpuTrack, atNs: number, entries: number, callbacks: number): void {
    const buf = this.machine.cpus[vcpu]?.flushingBatch ?? null;
    const unlocks = buf === null ? 0 : countUnlocks(buf);
    const singleton = entries === 1 && this.machine.era.singletonBypass;
    const name =
      entries === 0
        ? 'batch callbacks (no entries)'
        : singleton
          ? 'xen_mc_flush: 1 entry, a direct hypercall (singleton)'
          : `multicall: ${entries} entries`;
    cpu.batch = this.slice(vcpu, atNs, 0, name, 'batch', {
      entries,
      callbacks: callbacks < 0 ? (buf?.callbacks ?? 0) : callbacks,
      unlockCallbacks: unlocks,
    });
    cpu.batchStartNs = atNs;
    cpu.batchEntriesLeft = entries;
    cpu.batchUnlocksLeft = unlocks;
  }

  /** The batch's events so far end at `endNs`; it closes after its last entry and lock-releasing callback. */
  private batchProgress(cpu: CpuTrack, endNs: number): void {
    const batch = cpu.batch;
    if (batch === null) return;
    batch.dur = (endNs - cpu.batchStartNs) / 1000;
    if (cpu.batchEntriesLeft <= 0 && cpu.batchUnlocksLeft <= 0) cpu.batch = null;
  }

  /** A contended lock was handed over: the vCPU's next action starts when it holds it. */
  private endWait(vcpu: number, cpu: CpuTrack, atNs: number): void {
    (cpu.wait as TraceEvent).dur = (atNs - cpu.waitStartNs) / 1000;
    cpu.wait = null;
    this.holdBegin(vcpu, cpu.waitLock, atNs);
  }

  private lockName(id: number): string {
    const locks = this.machine.locks;
    const cls = locks.classOf(id);
    return cls === 0 ? `ptl of frame ${id}` : (LOCK_CLASS_NAMES[cls] ?? String(cls));
  }

  private holderOf(id: number): number | null {
    return this.holds.get(id) ?? null;
  }

  private holdBegin(vcpu: number, id: number, atNs: number): void {
    const cls = LOCK_CLASS_NAMES[this.machine.locks.classOf(id)] ?? 'lock';
    const args = { lock: this.lockName(id), vcpu };
    this.holds.set(id, vcpu);
    this.push({ name: cls, ph: 'b', cat: 'lock', id: `${id}`, ts: atNs / 1000, pid: TRACE_PID, tid: vcpu, args });
    this.push({
      name: `vCPU ${vcpu} holds`,
      ph: 'b',
      cat: 'hold',
      id: `${vcpu}:${id}`,
      ts: atNs / 1000,
      pid: TRACE_PID,
      tid: vcpu,
      args,
    });
  }

  private holdEnd(vcpu: number, id: number, atNs: number): void {
    if (this.holds.get(id) !== vcpu) return;
    this.holds.delete(id);
    const cls = LOCK_CLASS_NAMES[this.machine.locks.classOf(id)] ?? 'lock';
    this.push({ name: cls, ph: 'e', cat: 'lock', id: `${id}`, ts: atNs / 1000, pid: TRACE_PID, tid: vcpu });
    this.push({
      name: `vCPU ${vcpu} holds`,
      ph: 'e',
      cat: 'hold',
      id: `${vcpu}:${id}`,
      ts: atNs / 1000,
      pid: TRACE_PID,
      tid: vcpu,
    });
  }

  // ---- stores ----

  private store(vcpu: number, atNs: number, durNs: number, frame: number, outcome: number): void {
    const what = STORE_OUTCOMES[outcome] ?? 'direct';
    this.slice(vcpu, atNs, durNs, 'PTE store', 'store', { frame, outcome: what });
    if (what === 'direct') return;
    if (what === 'fault') {
      const pinner = this.cpus[0];
      const batch = pinner?.batch;
      this.instant(vcpu, atNs, 'write-protect fault', 'fault', {
        frame,
        pinner: `${this.machine.phase}: ${this.machine.cpus[0]?.describe() ?? ''}`,
        pinnerBatch: batch === null || batch === undefined ? null : batch.name,
      });
    } else if (what === 'emulated') this.instant(vcpu, atNs, 'ptwr emulation', 'emulated', { frame });
    else this.instant(vcpu, atNs, 'store through a stale TLB entry', 'stale', { frame });
  }

  /** An entry of the batch being flushed, in Linux's terms: `update_va_mapping frame 12 RO`, `mmuext_op PIN_L1_TABLE frame 12`. */
  private describeEntry(vcpu: number, index: number): string {
    const b = this.machine.cpus[vcpu]?.flushingBatch ?? null;
    if (b === null || index >= b.entries) return `entry ${index}`;
    const op = b.op[index];
    if (op === __HYPERVISOR_update_va_mapping) {
      const arg = b.arg[index] ?? 0;
      const flush = ((arg >> 1) & UVMF_TLB_FLUSH) !== 0 ? ' TLB_FLUSH' : '';
      return `update_va_mapping frame ${b.frame[index]} ${(arg & 1) === 1 ? 'RW' : 'RO'}${flush}`;
    }
    const start = b.subStart[index] ?? 0;
    const count = b.subCount[index] ?? 0;
    if (op === __HYPERVISOR_mmu_update) return count === 1 ? `mmu_update frame ${b.subFrame[start]}` : `mmu_update x${count}`;
    if (op === __HYPERVISOR_mmuext_op) {
      const cmd = b.subCmd[start] ?? -1;
      const name = MMUEXT_NAMES[cmd] ?? `cmd ${cmd}`;
      return count === 1
        ? `mmuext_op ${name} frame ${b.subFrame[start]}`
        : `mmuext_op x${count} (${name} frame ${b.subFrame[start]}, ...)`;
    }
    return `hypercall ${op}`;
  }

  /** Stop recording at `atNs`: every open slice and hold ends there, so the trace stays well formed. */
  private truncate(atNs: number): void {
    const at = Math.max(atNs, this.lastNs);
    this.truncatedAtNs = at;
    this.cpus.forEach((cpu, v) => {
      if (cpu.wait !== null) {
        cpu.wait.dur = (at - cpu.waitStartNs) / 1000;
        cpu.wait = null;
      }
      if (cpu.batch !== null) {
        cpu.batch.dur = Math.max(cpu.batch.dur ?? 0, (at - cpu.batchStartNs) / 1000);
        cpu.batch = null;
      }
      if (v === 0) this.closePhase(cpu, at);
    });
    for (const [id, vcpu] of [...this.holds]) this.holdEnd(vcpu, id, at);
  }
}

function countUnlocks(b: McBuffer): number {
  let n = 0;
  for (let k = 0; k < b.callbacks; k++) if (b.cbKind[k] === CB_UNLOCK) n++;
  return n;
}

/**
 * A trace as JSON text, one event per line (diffable, and readable by line-oriented tools), in the JSON object
 * format: `{"traceEvents": [...], "otherData": {...}}`.
 */
export function traceJson(doc: TraceDocument): string {
  const lines = doc.traceEvents.map((e) => JSON.stringify(e));
  const rest = Object.entries(doc)
    .filter(([k]) => k !== 'traceEvents')
    .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
  return `{"traceEvents":[\n${lines.join(',\n')}\n]${rest.map((r) => `,\n${r}`).join('')}}\n`;
}
