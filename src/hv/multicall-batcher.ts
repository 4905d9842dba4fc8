import { ModelError } from '../shared/errors.js';
import {
  __HYPERVISOR_mmu_update,
  __HYPERVISOR_mmuext_op,
  __HYPERVISOR_update_va_mapping,
  MMUEXT_NAMES,
} from './abi.js';
import type { FlushReason } from './types.js';

/** MC_BATCH: entry slots per batch (arch/x86/xen/multicalls.c, 2.6.24 and today). */
export const MC_BATCH_SLOTS = 32;
/** Argument bytes per entry slot: MC_ARGS is MC_BATCH * 16 bytes (2.6.24: MC_BATCH * 16 / sizeof(u64) u64 slots). */
export const MC_ARGS_BYTES_PER_SLOT = 16;
/** MC_ARGS: argument bytes per batch, MC_BATCH * 16. */
export const MC_ARGS_BYTES = MC_BATCH_SLOTS * MC_ARGS_BYTES_PER_SLOT;

/** The era's batcher rules and sizes (KernelEraSpec; defaults: today's batcher with MC_BATCH 32). */
export interface BatcherOptions {
  /** MC_BATCH: entry slots (and callback slots). */
  mcBatch?: number;
  /** MC_ARGS in bytes (2.6.24: mcArgs / 8 u64 slots). */
  mcArgs?: number;
  /** 'bytes' (today: argidx rounded up to 8, flush on `>=`) or 'u64-slots' (2.6.24: ceil(bytes/8), flush on `>`). */
  argAccounting?: 'bytes' | 'u64-slots';
  /** xen_mc_extend_args coalescing (today); 2.6.24 had none. */
  coalesce?: boolean;
  /** xen_mc_flush issues a one-entry batch as a direct hypercall (today). */
  singletonBypass?: boolean;
}

/** A queued callback: run after the multicall returns, in FIFO order. */
export const CB_UNLOCK = 1;
export const CB_FUNCTION = 2;
export type McCallbackFn = (data: number) => void;

/** One batch's entries, sub-ops and callbacks, struct-of-arrays. Two of these alternate per batcher. */
export class McBuffer {
  /** Hypercall number of each entry. */
  readonly op: Uint8Array;
  /** update_va_mapping: frame remapped; mmuext_op / mmu_update: unused. */
  readonly frame: Int32Array;
  /** update_va_mapping: bit 0 = RW, the rest = UVMF flags << 1. */
  readonly arg: Int32Array;
  readonly subStart: Int32Array;
  readonly subCount: Int32Array;
  /** mmuext_op command of each sub-op (unused for mmu_update). */
  readonly subCmd: Uint8Array;
  /** Frame of each sub-op (the pinned table, or the PTE page of an mmu_update). */
  readonly subFrame: Int32Array;
  /** mmu_update: PTE index and new value. */
  readonly subIndex: Int32Array;
  readonly subValue: Float64Array;
  readonly cbKind: Uint8Array;
  readonly cbData: Int32Array;
  readonly cbFn: (McCallbackFn | null)[];
  entries = 0;
  subops = 0;
  callbacks = 0;

  constructor(slots: number, argBytes: number) {
    this.op = new Uint8Array(slots);
    this.frame = new Int32Array(slots);
    this.arg = new Int32Array(slots);
    this.subStart = new Int32Array(slots);
    this.subCount = new Int32Array(slots);
    // Every sub-op takes at least 12 argument bytes (an i386 mmuext_op).
    const subCap = Math.ceil(argBytes / 12) + slots;
    this.subCmd = new Uint8Array(subCap);
    this.subFrame = new Int32Array(subCap);
    this.subIndex = new Int32Array(subCap);
    this.subValue = new Float64Array(subCap);
    this.cbKind = new Uint8Array(slots);
    this.cbData = new Int32Array(slots);
    this.cbFn = new Array<McCallbackFn | null>(slots).fill(null);
  }
}

/** The debugfs statistics of xen/multicalls (CONFIG_XEN_DEBUG_FS), plus sub-op counts. */
export interface McStats {
  /** xen_mc_flush calls, empty ones included. */
  batches: number;
  /** Multicalls issued (flushes with at least two entries, or one without the singleton bypass). */
  multicalls: number;
  /** Flushes of exactly one entry issued as a direct hypercall (the singleton bypass of today's xen_mc_flush). */
  singletons: number;
  /** Sum of entries over flushes (debugfs `hypercalls`). */
  entries: number;
  /** Sum of argument bytes (debugfs `arg_total`; 2.6.24: u64 slots x 8). */
  argBytes: number;
  /** Index = entries in the flushed batch (0..MC_BATCH). */
  batchHistogram: number[];
  /** Entries by hypercall number (debugfs `hypercall_histo`). */
  hypercallHistogram: Record<number, number>;
  flushReasons: { slots: number; args: number; callbacks: number };
  subops: { update_va_mapping: number; mmu_update: number; mmuext_op: Record<string, number> };
}

const roundup8 = (x: number) => (x + 7) & ~7;

/**
 * One vCPU's multicall batcher, following arch/x86/xen/multicalls.c of its era:
 *
 * - today: `mcArgs` argument bytes, argidx rounded up to 8 and a new entry flushes when
 *   `roundup(argidx, 8) + args >= MC_ARGS` (__xen_mc_entry); xen_mc_extend_args coalesces a sub-op into the
 *   previous entry of the same hypercall while `argidx + size < MC_ARGS`; a flush of one entry is a direct hypercall;
 * - 2.6.24: `mcArgs / 8` u64 slots, an entry takes ceil(args / 8) of them and flushes when
 *   `argidx + argspace > MC_ARGS` (multicalls.c lines 110-117); no coalescing, no bypass.
 *
 * Both: `mcBatch` entry slots, callbacks capped at `mcBatch`, the three flush reasons. The caller executes what
 * `take` returns: entries, then callbacks in FIFO order.
 */
export class MulticallBatcher {
  readonly mcBatch: number;
  readonly mcArgs: number;
  readonly coalesce: boolean;
  readonly singletonBypass: boolean;
  private readonly u64Slots: boolean;
  /** Argument capacity in the era's unit: bytes, or u64 slots. */
  private readonly argCapacity: number;
  private cur: McBuffer;
  private spare: McBuffer;
  /** argidx, in the era's unit (bytes or u64 slots). */
  private argidx = 0;
  private readonly counters = {
    batches: 0, multicalls: 0, singletons: 0, entries: 0, argBytes: 0, slots: 0, args: 0, callbacks: 0, uvm: 0, mmuUpdate: 0,
  };
  private readonly batchHisto: Float64Array;
  private readonly hypercallHisto = new Float64Array(64);
  private readonly mmuextHisto = new Float64Array(32);

  constructor(options: BatcherOptions = {}) {
    this.mcBatch = options.mcBatch ?? MC_BATCH_SLOTS;
    this.mcArgs = options.mcArgs ?? this.mcBatch * MC_ARGS_BYTES_PER_SLOT;
    this.u64Slots = options.argAccounting === 'u64-slots';
    this.argCapacity = this.u64Slots ? Math.floor(this.mcArgs / 8) : this.mcArgs;
    this.coalesce = options.coalesce ?? true;
    this.singletonBypass = options.singletonBypass ?? true;
    this.cur = new McBuffer(this.mcBatch, this.mcArgs);
    this.spare = new McBuffer(this.mcBatch, this.mcArgs);
    this.batchHisto = new Float64Array(this.mcBatch + 1);
  }

  /** The statistics so far (a fresh snapshot). */
  get stats(): McStats {
    const c = this.counters;
    const hypercallHistogram: Record<number, number> = {};
    this.hypercallHisto.forEach((n, op) => n > 0 && (hypercallHistogram[op] = n));
    const mmuext: Record<string, number> = {};
    this.mmuextHisto.forEach((n, cmd) => n > 0 && (mmuext[MMUEXT_NAMES[cmd] ?? String(cmd)] = n));
    return {
      batches: c.batches,
      multicalls: c.multicalls,
      singletons: c.singletons,
      entries: c.entries,
      argBytes: c.argBytes,
      batchHistogram: [...this.batchHisto],
      hypercallHistogram,
      flushReasons: { slots: c.slots, args: c.args, callbacks: c.callbacks },
      subops: { update_va_mapping: c.uvm, mmu_update: c.mmuUpdate, mmuext_op: mmuext },
    };
  }

  /** Entries queued (mcidx). */
  get queuedEntries(): number {
    return this.cur.entries;
  }
  /** Callbacks queued (cbidx). */
  get queuedCallbacks(): number {
    return this.cur.callbacks;
  }
  /** Argument bytes used (argidx; 2.6.24: u64 slots x 8). */
  get queuedArgBytes(): number {
    return this.u64Slots ? this.argidx * 8 : this.argidx;
  }

  /** __xen_mc_entry(args)'s flush test: 'slots' when every slot is used, 'args' when the arguments would not fit. */
  entryFlushReason(argBytes: number): FlushReason | null {
    if (this.cur.entries === this.mcBatch) return 'slots';
    if (this.u64Slots) {
      const argspace = (argBytes + 7) >>> 3;
      if (argspace > this.argCapacity) throw new ModelError(`__xen_mc_entry: BUG_ON(argspace > MC_ARGS): ${argBytes} bytes`);
      if (this.argidx + argspace > this.argCapacity) return 'args';
    } else if (roundup8(this.argidx) + argBytes >= this.mcArgs) return 'args';
    return null;
  }

  /** xen_mc_callback's flush test. */
  callbackNeedsFlush(): boolean {
    return this.cur.callbacks === this.mcBatch;
  }

  /** Queue an update_va_mapping entry (0 argument bytes). Call only when entryFlushReason(0) is null. */
  queueUpdateVaMapping(frame: number, rw: boolean, flags: number): void {
    const i = this.reserve(__HYPERVISOR_update_va_mapping, 0);
    this.cur.frame[i] = frame;
    this.cur.arg[i] = (rw ? 1 : 0) | (flags << 1);
  }

  /**
   * xen_extend_mmuext_op / xen_extend_mmu_update, first half: coalesce into the previous entry when it is the same
   * hypercall and the arguments fit (xen_mc_extend_args). Returns false when a new entry is needed.
   */
  tryExtend(op: number, argBytes: number): boolean {
    const b = this.cur;
    if (!this.coalesce || b.entries === 0 || b.op[b.entries - 1] !== op || this.argidx + argBytes >= this.mcArgs) return false;
    this.argidx += argBytes;
    b.subCount[b.entries - 1]++;
    b.subops++;
    return true;
  }

  /** A new mmuext_op or mmu_update entry with one sub-op. Call only when entryFlushReason(argBytes) is null. */
  queueNewSubopEntry(op: number, argBytes: number): void {
    const i = this.reserve(op, argBytes);
    this.cur.subCount[i] = 1;
    this.cur.subops++;
  }

  /** Fill the sub-op just added by tryExtend or queueNewSubopEntry. */
  setLastSubop(cmd: number, frame: number, index = 0, value = 0): void {
    const b = this.cur;
    const s = b.subops - 1;
    b.subCmd[s] = cmd;
    b.subFrame[s] = frame;
    b.subIndex[s] = index;
    b.subValue[s] = value;
  }

  /** xen_mc_callback, after callbackNeedsFlush() is false. */
  queueCallback(kind: number, data: number, fn: McCallbackFn | null = null): void {
    const b = this.cur;
    if (b.callbacks === this.mcBatch) throw new ModelError('callback queued into a full callback array');
    b.cbKind[b.callbacks] = kind;
    b.cbData[b.callbacks] = data;
    b.cbFn[b.callbacks] = fn;
    b.callbacks++;
  }

  /** Whether the batch now queued would be flushed as a direct hypercall (one entry, singleton bypass). */
  get flushIsSingleton(): boolean {
    return this.singletonBypass && this.cur.entries === 1;
  }

  /**
   * xen_mc_flush's bookkeeping: count the batch (reason null for the final xen_mc_issue or an explicit flush),
   * reset mcidx/argidx/cbidx, and hand over the batch to execute. Valid until the next take.
   */
  take(reason: FlushReason | null): McBuffer {
    const b = this.cur;
    const c = this.counters;
    c.batches++;
    c.entries += b.entries;
    c.argBytes += this.queuedArgBytes;
    this.batchHisto[b.entries]++;
    if (b.entries === 1 && this.singletonBypass) c.singletons++;
    else if (b.entries > 0) c.multicalls++;
    if (reason) c[reason]++;
    for (let i = 0; i < b.entries; i++) {
      const op = b.op[i];
      this.hypercallHisto[op]++;
      if (op === __HYPERVISOR_update_va_mapping) c.uvm++;
      else if (op === __HYPERVISOR_mmu_update) c.mmuUpdate += b.subCount[i];
      else if (op === __HYPERVISOR_mmuext_op) {
        const end = b.subStart[i] + b.subCount[i];
        for (let k = b.subStart[i]; k < end; k++) this.mmuextHisto[b.subCmd[k]]++;
      }
    }
    this.cur = this.spare;
    this.spare = b;
    this.cur.entries = 0;
    this.cur.subops = 0;
    this.cur.callbacks = 0;
    this.argidx = 0;
    return b;
  }

  private reserve(op: number, argBytes: number): number {
    const b = this.cur;
    if (this.entryFlushReason(argBytes) !== null) throw new ModelError('entry queued into a full batch: flush first');
    this.argidx = this.u64Slots ? this.argidx + ((argBytes + 7) >>> 3) : roundup8(this.argidx) + argBytes;
    const i = b.entries++;
    b.op[i] = op;
    b.subStart[i] = b.subops;
    b.subCount[i] = 0;
    return i;
  }
}
