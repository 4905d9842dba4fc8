import { ModelError } from '../shared/errors.js';
import { __HYPERVISOR_mmu_update, __HYPERVISOR_mmuext_op, __HYPERVISOR_update_va_mapping, MMUEXT_NAMES } from './abi.js';
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

/**
 * One batch's entries, sub-ops and callbacks, struct-of-arrays, pooled by its batcher. `entries`, `subops` and
 * `callbacks` are set when the batch is taken.
 */
export class McBuffer {
  /** Hypercall number of each entry. */
  readonly op: Uint8Array;
  /** update_va_mapping: frame remapped; mmuext_op / mmu_update: unused. */
  readonly frame: Int32Array;
  /** update_va_mapping: bit 0 = RW, the rest = UVMF flags << 1. */
  readonly arg: Int32Array;
  /** mmuext_op / mmu_update: first sub-op and sub-op count of each entry (unused for update_va_mapping). */
  readonly subStart: Int32Array;
  readonly subCount: Int32Array;
  /** mmuext_op command of each sub-op (unused for mmu_update). */
  readonly subCmd: Uint8Array;
  /** Frame of each sub-op (the pinned table, or the PTE page of an mmu_update). */
  readonly subFrame: Int32Array;
  /** mmu_update: PTE index and new value (unused for mmuext_op). */
  readonly subIndex: Int32Array;
  readonly subValue: Float64Array;
  readonly cbKind: Uint8Array;
  readonly cbData: Int32Array;
  /** The function of each CB_FUNCTION callback (slots of other callbacks are not read). */
  readonly cbFn: (McCallbackFn | null)[];
  entries = 0;
  subops = 0;
  callbacks = 0;

  constructor(slots: number, argBytes: number) {
    // Every sub-op takes at least 12 argument bytes (an i386 mmuext_op).
    const subCap = Math.ceil(argBytes / 12) + slots;
    // One allocation for the whole buffer: 8-byte values first, then 4-byte, then 1-byte ones.
    const bytes = 8 * subCap + 4 * (5 * slots + 2 * subCap) + (2 * slots + subCap);
    const memory = new ArrayBuffer(bytes);
    let at = 0;
    const carve = (bytesEach: number, n: number) => {
      const start = at;
      at += bytesEach * n;
      return start;
    };
    const f64 = (n: number) => new Float64Array(memory, carve(8, n), n);
    const i32 = (n: number) => new Int32Array(memory, carve(4, n), n);
    const u8 = (n: number) => new Uint8Array(memory, carve(1, n), n);
    this.subValue = f64(subCap);
    this.frame = i32(slots);
    this.arg = i32(slots);
    this.subStart = i32(slots);
    this.subCount = i32(slots);
    this.cbData = i32(slots);
    this.subFrame = i32(subCap);
    this.subIndex = i32(subCap);
    this.op = u8(slots);
    this.cbKind = u8(slots);
    this.subCmd = u8(subCap);
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
 * `take` returns (entries, then callbacks in FIFO order) and hands the buffer back with `recycle`; several taken
 * batches may wait for execution at once (a vCPU that queues ahead of its flushes).
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
  /** Executed buffers, ready for reuse. */
  private readonly free: McBuffer[] = [];
  /** mcidx, the sub-ops and cbidx of the batch being queued. */
  private n = 0;
  private nsub = 0;
  private ncb = 0;
  /** argidx, in the era's unit (bytes or u64 slots). */
  private argidx = 0;
  private readonly counters = {
    batches: 0,
    multicalls: 0,
    singletons: 0,
    entries: 0,
    argBytes: 0,
    slots: 0,
    args: 0,
    callbacks: 0,
    uvm: 0,
    mmuUpdate: 0,
  };
  private readonly batchHisto: Float64Array;
  private readonly hypercallHisto = new Float64Array(64);
  private readonly mmuextHisto = new Float64Array(32);
  /**
   * Counts of the batch being queued, kept as it fills and added to the totals when it is taken (so the statistics
   * are those of flushed batches, without a pass over the batch): entries by hypercall, sub-ops by mmuext command.
   */
  private pendingUvm = 0;
  private pendingMmuextEntries = 0;
  private pendingMmuUpdateEntries = 0;
  private pendingMmuUpdate = 0;
  /** Entries of any other hypercall number, by number. */
  private readonly pendingOtherOps: number[] = [];
  private readonly pendingCmds = new Float64Array(32);
  private readonly pendingCmdList = new Uint8Array(32);
  private pendingCmdCount = 0;

  constructor(options: BatcherOptions = {}) {
    this.mcBatch = options.mcBatch ?? MC_BATCH_SLOTS;
    this.mcArgs = options.mcArgs ?? this.mcBatch * MC_ARGS_BYTES_PER_SLOT;
    this.u64Slots = options.argAccounting === 'u64-slots';
    this.argCapacity = this.u64Slots ? Math.floor(this.mcArgs / 8) : this.mcArgs;
    this.coalesce = options.coalesce ?? true;
    this.singletonBypass = options.singletonBypass ?? true;
    this.cur = new McBuffer(this.mcBatch, this.mcArgs);
    this.batchHisto = new Float64Array(this.mcBatch + 1);
  }

  /** The statistics so far (a fresh snapshot). */
  get stats(): McStats {
    const c = this.counters;
    const hypercallHistogram: Record<number, number> = {};
    this.hypercallHisto.forEach((n, op) => {
      if (n > 0) hypercallHistogram[op] = n;
    });
    const mmuext: Record<string, number> = {};
    this.mmuextHisto.forEach((n, cmd) => {
      if (n > 0) mmuext[MMUEXT_NAMES[cmd] ?? String(cmd)] = n;
    });
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
    return this.n;
  }
  /** Callbacks queued (cbidx). */
  get queuedCallbacks(): number {
    return this.ncb;
  }
  /** Argument bytes used (argidx; 2.6.24: u64 slots x 8). */
  get queuedArgBytes(): number {
    return this.u64Slots ? this.argidx * 8 : this.argidx;
  }

  /** Whether a new entry of `argBytes` argument bytes fits now: entryFlushReason(argBytes) is null. */
  fits(argBytes: number): boolean {
    if (this.n === this.mcBatch) return false;
    return this.u64Slots
      ? this.argidx + ((argBytes + 7) >>> 3) <= this.argCapacity
      : ((this.argidx + 7) & ~7) + argBytes < this.mcArgs;
  }

  /** __xen_mc_entry(args)'s flush test: 'slots' when every slot is used, 'args' when the arguments would not fit. */
  entryFlushReason(argBytes: number): FlushReason | null {
    if (this.n === this.mcBatch) return 'slots';
    if (this.u64Slots) {
      const argspace = (argBytes + 7) >>> 3;
      if (argspace > this.argCapacity) throw new ModelError(`__xen_mc_entry: BUG_ON(argspace > MC_ARGS): ${argBytes} bytes`);
      if (this.argidx + argspace > this.argCapacity) return 'args';
    } else if (roundup8(this.argidx) + argBytes >= this.mcArgs) return 'args';
    return null;
  }

  /** xen_mc_callback's flush test. */
  callbackNeedsFlush(): boolean {
    return this.ncb === this.mcBatch;
  }

  /** Queue an update_va_mapping entry (0 argument bytes). Call only when entryFlushReason(0) is null. */
  queueUpdateVaMapping(frame: number, rw: boolean, flags: number): void {
    const i = this.reserve(0);
    const b = this.cur;
    b.op[i] = __HYPERVISOR_update_va_mapping;
    b.frame[i] = frame;
    b.arg[i] = (rw ? 1 : 0) | (flags << 1);
    this.pendingUvm++;
  }

  /**
   * __xen_mc_entry(0) + MULTI_update_va_mapping in one call (the vCPU's hot path): queue the entry and return true,
   * or return false, queueing nothing, when the batch must be flushed first (entryFlushReason(0) says why).
   */
  tryQueueUpdateVaMapping(frame: number, rw: boolean, flags: number): boolean {
    const i = this.n;
    if (i === this.mcBatch) return false;
    if (this.u64Slots) {
      if (this.argidx > this.argCapacity) return false;
    } else {
      const argidx = (this.argidx + 7) & ~7;
      if (argidx >= this.mcArgs) return false;
      this.argidx = argidx;
    }
    this.n = i + 1;
    const b = this.cur;
    b.op[i] = __HYPERVISOR_update_va_mapping;
    b.frame[i] = frame;
    b.arg[i] = (rw === true ? 1 : 0) | (flags << 1);
    this.pendingUvm++;
    return true;
  }

  /**
   * xen_extend_mmuext_op in one call (the vCPU's hot path): coalesce the sub-op into the previous mmuext_op entry,
   * or queue a new entry of `argBytes`, and return true; or return false, queueing nothing, when the batch must be
   * flushed first (entryFlushReason(argBytes) says why).
   */
  tryQueueMmuextOp(cmd: number, frame: number, argBytes: number): boolean {
    const b = this.cur;
    const last = this.n - 1;
    if (this.coalesce && last >= 0 && b.op[last] === __HYPERVISOR_mmuext_op && this.argidx + argBytes < this.mcArgs) {
      this.argidx += argBytes;
      // 0 <= last < n <= mcBatch, the length of the entry arrays.
      b.subCount[last] = (b.subCount[last] as number) + 1;
    } else if (!this.newMmuextEntry(argBytes)) return false;
    const s = this.nsub++;
    b.subCmd[s] = cmd;
    b.subFrame[s] = frame;
    this.countPendingCmd(cmd);
    return true;
  }

  /**
   * A new mmuext_op entry of `argBytes` for the sub-op being queued (fits, then reserve, in one), or false when it
   * does not fit: the batch must be flushed first.
   */
  private newMmuextEntry(argBytes: number): boolean {
    const i = this.n;
    if (i === this.mcBatch) return false;
    let argidx: number;
    if (this.u64Slots) {
      argidx = this.argidx + ((argBytes + 7) >>> 3);
      if (argidx > this.argCapacity) return false;
    } else {
      argidx = ((this.argidx + 7) & ~7) + argBytes;
      if (argidx >= this.mcArgs) return false;
    }
    this.argidx = argidx;
    this.n = i + 1;
    const b = this.cur;
    // i < mcBatch, the length of the entry arrays.
    b.op[i] = __HYPERVISOR_mmuext_op;
    b.subStart[i] = this.nsub;
    b.subCount[i] = 1;
    this.pendingMmuextEntries++;
    return true;
  }

  /**
   * Count an mmuext_op sub-op of command `cmd` in the batch being queued. The first of its command in the batch and
   * a command outside the counted ones are rare: apart, so that this stays small enough to inline into the queueing.
   */
  private countPendingCmd(cmd: number): void {
    const before = this.pendingCmds[cmd];
    if (before === undefined) this.uncountedCmd(cmd);
    else if (before === 0) this.firstPendingCmd(cmd);
    else this.pendingCmds[cmd] = before + 1;
  }

  /** The first sub-op of command `cmd` (a counted one) in the batch: counted, and listed for countTaken. */
  private firstPendingCmd(cmd: number): void {
    this.pendingCmds[cmd] = 1;
    this.pendingCmdList[this.pendingCmdCount++] = cmd;
  }

  private uncountedCmd(cmd: number): never {
    throw new ModelError(`mmuext_op command ${cmd} is outside the ${this.pendingCmds.length} counted`);
  }

  /** xen_mc_callback in one call: queue it and return true, or return false when the callbacks are full. */
  tryQueueCallback(kind: number, data: number, fn: McCallbackFn | null): boolean {
    const k = this.ncb;
    if (k === this.mcBatch) return false;
    const b = this.cur;
    b.cbKind[k] = kind;
    b.cbData[k] = data;
    if (kind !== CB_UNLOCK) b.cbFn[k] = fn;
    this.ncb = k + 1;
    return true;
  }

  /**
   * xen_extend_mmuext_op / xen_extend_mmu_update, first half: coalesce into the previous entry when it is the same
   * hypercall and the arguments fit (xen_mc_extend_args). Returns false when a new entry is needed.
   */
  tryExtend(op: number, argBytes: number): boolean {
    const last = this.n - 1;
    if (!this.coalesce || last < 0) return false;
    const b = this.cur;
    if (b.op[last] !== op || this.argidx + argBytes >= this.mcArgs) return false;
    this.argidx += argBytes;
    // 0 <= last < n <= mcBatch, the length of the entry arrays.
    b.subCount[last] = (b.subCount[last] as number) + 1;
    this.nsub++;
    if (op === __HYPERVISOR_mmu_update) this.pendingMmuUpdate++;
    return true;
  }

  /** A new mmuext_op or mmu_update entry with one sub-op. Call only when entryFlushReason(argBytes) is null. */
  queueNewSubopEntry(op: number, argBytes: number): void {
    const i = this.reserve(argBytes);
    const b = this.cur;
    b.op[i] = op;
    b.subStart[i] = this.nsub;
    b.subCount[i] = 1;
    this.nsub++;
    if (op === __HYPERVISOR_mmuext_op) this.pendingMmuextEntries++;
    else if (op === __HYPERVISOR_mmu_update) {
      this.pendingMmuUpdateEntries++;
      this.pendingMmuUpdate++;
    } else this.pendingOtherOps.push(op);
  }

  /** Fill the sub-op just added by tryExtend or queueNewSubopEntry (an mmuext_op's is counted by its command). */
  setLastSubop(cmd: number, frame: number, index = 0, value = 0): void {
    const b = this.cur;
    const s = this.nsub - 1;
    b.subCmd[s] = cmd;
    b.subFrame[s] = frame;
    if (b.op[this.n - 1] === __HYPERVISOR_mmuext_op) this.countPendingCmd(cmd);
    else {
      b.subIndex[s] = index;
      b.subValue[s] = value;
    }
  }

  /** xen_mc_callback, after callbackNeedsFlush() is false. */
  queueCallback(kind: number, data: number, fn: McCallbackFn | null = null): void {
    const k = this.ncb;
    if (k === this.mcBatch) throw new ModelError('callback queued into a full callback array');
    const b = this.cur;
    b.cbKind[k] = kind;
    b.cbData[k] = data;
    if (kind !== CB_UNLOCK) b.cbFn[k] = fn;
    this.ncb = k + 1;
  }

  /** Whether the batch now queued would be flushed as a direct hypercall (one entry, singleton bypass). */
  get flushIsSingleton(): boolean {
    return this.singletonBypass && this.n === 1;
  }

  /**
   * xen_mc_flush's bookkeeping: count the batch (reason null for the final xen_mc_issue or an explicit flush),
   * reset mcidx/argidx/cbidx, and hand over the batch to execute. It stays valid until it is given to `recycle`.
   */
  take(reason: FlushReason | null): McBuffer {
    const b = this.cur;
    const n = this.n;
    b.entries = n;
    b.subops = this.nsub;
    b.callbacks = this.ncb;
    const c = this.counters;
    c.batches++;
    c.entries += n;
    c.argBytes += this.queuedArgBytes;
    this.batchHisto[n] = (this.batchHisto[n] as number) + 1; // n <= mcBatch; the histogram has mcBatch + 1 slots
    if (n === 1 && this.singletonBypass) c.singletons++;
    else if (n > 0) c.multicalls++;
    if (reason !== null) c[reason]++;
    if (n > 0) this.countTaken();
    const next = this.free.pop() ?? new McBuffer(this.mcBatch, this.mcArgs);
    this.cur = next;
    this.n = 0;
    this.nsub = 0;
    this.ncb = 0;
    this.argidx = 0;
    return b;
  }

  /** Give back a buffer returned by `take`, once its entries and callbacks have run. */
  recycle(b: McBuffer): void {
    this.free.push(b);
  }

  /** Add the counts of the batch being taken to the totals. */
  private countTaken(): void {
    const c = this.counters;
    const h = this.hypercallHisto;
    c.uvm += this.pendingUvm;
    c.mmuUpdate += this.pendingMmuUpdate;
    // The hypercall numbers are constants below the histogram's 64 slots.
    h[__HYPERVISOR_update_va_mapping] = (h[__HYPERVISOR_update_va_mapping] as number) + this.pendingUvm;
    h[__HYPERVISOR_mmuext_op] = (h[__HYPERVISOR_mmuext_op] as number) + this.pendingMmuextEntries;
    h[__HYPERVISOR_mmu_update] = (h[__HYPERVISOR_mmu_update] as number) + this.pendingMmuUpdateEntries;
    this.pendingUvm = 0;
    this.pendingMmuextEntries = 0;
    this.pendingMmuUpdateEntries = 0;
    this.pendingMmuUpdate = 0;
    const other = this.pendingOtherOps;
    if (other.length > 0) {
      for (const op of other) {
        const count = h[op];
        if (count === undefined) throw new ModelError(`hypercall ${op} is outside the ${h.length} counted`);
        h[op] = count + 1;
      }
      other.length = 0;
    }
    // i < pendingCmdCount <= the list's 32 slots (one per distinct command), and countPendingCmd listed only
    // commands that index pendingCmds, which mmuextHisto has the length of: every read here is in range.
    const cmds = this.pendingCmdList;
    for (let i = 0; i < this.pendingCmdCount; i++) {
      const cmd = cmds[i] as number;
      this.mmuextHisto[cmd] = (this.mmuextHisto[cmd] as number) + (this.pendingCmds[cmd] as number);
      this.pendingCmds[cmd] = 0;
    }
    this.pendingCmdCount = 0;
  }

  /** A new entry; the caller has checked entryFlushReason (only the slot count is checked again here). */
  private reserve(argBytes: number): number {
    const i = this.n;
    if (i === this.mcBatch) throw new ModelError('entry queued into a full batch: flush first');
    this.argidx = this.u64Slots ? this.argidx + ((argBytes + 7) >>> 3) : ((this.argidx + 7) & ~7) + argBytes;
    this.n = i + 1;
    return i;
  }
}
