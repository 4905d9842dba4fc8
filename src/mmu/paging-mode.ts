import type { PagingMode, PagingModeSpec } from './types.js';

/** 4 KiB pages everywhere. */
export const PAGE_SIZE = 4096;

const GiB = 2 ** 30;
const MiB = 2 ** 20;

/**
 * Guest memory the kernel-half assumption is built on: a 512 MiB domU, all of it lowmem, mapped by 4 KiB PTE
 * pages (a PV guest gets no PSE mappings). An assumption, see docs/model.md ("Kernel half of the top level").
 */
export const GUEST_LOWMEM_BYTES = 512 * MiB;

/** The three paging modes. pgd slot counts and limits: docs/model.md, "Paging modes". */
export const PAGING_MODES: Readonly<Record<PagingMode, PagingModeSpec>> = {
  // i386 2-level: pud and pmd folded, the pgd holds PTE pages directly; user space is 3 GiB = 768 x 4 MiB.
  // Kernel PDEs: lowmem / 4 MiB, plus the fixmap and pkmap PTE pages.
  '2level': {
    name: '2level',
    entriesPerTable: 1024,
    topLevel: 2,
    userPgd: false,
    userPgdSlots: 768,
    ptePageSpanBytes: 1024 * PAGE_SIZE,
    userLimitBytes: 3 * GiB,
    maxPtePages: 768,
    mmuextOpBytes: 12,
    kernelRefs: GUEST_LOWMEM_BYTES / (4 * MiB) + 2,
    storesPerPteUpdate: 1,
  },
  // i386 PAE: a 4-entry pgd of PMD pages; the user part is pgd slots 0..2 (3 GiB), 512 PTE pages each; slot 3 is
  // the kernel PMD, unshared under Xen. Its present entries: lowmem / 2 MiB, plus fixmap and pkmap.
  pae: {
    name: 'pae',
    entriesPerTable: 512,
    topLevel: 3,
    userPgd: false,
    userPgdSlots: 3,
    ptePageSpanBytes: 512 * PAGE_SIZE,
    userLimitBytes: 3 * GiB,
    maxPtePages: 1536,
    mmuextOpBytes: 12,
    kernelRefs: GUEST_LOWMEM_BYTES / (2 * MiB) + 2,
    storesPerPteUpdate: 2,
  },
  // x86-64 4-level (p4d folded): USER_LIMIT = 0x0000_8000_0000_0000, pgd slots 0..255. Kernel pgd slots in use:
  // direct map, vmalloc, vmemmap, and the kernel image / modules / fixmap slot 511.
  '4level': {
    name: '4level',
    entriesPerTable: 512,
    topLevel: 4,
    userPgd: true,
    userPgdSlots: 256,
    ptePageSpanBytes: 512 * PAGE_SIZE,
    userLimitBytes: 2 ** 47,
    maxPtePages: 256 * 512 * 512,
    mmuextOpBytes: 24,
    kernelRefs: 4,
    storesPerPteUpdate: 1,
  },
};

export const PAGING_MODE_NAMES = Object.keys(PAGING_MODES) as PagingMode[];

/** Most PTE pages per mm, by mode. */
export const MODE_MAX_PTE_PAGES: Readonly<Record<PagingMode, number>> = {
  '2level': PAGING_MODES['2level'].maxPtePages,
  pae: PAGING_MODES.pae.maxPtePages,
  '4level': PAGING_MODES['4level'].maxPtePages,
};
