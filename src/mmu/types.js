/** Linux's `enum pt_level` (arch/x86/xen/mmu.c in 2.6.24, mmu_pv.c today): what the walk tells the per-page callback. */
export const PT_PGD = 0;
export const PT_PUD = 1;
export const PT_PMD = 2;
export const PT_PTE = 3;
