/** Outcome of one hypercall or sub-op: Xen's failures are results, never exceptions. */
export type HvResult =
  | { state: 'ok'; costNs: number }
  | { state: 'error'; errno: number; reason: string; costNs: number };

/** What happens to a guest store into a PTE page (xen-semantics.md section 9). */
export type StoreOutcome = 'direct' | 'emulated' | 'fault';

/** Why a batch was flushed before xen_mc_issue: debugfs flush_reasons. */
export type FlushReason = 'slots' | 'args' | 'callbacks';
