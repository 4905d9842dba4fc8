import { __HYPERVISOR_mmu_update, __HYPERVISOR_mmuext_op, __HYPERVISOR_update_va_mapping } from './abi.js';
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
 * Execute entry `i` of a batch in Xen (do_multicall's loop body): dispatch (`dispatch` false for a singleton
 * issued as a direct hypercall), then each sub-op in order, the first starting at `startNs` + dispatch.
 * Linux counts (and WARNs on; 2.6.24 BUGs on) entries with a negative result; nothing is rolled back.
 */
export function executeMulticallEntry(
  hv: Hypervisor,
  costs: CostProfile,
  b: McBuffer,
  i: number,
  out: EntryOutcome,
  startNs: number,
  dispatch = true,
): EntryOutcome {
  let cost = dispatch ? costs.mcEntryDispatchNs : 0;
  let errors = 0;
  let firstError: string | null = null;
  const op = b.op[i];
  hv.opStartNs = startNs + cost;
  if (op === __HYPERVISOR_update_va_mapping) {
    const r = hv.updateVaMapping(b.frame[i], (b.arg[i] & 1) === 1, b.arg[i] >> 1);
    cost += r.costNs;
    if (r.state === 'error') (errors++, (firstError = r.reason));
  } else {
    const end = b.subStart[i] + b.subCount[i];
    for (let k = b.subStart[i]; k < end; k++) {
      const r =
        op === __HYPERVISOR_mmuext_op
          ? hv.mmuextOp(b.subCmd[k], b.subFrame[k])
          : op === __HYPERVISOR_mmu_update
            ? hv.mmuUpdate(b.subFrame[k], b.subIndex[k], b.subValue[k])
            : null;
      if (!r) continue;
      cost += r.costNs;
      hv.opStartNs = startNs + cost;
      if (r.state === 'error') {
        errors++;
        firstError ??= r.reason;
      }
    }
  }
  out.costNs = cost;
  out.errors = errors;
  out.firstError = firstError;
  return out;
}
