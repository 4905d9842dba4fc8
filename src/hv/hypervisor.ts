import { FRAME_RW } from '../mmu/frame-flags.js';
import { ModelError } from '../shared/errors.js';
import { TypedArena } from '../shared/typed-arena.js';
import type { Mm } from '../mmu/mm.js';
import type { VirtualClock } from '../mmu/spin-lock.js';
import {
  __HYPERVISOR_mmu_update,
  __HYPERVISOR_mmuext_op,
  __HYPERVISOR_update_va_mapping,
  EINVAL,
  MMUEXT_NAMES,
  MMUEXT_PIN_L1_TABLE,
  MMUEXT_PIN_L4_TABLE,
  MMUEXT_UNPIN_TABLE,
  UVMF_TLB_FLUSH,
} from './abi.js';
import type { CostProfile } from './cost-profile.js';
import type { McBuffer } from './multicall-batcher.js';
import {
  type HvResult,
  STORE_DIRECT,
  STORE_EMULATED,
  STORE_FAULT,
  STORE_OUTCOME_NAMES,
  STORE_STALE,
  type StoreOutcome,
} from './types.js';
import { XEN_GUEST_SLOTS, XEN_VERSIONS, type XenVersionSpec } from './xen-version.js';

/** Counters of what Xen did (perf counters, in spirit). */
export interface HypervisorStats {
  /** Local full TLB flushes the guest asked for (UVMF_TLB_FLUSH on update_va_mapping). */
  guestFlushes: number;
  /** Flushes Xen performed on a page type change (perf counter need_flush_tlb_flush): one per flush_tlb_mask. */
  typeChangeFlushes: number;
  /** Remote vCPUs those flushes reached with an IPI (the issuing vCPU's own flush is local). */
  flushIpis: number;
  /** Pagetable pages validated (alloc_lN_table), at any level. */
  tablesValidated: number;
  /** Pagetable pages devalidated (free_lN_table). */
  tablesDevalidated: number;
  /** ptwr_emulations. */
  ptwrEmulations: number;
  /** Write-protect faults delivered to the guest. */
  writeProtectFaults: number;
  /** Guest stores that went through a writable TLB entry older than the page's RO remap (no trap at all). */
  staleTlbWrites: number;
  /** Sub-ops that returned an error. */
  errors: number;
}

/** Options of a Hypervisor beyond the mm and the costs. */
export interface HypervisorOptions {
  /** vCPUs of the domain (its dirty cpumask: every vCPU runs). Default 1. */
  vcpus?: number;
  /** The virtual clock, for when a validation completes. Default: a clock at +Infinity (every op already done). */
  clock?: VirtualClock;
}

/** Type field value of a frame whose last type was PGT_writable_page (its kernel mapping was RW). */
const TYPE_WRITABLE = 7;
/** Type field of a frame whose type was lost (failed validation: type_info = 0). */
const TYPE_NONE = 0;
/** takeType's outcomes: refused, one more reference taken, or a 0 -> 1 transition the caller validates. */
const TYPE_REFUSED = 0;
const TYPE_TAKEN = 1;
const TYPE_VALIDATE = 2;

const DONE_CLOCK: VirtualClock = { now: Number.POSITIVE_INFINITY };

/**
 * Xen's view of one domain's mm: type (PGT_lN_page_table or writable), type count, _PGT_pinned, the TLB-flush
 * clock; and the hypercalls that change them, with the rules of xen/arch/x86/mm.c (docs/model.md, "Xen").
 *
 * The guest's kernel mapping of each frame (RW or RO) is `mm.flags & FRAME_RW`: while it is RW the frame holds
 * its one PGT_writable_page reference. Type changes follow get_page_type: a frame whose type count is 0 and whose
 * last type differs is first flushed from every vCPU whose TLB may hold a translation older than the frame's
 * `tlbflush_timestamp` (tlbflush_filter + flush_tlb_mask), then validated. put_page_type stamps the frame when
 * its count reaches 0. Callers set `current` (the vCPU in the hypercall) and `opStartNs` (when the sub-op starts).
 */
export class Hypervisor {
  // Indices. Every per-frame array here (and the mm's) has frameCount entries, every per-vCPU array `vcpus`, and
  // `current` is a vCPU. Each entry point checks its frame once (a range test, or a read whose `undefined` it
  // handles); the private rules below then read per-frame arrays with `as number`, which only drops the
  // `undefined` of an out-of-range read that cannot happen (no check per read on the hot path).
  /** Type level of each frame while typed: 1..4 = PGT_l1..l4_page_table; 0 when the type count is 0. */
  readonly typeLevel: Uint8Array;
  /** Type references held on each frame (pins and references from validated higher tables). */
  readonly typeCount: Uint32Array;
  /** _PGT_pinned. */
  readonly pinned: Uint8Array;
  /** Virtual time at which each frame's last validation completes (alloc_lN_table runs entry by entry). */
  readonly validatedAtNs: Float64Array;
  /** Slots Xen validates in each frame (guest slots only: Xen's own slots of a shared top-level page are skipped). */
  readonly slots: Uint16Array;
  /** tlbflush_timestamp of each frame: the TLB clock when its last type reference went. */
  readonly tlbflushTimestamp: Float64Array;
  /** tlbflush_time of each vCPU: the TLB clock at its last full flush. */
  readonly cpuFlushTime: Float64Array;
  /** Time each vCPU lost to flush IPIs from others, not yet charged to it (the guest CPU takes it as debt). */
  readonly stolenNs: Float64Array;
  // The counters of `stats`, kept in fields: one is bumped per validation, devalidation and type-change flush.
  private guestFlushes = 0;
  private typeChangeFlushes = 0;
  private flushIpis = 0;
  private tablesValidated = 0;
  private tablesDevalidated = 0;
  private ptwrEmulations = 0;
  private writeProtectFaults = 0;
  private staleTlbWrites = 0;
  private errors = 0;
  readonly xen: XenVersionSpec;
  readonly vcpus: number;
  /** The vCPU issuing the current hypercall or store (Xen's `current`). */
  current = 0;
  /** Virtual time at which the next sub-op starts, ns (set by the caller; validation completion is relative to it). */
  opStartNs = 0;
  /** When the multicall entry being executed started, ns. */
  private entryStartNs = 0;
  /** Outcome of the last executeEntry: sub-ops that failed, and the first failure's reason (or null). */
  entryErrors = 0;
  entryFirstError: string | null = null;
  /** Why the last updateVaMappingCost / mmuextOpCost was refused, or null when it succeeded. */
  directError: string | null = null;
  /** Type field of each frame (kept when the count drops to 0, as Xen keeps PGT_type_mask). */
  private readonly lastType: Uint8Array;
  /** Validation cost of each frame: slots x validateEntryNs + kernel-half references x typeRefNs. */
  private readonly checkNs: Float64Array;
  /** Per vCPU, per frame: (cpuFlushTime + 1) when its TLB took a writable translation of the frame; lazily made. */
  private readonly tlbRw: (Float64Array | null)[];
  /** tlbflush_clock: ticks once per CPU flush. */
  private tlbClock = 1;
  private readonly clock: VirtualClock;
  // The mm's arrays and the costs the hot paths read, held here to spare a load per access.
  private readonly flags: Uint8Array;
  private readonly xenLevel: Uint8Array;
  private readonly childStart: Int32Array;
  private readonly childCount: Int32Array;
  private readonly children: Int32Array;
  private readonly remapNs: number;
  private readonly mcEntryDispatchNs: number;
  private readonly mmuextOpNs: number;
  private readonly typeRefNs: number;
  private readonly tlbFlushNs: number;
  private readonly flushIpiNs: number;
  private cost = 0;
  private failure = '';
  /** Successful results are one reused object (no allocation on the hot path): read it before the next call. */
  private readonly ok: { state: 'ok'; costNs: number } = { state: 'ok', costNs: 0 };

  constructor(
    readonly mm: Mm,
    readonly costs: CostProfile,
    options: HypervisorOptions = {},
  ) {
    const n = mm.frameCount;
    this.xen = XEN_VERSIONS[costs.xen] ?? XEN_VERSIONS.current;
    this.vcpus = options.vcpus ?? 1;
    this.clock = options.clock ?? DONE_CLOCK;
    // Every per-frame and per-vCPU array from one allocation (shared/typed-arena.ts).
    const arena = new TypedArena({ f64: 3 * n + 2 * this.vcpus, i32: n, i16: n, i8: 3 * n });
    this.typeLevel = arena.u8(n);
    this.typeCount = arena.u32(n);
    this.pinned = arena.u8(n);
    this.validatedAtNs = arena.f64(n);
    this.tlbflushTimestamp = arena.f64(n);
    this.lastType = arena.u8(n).fill(TYPE_WRITABLE);
    this.cpuFlushTime = arena.f64(this.vcpus);
    this.stolenNs = arena.f64(this.vcpus);
    this.tlbRw = new Array<Float64Array | null>(this.vcpus).fill(null);
    this.slots = arena.u16(n).fill(mm.mode.entriesPerTable);
    const top =
      mm.mode.name === '2level' ? XEN_GUEST_SLOTS.pgd2level : mm.mode.name === 'pae' ? this.xen.paeL3Slots : XEN_GUEST_SLOTS.l4;
    this.slots[mm.pgd] = top;
    if (mm.userPgd >= 0) this.slots[mm.userPgd] = top;
    if (mm.kernelPmd >= 0) this.slots[mm.kernelPmd] = XEN_GUEST_SLOTS.paeXenL2;
    const checkNs = arena.f64(n);
    const slots = this.slots;
    const externalRefs = mm.externalRefs;
    // f < n, the length of both.
    for (let f = 0; f < n; f++)
      checkNs[f] = (slots[f] as number) * costs.validateEntryNs + (externalRefs[f] as number) * costs.typeRefNs;
    this.checkNs = checkNs;
    this.flags = mm.flags;
    this.xenLevel = mm.xenLevel;
    this.childStart = mm.childStart;
    this.childCount = mm.childCount;
    this.children = mm.children;
    this.remapNs = costs.remapNs;
    this.mcEntryDispatchNs = costs.mcEntryDispatchNs;
    this.mmuextOpNs = costs.mmuextOpNs;
    this.typeRefNs = costs.typeRefNs;
    this.tlbFlushNs = costs.tlbFlushNs;
    this.flushIpiNs = costs.flushIpiNs;
  }

  /** Whether `frame` is a validated L1 (pinned, or referenced by a validated L2, and its validation done): ptwr emulates stores. */
  isValidatedL1(frame: number): boolean {
    // typeLevel[frame] === 1 only for a frame of this mm, whose other per-frame entries exist.
    return (
      this.typeLevel[frame] === 1 &&
      (this.typeCount[frame] as number) > 0 &&
      this.clock.now >= (this.validatedAtNs[frame] as number)
    );
  }

  /**
   * Append to `out` every part of Xen's state that decides what it does next (schedule exploration hashes it): per
   * frame its type level and count, the pin, the last type, whether its validation is done by now, its flush stamp;
   * per vCPU its last flush, the flush time owed to it, and the frames its TLB holds writable since that flush; the TLB
   * clock. Statistics and costs are not state.
   */
  writeState(out: number[]): void {
    const n = this.typeLevel.length;
    const now = this.clock.now;
    // f < n, the length of every per-frame array; c < vcpus, the length of every per-vCPU one: in range.
    for (let f = 0; f < n; f++) {
      const count = this.typeCount[f] as number;
      const done = count > 0 && now >= (this.validatedAtNs[f] as number) ? 1 : 0;
      out.push(this.typeLevel[f] as number, count, this.pinned[f] as number, this.lastType[f] as number, done);
      out.push(this.tlbflushTimestamp[f] as number);
    }
    for (let c = 0; c < this.vcpus; c++) {
      const flushTime = this.cpuFlushTime[c] as number;
      out.push(flushTime, this.stolenNs[c] as number);
      const tlb = this.tlbRw[c];
      if (tlb != null) for (let f = 0; f < n; f++) if (tlb[f] === flushTime + 1) out.push(f);
      out.push(-1);
    }
    out.push(this.tlbClock);
  }

  /** What Xen did so far: a fresh, frozen snapshot (the counters are fields; a write to the snapshot throws). */
  get stats(): Readonly<HypervisorStats> {
    return Object.freeze({
      guestFlushes: this.guestFlushes,
      typeChangeFlushes: this.typeChangeFlushes,
      flushIpis: this.flushIpis,
      tablesValidated: this.tablesValidated,
      tablesDevalidated: this.tablesDevalidated,
      ptwrEmulations: this.ptwrEmulations,
      writeProtectFaults: this.writeProtectFaults,
      staleTlbWrites: this.staleTlbWrites,
      errors: this.errors,
    });
  }

  /** The TLB clock (tlbflush_clock). */
  get tlbflushClock(): number {
    return this.tlbClock;
  }

  /**
   * update_va_mapping of the frame's kernel linear mapping to RO (rw false) or RW. The RO remap drops the
   * frame's writable type reference (its count reaches 0: stamped). The RW remap takes one, which is a type change
   * if the frame was last a pagetable (flush check), and is refused while it has a pagetable type ("Bad type"):
   * an L1 may never map a pagetable frame RW. UVMF_TLB_FLUSH: a local flush of the issuing vCPU, after the update.
   */
  updateVaMapping(frame: number, rw: boolean, flags: number): HvResult {
    return this.remap(frame, rw, flags) ? this.okResult(this.cost) : this.fail(this.failure, this.cost);
  }

  /** One mmuext_op sub-op: PIN_L1..L4_TABLE or UNPIN_TABLE of `frame`. */
  mmuextOp(cmd: number, frame: number): HvResult {
    return this.mmuext(cmd, frame) ? this.okResult(this.cost) : this.fail(this.failure, this.cost);
  }

  /**
   * updateVaMapping as a vCPU's direct hypercall calls it: returns the cost, ns, without a result object; a refusal is
   * counted in `stats.errors` as `updateVaMapping` counts it, and its reason left in `directError` (null on success).
   */
  updateVaMappingCost(frame: number, rw: boolean, flags: number): number {
    this.directError = this.remap(frame, rw, flags) ? null : this.directFailed();
    return this.cost;
  }

  /** mmuextOp as a vCPU's direct hypercall calls it: the cost, ns; a refusal's reason in `directError`. */
  mmuextOpCost(cmd: number, frame: number): number {
    this.directError = this.mmuext(cmd, frame) ? null : this.directFailed();
    return this.cost;
  }

  private directFailed(): string {
    this.errors++;
    return this.failure;
  }

  /**
   * mmu_update of one entry of a PTE page: validated and written whatever the page's state (Xen handles an
   * L1-typed page with mod_l1_entry and an untyped one as a writable page), so it never faults.
   */
  mmuUpdate(frame: number, index: number, value: number): HvResult {
    return this.updateEntry(frame, index, value) ? this.okResult(this.cost) : this.fail(this.failure, this.cost);
  }

  /**
   * Execute entry `i` of a multicall batch (do_multicall's loop body): dispatch (`dispatch` false for a singleton
   * issued as a direct hypercall), then each sub-op in order, the first starting at `startNs` + dispatch. Returns
   * the entry's cost, ns; failures are counted in `entryErrors` (Linux WARNs on them, 2.6.24 BUGs); nothing is
   * rolled back.
   */
  executeEntry(b: McBuffer, i: number, startNs: number, dispatch: boolean): number {
    this.entryStartNs = startNs;
    return this.runEntry(b, i, dispatch);
  }

  /**
   * executeEntry starting now, at the hypervisor's clock (the engine it was given): the vCPU's batch loop calls this
   * one. The start time is kept in a field, not passed: past 2^31 ns of virtual time it is a double, which a call
   * that is not inlined boxes (a heap allocation per entry).
   */
  executeEntryNow(b: McBuffer, i: number, dispatch: boolean): number {
    this.entryStartNs = this.clock.now;
    return this.runEntry(b, i, dispatch);
  }

  /** do_multicall's loop body for entry `i`, starting at `entryStartNs`. */
  private runEntry(b: McBuffer, i: number, dispatch: boolean): number {
    const cost = dispatch ? this.mcEntryDispatchNs : 0;
    if (this.entryErrors !== 0) this.clearEntryErrors();
    // The caller runs entries i < b.entries <= the batch's slots, the length of its entry arrays: the `as number`
    // reads are in range.
    const op = b.op[i];
    if (op === __HYPERVISOR_update_va_mapping) {
      // (update_va_mapping validates nothing: opStartNs, which only validations read, is not needed.)
      const arg = b.arg[i] as number;
      if (!this.remap(b.frame[i] as number, (arg & 1) === 1, arg >> 1)) this.entryFailed();
      return cost + this.cost;
    }
    if (op === __HYPERVISOR_mmuext_op) return this.runMmuextOps(b, i, cost);
    if (op === __HYPERVISOR_mmu_update) return this.runMmuUpdates(b, i, cost);
    return cost;
  }

  /**
   * The sub-ops of mmuext_op entry `i`, in order, the first `dispatchNs` into the entry (each starts where the one
   * before ended: opStartNs). Returns the entry's cost.
   */
  private runMmuextOps(b: McBuffer, i: number, dispatchNs: number): number {
    const startNs = this.entryStartNs;
    let cost = dispatchNs;
    // An entry's sub-ops lie below b.subops <= the length of the batch's sub-op arrays: in range.
    const start = b.subStart[i] as number;
    const end = start + (b.subCount[i] as number);
    this.opStartNs = startNs + cost;
    for (let k = start; k < end; k++) {
      const ok = this.mmuext(b.subCmd[k] as number, b.subFrame[k] as number);
      cost += this.cost;
      this.opStartNs = startNs + cost;
      if (!ok) this.entryFailed();
    }
    return cost;
  }

  /** runMmuextOps for the entries of mmu_update entry `i`. */
  private runMmuUpdates(b: McBuffer, i: number, dispatchNs: number): number {
    const startNs = this.entryStartNs;
    let cost = dispatchNs;
    const start = b.subStart[i] as number;
    const end = start + (b.subCount[i] as number);
    this.opStartNs = startNs + cost;
    for (let k = start; k < end; k++) {
      const ok = this.updateEntry(b.subFrame[k] as number, b.subIndex[k] as number, b.subValue[k] as number);
      cost += this.cost;
      this.opStartNs = startNs + cost;
      if (!ok) this.entryFailed();
    }
    return cost;
  }

  private clearEntryErrors(): void {
    this.entryErrors = 0;
    this.entryFirstError = null;
  }

  private entryFailed(): void {
    this.errors++;
    this.entryErrors++;
    this.entryFirstError ??= this.failure;
  }

  /** update_va_mapping's rules; the cost is left in `cost`, a refusal's reason in `failure`. */
  private remap(frame: number, rw: boolean, flags: number): boolean {
    this.cost = this.remapNs;
    const frameFlags = this.flags;
    const flagsNow = frameFlags[frame];
    if (flagsNow === undefined) return this.notAFrame('update_va_mapping', frame);
    if (rw) {
      if ((this.typeCount[frame] as number) > 0) return this.refuseWritable(frame);
      if ((flagsNow & FRAME_RW) === 0) {
        if (this.lastType[frame] !== TYPE_WRITABLE) this.writableTypeChange(frame);
        frameFlags[frame] = flagsNow | FRAME_RW;
      }
    } else if (flagsNow & FRAME_RW) {
      frameFlags[frame] = flagsNow & ~FRAME_RW;
      this.tlbflushTimestamp[frame] = this.tlbClock;
    }
    if (flags & UVMF_TLB_FLUSH) this.guestFlush();
    return true;
  }

  /** The RW remap of a frame whose last type was a pagetable: a type change to PGT_writable_page. */
  private writableTypeChange(frame: number): void {
    this.typeChangeFlush(frame);
    this.lastType[frame] = TYPE_WRITABLE;
  }

  /** UVMF_TLB_FLUSH: a local flush of the issuing vCPU, after the update. */
  private guestFlush(): void {
    this.cost += this.tlbFlushNs;
    this.guestFlushes++;
    this.cpuFlushTime[this.current] = ++this.tlbClock;
  }

  /** mmuext_op's rules for one sub-op; the cost is left in `cost`, a refusal's reason in `failure`. */
  private mmuext(cmd: number, frame: number): boolean {
    this.cost = this.mmuextOpNs;
    if (frame < 0 || frame >= this.flags.length) return this.notAFrame('mmuext_op', frame);
    // The frame is checked above: reads of per-frame arrays are in range from here on.
    if (cmd >= MMUEXT_PIN_L1_TABLE && cmd <= MMUEXT_PIN_L4_TABLE) {
      // Xen takes the type first (get_page_type_preemptible), then test_and_set_bit(_PGT_pinned).
      if (!this.getPageType(frame, cmd - MMUEXT_PIN_L1_TABLE + 1)) return this.refusePin(cmd);
      if (this.pinned[frame]) return this.alreadyPinned(cmd, frame);
      this.pinned[frame] = 1;
      return true;
    }
    if (cmd === MMUEXT_UNPIN_TABLE) {
      if (!this.pinned[frame]) return this.refuseUnpin(frame);
      this.pinned[frame] = 0;
      this.putPageType(frame);
      return true;
    }
    return this.refuseCommand(cmd);
  }

  /** mmu_update's rules for one entry; the cost is left in `cost`, a refusal's reason in `failure`. */
  private updateEntry(frame: number, index: number, value: number): boolean {
    this.cost = this.costs.mmuUpdateNs;
    if (this.xenLevel[frame] !== 1) return this.refuse('mmu_update: frame ', `${frame} is not a PTE page`);
    this.mm.writePte(frame, index, value);
    return true;
  }

  /**
   * Whether a store by `current` into PTE page `frame` traps into Xen: the mapping is RO and the vCPU's TLB holds
   * no writable translation of it from before the RO remap.
   */
  storeTraps(frame: number): boolean {
    const flags = this.flags[frame];
    if (flags === undefined) throw new ModelError(`store into frame ${frame}, which is not a frame of this mm`);
    return (flags & FRAME_RW) === 0 && !this.staleWritable(frame);
  }

  /**
   * A plain guest store by `current` into PTE `index` of PTE page `frame`, decided by the page's state and the
   * vCPU's TLB at this instant: RW mapping -> direct (the TLB now holds a writable translation); RO but a stale
   * writable TLB entry -> stale (the store lands, no trap); RO and a validated L1 -> emulated (ptwr); RO and not
   * (yet) validated -> a write-protect fault delivered to the guest.
   */
  guestStore(frame: number, index: number, value: number): StoreOutcome {
    return STORE_OUTCOME_NAMES[this.store(frame, index, value)] as StoreOutcome; // store returns 0..3
  }

  /** guestStore's outcome as a number (STORE_DIRECT, STORE_STALE, STORE_EMULATED, STORE_FAULT), for the vCPUs. */
  store(frame: number, index: number, value: number): number {
    const v = this.current;
    const flags = this.flags[frame];
    if (flags === undefined) throw new ModelError(`store into frame ${frame}, which is not a frame of this mm`);
    if (flags & FRAME_RW) {
      this.mm.writePte(frame, index, value);
      let tlb = this.tlbRw[v];
      if (tlb === undefined) throw new ModelError(`store by vCPU ${v} of a ${this.vcpus}-vCPU domain`);
      if (tlb === null) {
        tlb = new Float64Array(this.mm.frameCount);
        this.tlbRw[v] = tlb;
      }
      tlb[frame] = (this.cpuFlushTime[v] as number) + 1; // v indexes tlbRw, so cpuFlushTime (both `vcpus` long)
      return STORE_DIRECT;
    }
    if (this.staleWritable(frame)) {
      this.staleTlbWrites++;
      this.mm.writePte(frame, index, value);
      return STORE_STALE;
    }
    if (this.isValidatedL1(frame)) {
      this.ptwrEmulations++;
      this.mm.writePte(frame, index, value);
      return STORE_EMULATED;
    }
    this.writeProtectFaults++;
    return STORE_FAULT;
  }

  /** Virtual cost of a store outcome, ns. */
  storeCostNs(outcome: StoreOutcome): number {
    return this.storeCost(STORE_OUTCOME_NAMES.indexOf(outcome));
  }

  /** Virtual cost of a store outcome given as a number (Hypervisor.store), ns. */
  storeCost(outcome: number): number {
    return outcome <= STORE_STALE
      ? this.costs.pteStoreNs
      : outcome === STORE_EMULATED
        ? this.costs.ptwrEmulateNs
        : this.costs.faultDeliveryNs;
  }

  /** Whether `current`'s TLB holds a writable translation of `frame` taken since its last flush. */
  private staleWritable(frame: number): boolean {
    const tlb = this.tlbRw[this.current];
    return tlb != null && tlb[frame] === (this.cpuFlushTime[this.current] as number) + 1;
  }

  /**
   * get_page_type's type change: flush every vCPU of the domain whose last flush is not newer than the frame's
   * stamp (tlbflush_filter(mask, page->tlbflush_timestamp); NEED_FLUSH is cpu_stamp <= lastuse_stamp). The
   * issuing vCPU flushes locally; each other vCPU costs the issuer an IPI and loses a flush of its own.
   */
  private typeChangeFlush(frame: number): void {
    const stamp = this.tlbflushTimestamp[frame] as number;
    const flushTime = this.cpuFlushTime;
    let any = false;
    // c < vcpus, the length of both per-vCPU arrays.
    for (let c = 0; c < this.vcpus; c++) {
      if ((flushTime[c] as number) > stamp) continue;
      any = true;
      if (c === this.current) this.cost += this.tlbFlushNs;
      else this.flushIpi(c);
      flushTime[c] = ++this.tlbClock;
    }
    if (any) this.typeChangeFlushes++;
  }

  /** typeChangeFlush of another vCPU `c`: the issuer pays an IPI, `c` loses a flush of its own. */
  private flushIpi(c: number): void {
    this.cost += this.flushIpiNs;
    this.flushIpis++;
    this.stolenNs[c] = (this.stolenNs[c] as number) + this.tlbFlushNs; // c < vcpus, the array's length
  }

  /**
   * _get_page_type(frame, PGT_l{level}): refuse while a writable mapping holds the frame or it has another
   * type; on the 0 -> 1 transition flush stale TLBs if the type changes, then validate (every guest slot checked,
   * an untyped child validated recursively, a typed one and a kernel-half entry only referenced); otherwise take
   * one more type reference. On failure nothing is kept.
   */
  private getPageType(frame: number, level: number): boolean {
    const taken = this.takeType(frame, level);
    if (taken !== TYPE_VALIDATE) return taken === TYPE_TAKEN;
    if (level > 1 && !this.validateChildren(frame, level)) return false;
    this.validated(frame, level);
    return true;
  }

  /**
   * getPageType of an L1 (a PTE page has no children to validate), apart so that the compiler inlines it into the
   * loop over an L2's children: validating an L4 runs it for every PTE page below it, in one sub-op.
   */
  private getL1Type(frame: number): boolean {
    const taken = this.takeType(frame, 1);
    if (taken !== TYPE_VALIDATE) return taken === TYPE_TAKEN;
    this.validated(frame, 1);
    return true;
  }

  /**
   * _get_page_type's checks, in Xen's order: TYPE_REFUSED (`failure` says why), TYPE_TAKEN (one more reference on a
   * typed frame), or TYPE_VALIDATE (the 0 -> 1 transition: stale TLBs flushed if the type changes; the caller
   * validates the frame).
   */
  private takeType(frame: number, level: number): number {
    if ((this.flags[frame] as number) & FRAME_RW) return this.refuseStillWritable(frame, level);
    const count = this.typeCount[frame] as number;
    if (count > 0) return this.takeTypeRef(frame, level, count);
    if (this.xenLevel[frame] !== level) return this.refuseWrongType(frame, level, 0);
    if (this.lastType[frame] !== level) this.pagetableTypeChange(frame, level);
    return TYPE_VALIDATE;
  }

  /** takeType of a typed frame (count > 0): one more reference if it has the type asked for. */
  private takeTypeRef(frame: number, level: number, count: number): number {
    if (this.xenLevel[frame] !== level || this.typeLevel[frame] !== level) return this.refuseWrongType(frame, level, count);
    this.typeCount[frame] = count + 1;
    this.cost += this.typeRefNs;
    return TYPE_TAKEN;
  }

  /** A frame last of another type becomes an L{level}: stale TLBs flushed first. */
  private pagetableTypeChange(frame: number, level: number): void {
    this.typeChangeFlush(frame);
    this.lastType[frame] = level;
  }

  /**
   * alloc_lN_table's loop over the entries of `frame` (level > 1): get_page_type of each child, in order; at the first
   * refusal the references taken are dropped again and the frame's type is lost (type_info = 0). Children of an L2
   * are L1s: getL1Type, which the compiler inlines here.
   */
  private validateChildren(frame: number, level: number): boolean {
    // A frame's children are children[start, start + count), inside the CSR array; each child is a frame.
    const start = this.childStart[frame] as number;
    const end = start + (this.childCount[frame] as number);
    const children = this.children;
    for (let i = start; i < end; i++) {
      const child = children[i] as number;
      if (level === 2 ? this.getL1Type(child) : this.getPageType(child, level - 1)) continue;
      for (let j = start; j < i; j++) this.putPageType(children[j] as number);
      this.lastType[frame] = TYPE_NONE;
      return false;
    }
    return true;
  }

  /** The end of a validation: its cost, the type, one reference, when it completes. */
  private validated(frame: number, level: number): void {
    this.cost += this.checkNs[frame] as number;
    this.typeLevel[frame] = level;
    this.typeCount[frame] = 1;
    this.validatedAtNs[frame] = this.opStartNs + this.cost;
    this.tablesValidated++;
  }

  /**
   * put_page_type: drop one type reference; at zero devalidate (free_lN_table drops the reference of every entry,
   * cascading down) and stamp the frame with the TLB clock.
   */
  private putPageType(frame: number): void {
    if (!this.dropType(frame)) return;
    const level = this.typeLevel[frame] as number;
    this.typeLevel[frame] = 0;
    if (level > 1) {
      const start = this.childStart[frame] as number;
      const end = start + (this.childCount[frame] as number);
      const children = this.children;
      // The children of a validated L2 are L1s (it validated them as such): putL1Type, inlined here.
      for (let i = start; i < end; i++) {
        const child = children[i] as number;
        if (level === 2) this.putL1Type(child);
        else this.putPageType(child);
      }
    }
    this.tlbflushTimestamp[frame] = this.tlbClock;
  }

  /** putPageType of an L1 (no children to drop), apart so that the compiler inlines it into an L2's loop. */
  private putL1Type(frame: number): void {
    if (!this.dropType(frame)) return;
    this.typeLevel[frame] = 0;
    this.tlbflushTimestamp[frame] = this.tlbClock;
  }

  /** Drop one type reference of `frame`; true when it was the last (the frame is devalidated: its cost, counted). */
  private dropType(frame: number): boolean {
    const typeCount = this.typeCount;
    const count = ((typeCount[frame] as number) - 1) >>> 0; // Uint32 arithmetic, as the typed array stores it
    typeCount[frame] = count;
    if (count > 0) {
      this.cost += this.typeRefNs;
      return false;
    }
    this.cost += this.checkNs[frame] as number;
    this.tablesDevalidated++;
    return true;
  }

  // Refusals: each sets `failure` and returns false. They are kept out of the rules above, whose common path stays
  // small enough for the compiler to inline into the batch loop.

  private refuse(prefix: string, reason: string): false {
    this.failure = prefix + reason;
    return false;
  }

  private notAFrame(call: string, frame: number): false {
    return this.refuse(`${call}: frame ${frame}`, ' is not a frame of this domain');
  }

  private refusePin(cmd: number): false {
    return this.refuse(`${MMUEXT_NAMES[cmd]}: `, this.failure);
  }

  private refuseUnpin(frame: number): false {
    return this.refuse('UNPIN_TABLE: frame ', `${frame} not pinned`);
  }

  private refuseCommand(cmd: number): false {
    return this.refuse('mmuext_op: command ', `${cmd} is not modelled`);
  }

  private refuseWritable(frame: number): false {
    const count = this.typeCount[frame] as number;
    return this.refuse(
      'update_va_mapping: Bad type: ',
      `frame ${frame} is an L${this.typeLevel[frame]} pagetable (type count ${count}), cannot map it writable`,
    );
  }

  private alreadyPinned(cmd: number, frame: number): false {
    this.putPageType(frame);
    return this.refuse(`${MMUEXT_NAMES[cmd]}: `, `frame ${frame} already pinned`);
  }

  /** takeType's refusal of a frame still mapped writable: TYPE_REFUSED. */
  private refuseStillWritable(frame: number, level: number): number {
    this.refuse(`Bad type (saw writable != exp L${level}): `, `frame ${frame} is still mapped writable`);
    return TYPE_REFUSED;
  }

  /** takeType's refusal of a frame of another type: TYPE_REFUSED. */
  private refuseWrongType(frame: number, level: number, count: number): number {
    const saw = count > 0 ? this.typeLevel[frame] : this.xenLevel[frame];
    this.refuse(`Bad type (saw L${saw} != exp L${level}): `, `frame ${frame}`);
    return TYPE_REFUSED;
  }

  private okResult(costNs: number): HvResult {
    this.ok.costNs = costNs;
    return this.ok;
  }

  private fail(reason: string, costNs: number): HvResult {
    this.errors++;
    return { state: 'error', errno: EINVAL, reason, costNs };
  }
}
