import type { DistSummary } from '../metrics/types.js';
import type { KernelVersion, PagingMode, VmaSpec } from '../mmu/types.js';

export type { KernelVersion, PagingMode, VmaSpec };

/** Parameters of the fork-exit scenario, fully resolved (every field present). */
export interface ForkExitParams {
  scenario: 'fork-exit';
  /** Registered strategy name. */
  strategy: string;
  mode: PagingMode;
  /**
   * The guest kernel whose Xen code runs: `2.6.24` (the seed as it shipped; 2level, pae) or `current` (today's;
   * pae, 4level). Resolved from the mode when not given (2.6.24 for 2level and pae, current for 4level).
   */
  kernel: KernelVersion;
  /** Dense layout: number of PTE pages. Ignored when `vmas` is given. */
  ptePages: number;
  /** Sparse layout, instead of a dense one. */
  vmas?: VmaSpec[];
  /** vCPU 0 pins; vCPUs 1..vcpus-1 are racing PTE writers. */
  vcpus: number;
  /** Pin + unpin cycles of vCPU 0. */
  iterations: number;
  /** Virtual time the mm stays pinned between pin and unpin, ns. */
  dwellNs: number;
  /** Mean of the writers' exponential think time, ns. */
  writerThinkNs: number;
  seed: number;
  /** Cost profile name. */
  profile: string;
  /** MC_BATCH: multicall entry slots. */
  mcBatch: number;
  /** MC_ARGS: argument bytes per batch (16 x mcBatch unless given). */
  mcArgs: number;
  /** PREEMPT_BITS of the preempt counter. */
  preemptBits: number;
}

/** lockstat-style statistics of one lock class, over the whole run. */
export interface LockClassStats {
  acquisitions: number;
  /** Acquisitions that found the lock held and had to spin. */
  contentions: number;
  /** Most locks of this class held at once by one vCPU. */
  maxHeld: number;
  holdNs: DistSummary;
  /** Wait of contended acquisitions only (lockstat's waittime). */
  waitNs: DistSummary;
}

/** A write-protect fault, as recorded for the first few. */
export interface FaultDetail {
  vcpu: number;
  frame: number;
  /** Virtual time of the store, ns. */
  atNs: number;
  /** What the pinner (vCPU 0) was doing: e.g. "pin #3", "unpin #0", "dwell". */
  pinner: string;
}

/** Metrics of one run. All are `exact` (functions of the parameters and seed). */
export interface RunMetrics {
  hypercalls: {
    /** Hypercall instructions: one per multicall, one per singleton flush, one per direct call. */
    traps: number;
    /** Multicalls issued (flushes of two entries or more; of one entry too under 2.6.24). */
    multicalls: number;
    /**
     * Flushes of exactly one entry that today's xen_mc_flush issues as a direct hypercall (the singleton bypass of
     * arch/x86/xen/multicalls.c): traps, not multicalls. Always 0 under 2.6.24.
     */
    singletons: number;
    /** Entries queued in the batcher (Linux debugfs `hypercalls`), singletons included; direct calls are not entries. */
    entries: number;
    /** Argument bytes (debugfs `arg_total`; 2.6.24 counts u64 slots, reported x 8). */
    argBytes: number;
    /** xen_mc_flush calls, empty ones included (debugfs `batches`). */
    batches: number;
    /** Sub-operations, coalesced ones counted one by one; mmuext_op by command. */
    subops: {
      update_va_mapping: number;
      mmu_update: number;
      mmuext_op: Record<string, number>;
    };
    /** Index k = number of flushes of k entries (0..MC_BATCH); k = 1 counts singletons too. */
    batchHistogram: number[];
    /** Intermediate flushes by reason; the final xen_mc_issue flush is not counted. */
    flushReasons: { slots: number; args: number; callbacks: number };
  };
  locks: { ptl: LockClassStats; page_table_lock: LockClassStats };
  /** What Xen did beyond the sub-ops (xen/arch/x86/mm.c). */
  xen: {
    /**
     * TLB flushes Xen performed because a page changed type (get_page_type: tlbflush_filter, flush_tlb_mask;
     * perf counter need_flush_tlb_flush), one per flush_tlb_mask call. Guest UVMF_TLB_FLUSH flushes are not counted.
     */
    tlbFlushes: number;
    /** Remote vCPUs those flushes reached with an IPI (the issuing vCPU's own flush is local), count. */
    flushIpis: number;
    /** Local full flushes the guest requested with UVMF_TLB_FLUSH (the pgd and user-pgd remaps), count. */
    guestFlushes: number;
    /**
     * Xen 3.1's domain big lock (LOCK_BIGLOCK), lockstat columns, virtual ns: held by every page-table sub-op
     * and every trapped PTE store. All zero under a profile whose Xen has no big lock (`modern`).
     */
    bigLock: LockClassStats;
  };
  preempt: {
    maxDepth: number;
    overflows: number;
    /**
     * add_preempt_count calls that left the PREEMPT field at PREEMPT_MASK - 10 or more (245 with 8 bits), where
     * CONFIG_DEBUG_PREEMPT's "Spinlock count overflowing soon?" DEBUG_LOCKS_WARN_ON fires (kernel/sched.c in
     * 2.6.24, kernel/sched/core.c today), count. The kernel prints only the first, and only while debug_locks is on.
     */
    debugWarnings: number;
  };
  lockdep: {
    /** Deepest held-lock stack of any vCPU while lockdep was on. */
    maxDepth: number;
    /** "BUG: MAX_LOCK_DEPTH too low!": the held-lock depth reached MAX_LOCK_DEPTH (30 in 2.6.24, 48 today), count. */
    overflows: number;
    /** "possible recursive locking detected": a plain spin_lock of a class already held (2.6.24's lock_pte), count. */
    recursionWarnings: number;
    /** A spin_lock_nest_lock merge overflowed held_lock.references (11 bits today: the 2048th lock), count. */
    referenceOverflows: number;
    /** 1 when debug_locks was turned off during the run (by any of the warnings above or the preempt one), else 0. */
    disabled: number;
  };
  writes: {
    direct: number;
    emulated: number;
    /** Stores that went through a writable TLB entry older than the page's RO remap: no trap, no fault, count. */
    staleTlb: number;
  };
  faults: {
    writeProtect: number;
    hypercallErrors: number;
    /** Xen's reason for the first failed hypercall sub-op (vCPU order), null when none failed. */
    firstHypercallError: string | null;
    /** The first few write-protect faults. */
    details: FaultDetail[];
  };
  /** `writes` counts PTE stores: on pae each PTE update of a writer is two 32-bit stores. */
  counts: { pins: number; unpins: number; writes: number; events: number };
  throughput: { pinsPerSec: number; unpinsPerSec: number; writesPerSec: number };
  /** Virtual time at the end of the run, ns. */
  virtualNs: number;
}
