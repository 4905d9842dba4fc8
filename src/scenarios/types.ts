import type { DistSummary } from '../metrics/types.js';
import type { PagingMode, VmaSpec } from '../mmu/types.js';

export type { PagingMode, VmaSpec };

/** Parameters of the fork-exit scenario, fully resolved (every field present). */
export interface ForkExitParams {
  scenario: 'fork-exit';
  /** Registered strategy name. */
  strategy: string;
  mode: PagingMode;
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
  /** MC_ARGS: argument bytes per batch. */
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
    /** Hypercall instructions: one per multicall, one per direct call. */
    traps: number;
    /** Multicalls issued with at least one entry. */
    multicalls: number;
    /** Multicall entries (Linux debugfs `hypercalls`); direct calls are not entries. */
    entries: number;
    /** Argument bytes (debugfs `arg_total`). */
    argBytes: number;
    /** xen_mc_flush calls, empty ones included (debugfs `batches`). */
    batches: number;
    /** Sub-operations, coalesced ones counted one by one; mmuext_op by command. */
    subops: {
      update_va_mapping: number;
      mmu_update: number;
      mmuext_op: Record<string, number>;
    };
    /** Index k = number of multicalls with k entries (0..MC_BATCH). */
    batchHistogram: number[];
    /** Intermediate flushes by reason; the final xen_mc_issue flush is not counted. */
    flushReasons: { slots: number; args: number; callbacks: number };
  };
  locks: { ptl: LockClassStats; page_table_lock: LockClassStats };
  preempt: { maxDepth: number; overflows: number };
  lockdep: { maxDepth: number; overflows: number };
  writes: { direct: number; emulated: number };
  faults: {
    writeProtect: number;
    hypercallErrors: number;
    /** The first few write-protect faults. */
    details: FaultDetail[];
  };
  counts: { pins: number; unpins: number; writes: number; events: number };
  throughput: { pinsPerSec: number; unpinsPerSec: number; writesPerSec: number };
  /** Virtual time at the end of the run, ns. */
  virtualNs: number;
}
