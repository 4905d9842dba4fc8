import { FRAME_RW } from '../mmu/frame-flags.js';
import type { Mm } from '../mmu/mm.js';
import {
  EINVAL,
  MMUEXT_NAMES,
  MMUEXT_PIN_L1_TABLE,
  MMUEXT_PIN_L4_TABLE,
  MMUEXT_UNPIN_TABLE,
  UVMF_TLB_FLUSH,
} from './abi.js';
import type { CostProfile } from './cost-profile.js';
import type { HvResult, StoreOutcome } from './types.js';

/** Counters of what Xen did (perf counters, in spirit). */
export interface HypervisorStats {
  /** Local full TLB flushes (UVMF_TLB_FLUSH). */
  tlbFlushes: number;
  /** Pagetable pages validated (alloc_lN_table), at any level. */
  tablesValidated: number;
  /** Pagetable pages devalidated (free_lN_table). */
  tablesDevalidated: number;
  /** ptwr_emulations. */
  ptwrEmulations: number;
  /** Write-protect faults delivered to the guest. */
  writeProtectFaults: number;
  /** Sub-ops that returned an error. */
  errors: number;
}

/**
 * Xen's view of one mm's frames: type (PGT_lN_page_table), type count, _PGT_pinned; and the hypercalls that
 * change them, with the rules of xen/arch/x86/mm.c (xen-semantics.md section 5). The guest's kernel mapping of
 * each frame (RW or RO) is `mm.flags & FRAME_RW`: while it is RW the frame holds a PGT_writable_page reference.
 */
export class Hypervisor {
  /** Type level of each frame: 0 = none/writable, 1..4 = PGT_l1..l4_page_table. */
  readonly typeLevel: Uint8Array;
  /** Type references held on each frame (pins and references from validated higher tables). */
  readonly typeCount: Uint32Array;
  /** _PGT_pinned. */
  readonly pinned: Uint8Array;
  readonly stats: HypervisorStats = {
    tlbFlushes: 0,
    tablesValidated: 0,
    tablesDevalidated: 0,
    ptwrEmulations: 0,
    writeProtectFaults: 0,
    errors: 0,
  };
  private readonly entryCheckNs: number;
  private cost = 0;
  private failure = '';
  /** Successful results are one reused object (no allocation on the hot path): read it before the next call. */
  private readonly ok: { state: 'ok'; costNs: number } = { state: 'ok', costNs: 0 };

  constructor(
    readonly mm: Mm,
    readonly costs: CostProfile,
  ) {
    this.typeLevel = new Uint8Array(mm.frameCount);
    this.typeCount = new Uint32Array(mm.frameCount);
    this.pinned = new Uint8Array(mm.frameCount);
    this.entryCheckNs = mm.mode.entriesPerTable * costs.validateEntryNs;
  }

  /** Whether `frame` is validated as an L1 (pinned, or referenced by a validated L2): ptwr can emulate stores. */
  isValidatedL1(frame: number): boolean {
    return this.typeLevel[frame] === 1 && this.typeCount[frame] > 0;
  }

  /**
   * update_va_mapping of the frame's kernel linear mapping to RO (rw false) or RW. A writable mapping of a frame
   * with a pagetable type is refused ("Bad type"): an L1 may never map a pagetable frame RW.
   */
  updateVaMapping(frame: number, rw: boolean, flags: number): HvResult {
    let cost = this.costs.remapNs;
    if (rw && this.typeCount[frame] > 0) {
      return this.fail(
        `update_va_mapping: Bad type: frame ${frame} is an L${this.typeLevel[frame]} pagetable (type count ${this.typeCount[frame]}), cannot map it writable`,
        cost,
      );
    }
    if (rw) this.mm.flags[frame] |= FRAME_RW;
    else this.mm.flags[frame] &= ~FRAME_RW;
    if (flags & UVMF_TLB_FLUSH) {
      cost += this.costs.tlbFlushNs;
      this.stats.tlbFlushes++;
    }
    return this.okResult(cost);
  }

  /** One mmuext_op sub-op: PIN_L1..L4_TABLE or UNPIN_TABLE of `frame`. */
  mmuextOp(cmd: number, frame: number): HvResult {
    this.cost = this.costs.mmuextOpNs;
    if (frame < 0 || frame >= this.mm.frameCount) return this.fail(`mmuext_op: frame ${frame} is not a frame of this domain`, this.cost);
    if (cmd >= MMUEXT_PIN_L1_TABLE && cmd <= MMUEXT_PIN_L4_TABLE) {
      const level = cmd - MMUEXT_PIN_L1_TABLE + 1;
      // Xen takes the type first (get_page_type_preemptible), then test_and_set_bit(_PGT_pinned).
      if (!this.getPageType(frame, level)) return this.fail(`${MMUEXT_NAMES[cmd]}: ${this.failure}`, this.cost);
      if (this.pinned[frame]) {
        this.putPageType(frame);
        return this.fail(`${MMUEXT_NAMES[cmd]}: frame ${frame} already pinned`, this.cost);
      }
      this.pinned[frame] = 1;
      return this.okResult(this.cost);
    }
    if (cmd === MMUEXT_UNPIN_TABLE) {
      if (!this.pinned[frame]) return this.fail(`UNPIN_TABLE: frame ${frame} not pinned`, this.cost);
      this.pinned[frame] = 0;
      this.putPageType(frame);
      return this.okResult(this.cost);
    }
    return this.fail(`mmuext_op: command ${cmd} is not modelled`, this.cost);
  }

  /**
   * mmu_update of one entry of a PTE page: validated and written whatever the page's state (Xen handles an
   * L1-typed page with mod_l1_entry and an untyped one as a writable page), so it never faults.
   */
  mmuUpdate(frame: number, index: number, value: number): HvResult {
    if (this.mm.xenLevel[frame] !== 1) return this.fail(`mmu_update: frame ${frame} is not a PTE page`, this.costs.mmuUpdateNs);
    this.mm.writePte(frame, index, value);
    return this.okResult(this.costs.mmuUpdateNs);
  }

  /**
   * A plain guest store into PTE `index` of PTE page `frame`, decided by the page's state at this instant:
   * RW mapping -> direct; RO and validated L1 -> emulated (ptwr); RO and not validated -> write-protect fault.
   */
  guestStore(frame: number, index: number, value: number): StoreOutcome {
    if (this.mm.flags[frame] & FRAME_RW) {
      this.mm.writePte(frame, index, value);
      return 'direct';
    }
    if (this.isValidatedL1(frame)) {
      this.stats.ptwrEmulations++;
      this.mm.writePte(frame, index, value);
      return 'emulated';
    }
    this.stats.writeProtectFaults++;
    return 'fault';
  }

  /** Virtual cost of a store outcome, ns. */
  storeCostNs(outcome: StoreOutcome): number {
    return outcome === 'direct' ? this.costs.pteStoreNs : outcome === 'emulated' ? this.costs.ptwrEmulateNs : this.costs.faultDeliveryNs;
  }

  /**
   * _get_page_type(frame, PGT_l{level}): refuse while a writable mapping holds the frame or it has another
   * type; validate on the 0 -> 1 transition (every entry checked; an untyped child validated recursively,
   * a typed one only referenced); otherwise take one more type reference. On failure nothing is kept.
   */
  private getPageType(frame: number, level: number): boolean {
    if (this.mm.flags[frame] & FRAME_RW) {
      this.failure = `Bad type (saw writable != exp L${level}): frame ${frame} is still mapped writable`;
      return false;
    }
    if (this.mm.xenLevel[frame] !== level || (this.typeCount[frame] > 0 && this.typeLevel[frame] !== level)) {
      this.failure = `Bad type (saw L${this.typeCount[frame] > 0 ? this.typeLevel[frame] : this.mm.xenLevel[frame]} != exp L${level}): frame ${frame}`;
      return false;
    }
    if (this.typeCount[frame] > 0) {
      this.typeCount[frame]++;
      this.cost += this.costs.typeRefNs;
      return true;
    }
    this.cost += this.entryCheckNs;
    if (level > 1) {
      const start = this.mm.childStart[frame];
      const end = start + this.mm.childCount[frame];
      for (let i = start; i < end; i++) {
        if (!this.getPageType(this.mm.children[i], level - 1)) {
          for (let j = start; j < i; j++) this.putPageType(this.mm.children[j]);
          return false;
        }
      }
    }
    this.typeLevel[frame] = level;
    this.typeCount[frame] = 1;
    this.stats.tablesValidated++;
    return true;
  }

  /** put_page_type: drop one type reference; at zero devalidate, dropping the references of every entry. */
  private putPageType(frame: number): void {
    if (--this.typeCount[frame] > 0) {
      this.cost += this.costs.typeRefNs;
      return;
    }
    const level = this.typeLevel[frame];
    this.cost += this.entryCheckNs;
    this.typeLevel[frame] = 0;
    this.stats.tablesDevalidated++;
    if (level > 1) {
      const start = this.mm.childStart[frame];
      const end = start + this.mm.childCount[frame];
      for (let i = start; i < end; i++) this.putPageType(this.mm.children[i]);
    }
  }

  private okResult(costNs: number): HvResult {
    this.ok.costNs = costNs;
    return this.ok;
  }

  private fail(reason: string, costNs: number): HvResult {
    this.stats.errors++;
    return { state: 'error', errno: EINVAL, reason, costNs };
  }
}
