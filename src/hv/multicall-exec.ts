import type { CostProfile } from './cost-profile.js';
import type { Hypervisor } from './hypervisor.js';
import type { McBuffer } from './multicall-batcher.js';

/** Outcome of one multicall entry: its virtual cost and how many of its sub-ops failed. */
export interface EntryOutcome {
  costNs: number;
  errors: number;
  /** Reason of the first failure, if any. */
  firstError: string | null;
}

/**
 * Execute entry `i` of a batch in Xen (do_multicall's loop body): `Hypervisor.executeEntry`, with its outcome
 * written into `out`. The costs are the hypervisor's own (`costs` is kept for callers of the older signature).
 */
export function executeMulticallEntry(
  hv: Hypervisor,
  _costs: CostProfile,
  b: McBuffer,
  i: number,
  out: EntryOutcome,
  startNs: number,
  dispatch = true,
): EntryOutcome {
  out.costNs = hv.executeEntry(b, i, startNs, dispatch);
  out.errors = hv.entryErrors;
  out.firstError = hv.entryFirstError;
  return out;
}
