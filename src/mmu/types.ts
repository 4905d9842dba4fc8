/** Paging modes of the guest: i386 2-level, i386 PAE (3-level), x86-64 4-level. */
export type PagingMode = '2level' | 'pae' | '4level';

/** The guest kernel whose Xen code the model follows: the seed's own 2.6.24, or today's mmu_pv.c/multicalls.c. */
export type KernelVersion = '2.6.24' | 'current';

/** A user VMA: start address and length in bytes. */
export interface VmaSpec {
  start: number;
  length: number;
}

/** Linux's `enum pt_level` (arch/x86/xen/mmu.c in 2.6.24, mmu_pv.c today): what the walk tells the per-page callback. */
export const PT_PGD = 0;
export const PT_PUD = 1;
export const PT_PMD = 2;
export const PT_PTE = 3;
export type PtLevel = typeof PT_PGD | typeof PT_PUD | typeof PT_PMD | typeof PT_PTE;

/** How the PTE pages of an mm are laid out. */
export type MmLayout = { kind: 'dense'; ptePages: number } | { kind: 'vmas'; vmas: VmaSpec[] };

/** Constants of one paging mode (docs/model.md, "Paging modes"). */
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
  /** sizeof(struct mmuext_op): 12 bytes on i386, 24 on x86-64 (include/xen/interface/xen.h). */
  mmuextOpBytes: number;
  /**
   * Present entries of the kernel half of the top-level table that point to kernel tables outside the mm
   * (already typed by init_mm's pin): kernel PDEs (2level), the kernel PMD's entries (pae), kernel pgd slots
   * (4level). Validating them takes one type reference each. An assumption (docs/model.md, "Kernel half").
   */
  kernelRefs: number;
  /** A PTE update of a racing writer is this many stores: 2 on PAE (two 32-bit halves), else 1. */
  storesPerPteUpdate: number;
}

/** Kernel-era rules of the guest (docs/model.md, "Kernel eras"). */
export interface KernelEraSpec {
  name: KernelVersion;
  /** One line for docs and errors. */
  description: string;
  /** Paging modes this kernel shipped Xen PV guest support for. */
  modes: readonly PagingMode[];
  /** xen_extend_mmuext_op / xen_extend_mmu_update coalesce a sub-op into the previous entry. */
  coalesce: boolean;
  /**
   * How __xen_mc_entry accounts argument space: 2.6.24 in u64 slots (ceil(bytes/8), flush when
   * argidx + slots > MC_ARGS), today in bytes (argidx rounded up to 8, flush when argidx + bytes >= MC_ARGS).
   */
  argAccounting: 'u64-slots' | 'bytes';
  /** xen_mc_flush issues a batch of exactly one entry as a direct hypercall ("singleton multicall"). */
  singletonBypass: boolean;
  /** xen_pte_lock annotates PTE locks with spin_lock_nest_lock(ptl, &mm->page_table_lock); 2.6.24 lock_pte uses spin_lock. */
  nestLock: boolean;
  /** MAX_LOCK_DEPTH (include/linux/sched.h): 30 in 2.6.24, 48 today. */
  maxLockDepth: number;
  /** Bits of struct held_lock.references, which counts merged nest-lock acquisitions (11 today). */
  lockdepReferencesBits: number;
  /**
   * Where the PAE walk remaps the unshared kernel PMD: 2.6.24's pgd_walk goes up to FIXADDR_TOP and visits it
   * before the pgd; later kernels walk the user slots only and remap it explicitly before PIN_L3.
   */
  paeKernelPmdInWalk: boolean;
}

/** A typed array as a strategy sees it: numbers to read, indexable and iterable, never written. */
export interface ReadonlyNumbers extends Iterable<number> {
  readonly length: number;
  readonly [index: number]: number;
}

/**
 * What a strategy may read of an mm (PinContext.mm): its layout and walk order, nothing that the model changes
 * while it runs. The frame flags (the kernel mapping's RW bit, PG_pinned) are not part of it: PG_pinned changes
 * through testSetPinned / testClearPinned, the mapping only through hypercalls, so a strategy cannot bypass the
 * model. The arrays are the Mm's own (shared, not copied: typed read-only).
 */
export interface MmView {
  readonly mode: PagingModeSpec;
  /** The kernel era whose walk this mm follows. */
  readonly kernel: KernelEraSpec;
  /** Number of frames (pagetable pages) of this mm. */
  readonly frameCount: number;
  /** Frame of the pgd (0). */
  readonly pgd: number;
  /** Frame of the user pgd (4level), or -1. */
  readonly userPgd: number;
  /** Linux walk order (__xen_pgd_walk): frames, pgd last; the user pgd is not part of the walk. */
  readonly walkFrames: ReadonlyNumbers;
  /** PT_PGD / PT_PUD / PT_PMD / PT_PTE of each walked frame. */
  readonly walkLevels: ReadonlyNumbers;
  /** Xen type level of each frame: 1 for PTE pages ... topLevel for the pgd. */
  readonly xenLevel: ReadonlyNumbers;
  /** The PAE kernel PMD (pgd slot 3), or -1 on other modes. */
  readonly kernelPmd: number;
  /** Whether `kernelPmd` is part of `walkFrames` (2.6.24) or remapped explicitly by the top-level pin (current). */
  readonly kernelPmdInWalk: boolean;
  /** PTE pages in walk order, their present-entry counts and running totals. */
  readonly pteFrames: ReadonlyNumbers;
  readonly ptePresent: ReadonlyNumbers;
  readonly pteCumulative: ReadonlyNumbers;
  /** Present PTEs over the whole mm. */
  readonly presentPtes: number;
  /** G, U, N: PUD pages, PMD pages, PTE pages. */
  readonly pudPages: number;
  readonly pmdPages: number;
  readonly ptePages: number;
  /** The i-th PTE page (0-based, walk order) holding the k-th present PTE of the mm (0 <= k < presentPtes). */
  ptePageOfPte(k: number): number;
}
