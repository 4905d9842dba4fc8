import type { CostProfile } from './cost-profile.js';

// Every number below is derived, with its source or labelled as an assumption, in
// docs/cost-model.md (section 4, one subsection per field). Keep the two in step:
// change a number here only together with its derivation there.
// Clock used to turn cycles into ns: 2.33 GHz for xeon-2007, 3.0 GHz for modern.

/** A 2007-era Xen 3.1 host (Core 2 Xeon, Clovertown class, ~2.33 GHz, front-side bus). */
export const XEON_2007: CostProfile = {
  name: 'xeon-2007',
  description:
    'A 2007-era Xen 3.1 host: Core 2 Xeon (Clovertown class, two dual-core dies on a front-side bus) at about 2.33 GHz, 32-bit PAE hypervisor, PV guest.',
  // Xen 3.1.0 (May 2007): domain big lock around page-table hypercalls and ptwr faults.
  xen: '3.1',
  // Measured: 32-on-32 PV lat_syscall 0.327 us (Xen cs 3e1b9525) + ~70 ns Xen entry/exit work.
  hypercallTrapNs: 400,
  // Assumption (do_multicall loop read in xen/common/multicall.c): ~90 cycles.
  mcEntryDispatchNs: 40,
  // Assumption (mod_l1_entry path: ~4-5 locked ops + ~300 instructions): ~470 cycles.
  remapNs: 200,
  // Direct CR3 flush ~100-250 cycles (linux-mm 2015 measurements) + assumed ~900 cycles TLB refill.
  tlbFlushNs: 500,
  // Assumption: xAPIC IPI over the FSB + remote interrupt entry into Xen + CR3 reload + ack line transfer.
  flushIpiNs: 1500,
  // Assumption: present entry ~115 cycles, empty ~5 cycles, half the slots present.
  validateEntryNs: 25,
  // Assumption (get_page + get_page_type fast path on a warm page_info): ~80 cycles.
  typeRefNs: 35,
  // Assumption (do_mmuext_op pin/unpin bookkeeping, 2-3 locked ops): ~350 cycles.
  mmuextOpNs: 150,
  // Assumption: same mod_l1_entry core as remapNs.
  mmuUpdateNs: 200,
  // Assumption: trap (400) + x86_emulate of one store (~1500 cycles) + L1e update (~150).
  ptwrEmulateNs: 1200,
  // Measured trap-into-Xen-and-bounce round trip 0.55 us (Xen cs 3e1b9525) + ~150 ns assumed.
  faultDeliveryNs: 700,
  // Assumption: one locked RMW on a cached line + preempt_count, ~35 cycles.
  spinAcquireNs: 15,
  // Assumption: unlocked store + preempt_count, ~12 cycles.
  spinReleaseNs: 5,
  // Assumption: cross-die handoff goes over the FSB, about one memory access.
  cacheLineTransferNs: 120,
  // Assumption: store to a line the writer just read, ~4 cycles.
  pteStoreNs: 2,
  // Assumption: walk loop + locked TestSetPagePinned + multicall entry fill, ~90 cycles.
  walkStepNs: 40,
};

/** A current x86-64 server (Zen 4 EPYC / Sapphire Rapids Xeon class, ~3 GHz). */
export const MODERN: CostProfile = {
  name: 'modern',
  description:
    'A current x86-64 server (Zen 4 EPYC or Sapphire Rapids Xeon class) at about 3 GHz, current Xen, 64-bit PV guest with speculative-execution mitigations.',
  xen: 'current',
  // Measured proxies on EPYC 9654: CKI 390 ns, PVM 486 ns empty hypercall; midpoint, rounded.
  hypercallTrapNs: 450,
  // Assumption (same loop, faster core): ~60 cycles.
  mcEntryDispatchNs: 20,
  // Assumption: ~360 cycles.
  remapNs: 120,
  // Direct CR3 flush 124 cycles (Haswell Xeon, linux-mm 2015) + assumed ~780 cycles refill.
  tlbFlushNs: 300,
  // Assumption, anchored on secondary figures of 1-3 us per Linux shootdown round trip on current Xeons.
  flushIpiNs: 1000,
  // Assumption: present entry ~55 cycles, empty ~3 cycles, half the slots present.
  validateEntryNs: 10,
  // Assumption: ~60 cycles.
  typeRefNs: 20,
  // Assumption: ~210 cycles.
  mmuextOpNs: 70,
  // Assumption: same mod_l1_entry core as remapNs.
  mmuUpdateNs: 120,
  // Assumption: trap (450) + emulation (~1500 cycles) + L1e update (~50).
  ptwrEmulateNs: 1000,
  // Derived: hypercallTrapNs x 1.68 (bounce/direct ratio of Xen cs 3e1b9525) + ~90 ns.
  faultDeliveryNs: 850,
  // Assumption: ~25 cycles (locked RMW ~17-20 cycles, e.g. LLVM Jaguar model).
  spinAcquireNs: 8,
  // Assumption: ~9 cycles.
  spinReleaseNs: 3,
  // Measured range: 15-19 ns same CCX, 40-42 ns Broadwell-EP, up to 79.5 ns cross-CCD; 60 chosen.
  cacheLineTransferNs: 60,
  // Assumption: ~3 cycles.
  pteStoreNs: 1,
  // Assumption: ~75 cycles.
  walkStepNs: 25,
};

/** Profiles by name. The first is the default. */
export const COST_PROFILES: Readonly<Record<string, CostProfile>> = {
  modern: MODERN,
  'xeon-2007': XEON_2007,
};

export const DEFAULT_PROFILE = 'modern';
