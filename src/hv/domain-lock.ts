import { LogLinearHistogram } from '../metrics/log-linear-histogram.js';

/**
 * Xen 3.1's per-domain big lock (LOCK_BIGLOCK(d), a plain spinlock): each page-table sub-op of the pinner and
 * each trapped store of a writer (ptwr emulation, or the failed ptwr check before a fault) holds it for its
 * duration, so they exclude each other (xen/arch/x86/mm.c at 3.1.0: do_mmuext_op, do_update_va_mapping,
 * do_mmu_update, ptwr_do_page_fault). A holder takes it at an instant and keeps it for a known time, so the lock
 * is the instant it is free again. A vCPU that finds it busy spins; spinning vCPUs win the lock in the short
 * gap while the pinner dispatches its next multicall entry.
 */
export class DomainLock {
  /** Virtual time at which the current holder releases it, ns. */
  freeAtNs = 0;
  /** vCPUs spinning for it now (they retry at `freeAtNs`). */
  spinning = 0;
  acquisitions = 0;
  /** Acquisitions that found it held (or raced a spinner) and waited. */
  contentions = 0;
  readonly hold = new LogLinearHistogram();
  readonly wait = new LogLinearHistogram();

  /** Take it at `atNs` for `holdNs`; `waitedNs` is how long the taker spun before (0 if it did not). */
  take(atNs: number, holdNs: number, waitedNs: number): void {
    this.freeAtNs = atNs + holdNs;
    this.acquisitions++;
    this.hold.record(holdNs);
    if (waitedNs > 0) {
      this.contentions++;
      this.wait.record(waitedNs);
    }
  }
}
