import type { XenVersion } from './xen-version.js';

/**
 * Virtual-time cost of every modelled operation, in nanoseconds, and the Xen version the host runs.
 * Every number is documented, with its source or as an assumption, in docs/cost-model.md.
 */
export interface CostProfile {
  /** Profile name, as given to --profile. */
  name: string;
  /** One sentence: what machine this stands for. */
  description: string;
  /** The Xen the host runs ('3.1': domain big lock, 32-bit PAE hypervisor; 'current'). */
  xen: XenVersion;
  /** Guest -> Xen -> guest round trip of one hypercall instruction (direct call or multicall). */
  hypercallTrapNs: number;
  /** Xen's per-entry dispatch inside a multicall (do_multicall loop, copy of one entry). */
  mcEntryDispatchNs: number;
  /** update_va_mapping of a kernel linear mapping (RO or RW), without any TLB flush. */
  remapNs: number;
  /** One local full TLB flush (UVMF_TLB_FLUSH, or the local part of a type-change flush), refills included. */
  tlbFlushNs: number;
  /**
   * Each remote vCPU a type-change flush reaches (flush_tlb_mask): the initiator's IPI send and wait for the
   * remote's interrupt, flush and acknowledgement.
   */
  flushIpiNs: number;
  /** Validating one pagetable entry (get_page_from_l1e, or one entry of a higher level). */
  validateEntryNs: number;
  /** Taking one type reference on an already-validated lower table. */
  typeRefNs: number;
  /** Pin or unpin bookkeeping of one mmuext_op sub-op, excluding validation. */
  mmuextOpNs: number;
  /** One mmu_update sub-op (validate and write one entry). */
  mmuUpdateNs: number;
  /** A guest store to a validated L1 trapped and emulated by Xen (ptwr). */
  ptwrEmulateNs: number;
  /** A write-protect #PF delivered to the guest (trap, bounce, guest entry). */
  faultDeliveryNs: number;
  /** Uncontended spin_lock. */
  spinAcquireNs: number;
  /** spin_unlock. */
  spinReleaseNs: number;
  /** Moving a contended lock's cache line to the next owner. */
  cacheLineTransferNs: number;
  /** A plain store to a writable PTE. */
  pteStoreNs: number;
  /** Guest work per pagetable page visited by the walk (pgd_walk loop, TestSetPagePinned). */
  walkStepNs: number;
}
