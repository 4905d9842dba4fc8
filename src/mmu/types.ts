/** Paging modes of the guest: i386 2-level, i386 PAE (3-level), x86-64 4-level. */
export type PagingMode = '2level' | 'pae' | '4level';

/** A user VMA: start address and length in bytes. */
export interface VmaSpec {
  start: number;
  length: number;
}

/** Linux's `enum pt_level` (arch/x86/xen/mmu_pv.c): what the walk tells the per-page callback. */
export const PT_PGD = 0;
export const PT_PUD = 1;
export const PT_PMD = 2;
export const PT_PTE = 3;
export type PtLevel = typeof PT_PGD | typeof PT_PUD | typeof PT_PMD | typeof PT_PTE;

/** How the PTE pages of an mm are laid out. */
export type MmLayout = { kind: 'dense'; ptePages: number } | { kind: 'vmas'; vmas: VmaSpec[] };

/** Constants of one paging mode (xen-semantics.md section 9). */
export interface PagingModeSpec {
  name: PagingMode;
  /** Entries in every pagetable page (1024 on 2level, else 512). */
  entriesPerTable: number;
  /** Xen type level of the pgd: PIN_L2 (2level), PIN_L3 (pae), PIN_L4 (4level). */
  topLevel: 2 | 3 | 4;
  /** Whether the mm has a separate user pgd that is pinned too (x86-64 PV). */
  userPgd: boolean;
  /** pgd slots below the user limit: 768 (2level), 3 (pae), 256 (4level). */
  userPgdSlots: number;
  /** Bytes mapped by one PTE page: 4 MiB (2level) or 2 MiB. */
  ptePageSpanBytes: number;
  /** User address limit in bytes (3 GiB on i386, 128 TiB on x86-64). */
  userLimitBytes: number;
  /** Most PTE pages a user pin can visit. */
  maxPtePages: number;
}
