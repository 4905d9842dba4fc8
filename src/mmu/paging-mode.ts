import type { PagingMode, PagingModeSpec } from './types.js';

/** 4 KiB pages everywhere. */
export const PAGE_SIZE = 4096;

const GiB = 2 ** 30;

/** The three paging modes. pgd slot counts and limits: xen-semantics.md sections 1.1 and 9. */
export const PAGING_MODES: Readonly<Record<PagingMode, PagingModeSpec>> = {
  // i386 2-level: pud and pmd folded, the pgd holds PTE pages directly; user space is 3 GiB = 768 x 4 MiB.
  '2level': {
    name: '2level',
    entriesPerTable: 1024,
    topLevel: 2,
    userPgd: false,
    userPgdSlots: 768,
    ptePageSpanBytes: 1024 * PAGE_SIZE,
    userLimitBytes: 3 * GiB,
    maxPtePages: 768,
  },
  // i386 PAE: a 4-entry pgd of PMD pages; the user part is pgd slots 0..2 (3 GiB), 512 PTE pages each.
  pae: {
    name: 'pae',
    entriesPerTable: 512,
    topLevel: 3,
    userPgd: false,
    userPgdSlots: 3,
    ptePageSpanBytes: 512 * PAGE_SIZE,
    userLimitBytes: 3 * GiB,
    maxPtePages: 1536,
  },
  // x86-64 4-level (p4d folded): USER_LIMIT = 0x0000_8000_0000_0000, pgd slots 0..255.
  '4level': {
    name: '4level',
    entriesPerTable: 512,
    topLevel: 4,
    userPgd: true,
    userPgdSlots: 256,
    ptePageSpanBytes: 512 * PAGE_SIZE,
    userLimitBytes: 2 ** 47,
    maxPtePages: 256 * 512 * 512,
  },
};

export const PAGING_MODE_NAMES = Object.keys(PAGING_MODES) as PagingMode[];

/** Most PTE pages per mm, by mode. */
export const MODE_MAX_PTE_PAGES: Readonly<Record<PagingMode, number>> = {
  '2level': PAGING_MODES['2level'].maxPtePages,
  pae: PAGING_MODES.pae.maxPtePages,
  '4level': PAGING_MODES['4level'].maxPtePages,
};
