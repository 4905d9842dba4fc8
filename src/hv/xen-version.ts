/** The Xen a cost profile stands for: 3.1 (2007) or today's. */
export type XenVersion = '3.1' | 'current';

/** Rules that differ between the two Xen versions the model follows (docs/model.md, "Xen"). */
export interface XenVersionSpec {
  name: XenVersion;
  /**
   * LOCK_BIGLOCK(d): Xen 3.1's do_mmuext_op, do_mmu_update, do_update_va_mapping and ptwr_do_page_fault all take
   * the domain's big lock (xen/arch/x86/mm.c at 3.1.0), so a pinner's sub-op and a writer's trapped store exclude
   * each other. Changeset 95f9581198 (2008-06-12, "x86: remove use of per-domain lock from page table entry
   * handling", Xen 3.3) replaced it with per-page locks.
   */
  domainBigLock: boolean;
  /**
   * Slots Xen validates in a PAE pgd: the 4 of L3_PAGETABLE_ENTRIES on 3.1's 32-bit PAE hypervisor; today's
   * 64-bit Xen runs a PAE guest in compat mode and checks all 512 after clearing the 508 above the fourth
   * (alloc_l3_table).
   */
  paeL3Slots: number;
}

/** Guest slots of tables that share a page with Xen's own mappings (is_guest_l2_slot / is_guest_l4_slot). */
export const XEN_GUEST_SLOTS = {
  /** 2level pgd: slots below HYPERVISOR_VIRT_START 0xFC000000 (x86_32 non-PAE): 0xFC000000 >> 22 = 1008. */
  pgd2level: 1008,
  /** PAE kernel PMD (PGT_pae_xen_l2): slots below HYPERVISOR_VIRT_START 0xF5800000 in the 4th GiB: 428. */
  paeXenL2: 428,
  /** x86-64 L4: every slot except Xen's 256..271 (ROOT_PAGETABLE_FIRST/LAST_XEN_SLOT): 496. */
  l4: 496,
} as const;

export const XEN_VERSIONS: Readonly<Record<XenVersion, XenVersionSpec>> = {
  '3.1': { name: '3.1', domainBigLock: true, paeL3Slots: 4 },
  current: { name: 'current', domainBigLock: false, paeL3Slots: 512 },
};
