/** Bits of the per-frame flag byte kept by the guest (struct page flags and the kernel mapping). */

/** The frame's kernel linear mapping is writable (set), or read-only (clear). */
export const FRAME_RW = 1;
/** PG_pinned: Linux's record that this pagetable page is pinned (xen_pin_page's TestSetPagePinned). */
export const PG_PINNED = 2;
/** PG_highmem: the frame has no permanent kernel mapping (CONFIG_HIGHPTE on i386). */
export const PG_HIGHMEM = 4;
