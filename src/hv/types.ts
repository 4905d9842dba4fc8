/** Outcome of one hypercall or sub-op: Xen's failures are results, never exceptions. */
export type HvResult = { state: 'ok'; costNs: number } | { state: 'error'; errno: number; reason: string; costNs: number };

/**
 * What happens to a guest store into a PTE page (docs/model.md, "Racing writers"): `direct` through a writable
 * mapping, `stale` through a writable TLB entry that outlived the RO remap (no trap), `emulated` by ptwr, or a
 * write-protect `fault` delivered to the guest.
 */
export type StoreOutcome = 'direct' | 'stale' | 'emulated' | 'fault';

/** The store outcomes as numbers (Hypervisor.store), and their names by number. */
export const STORE_DIRECT = 0;
export const STORE_STALE = 1;
export const STORE_EMULATED = 2;
export const STORE_FAULT = 3;
export const STORE_OUTCOME_NAMES = ['direct', 'stale', 'emulated', 'fault'] as const satisfies readonly StoreOutcome[];

/** Why a batch was flushed before xen_mc_issue: debugfs flush_reasons. */
export type FlushReason = 'slots' | 'args' | 'callbacks';
