import type { CostProfile } from './cost-profile.js';

// PLACEHOLDER numbers: docs/cost-model.md owns the sources; keep the two in step.
/** A 2007-era Xen 3.1 host (Core 2 / early Xeon, ~2.3 GHz). */
export const XEON_2007: CostProfile = {
  name: 'xeon-2007',
  description: 'A 2007-era Xen 3.1 host, Core 2 class CPU at about 2.3 GHz.',
  hypercallTrapNs: 1000,
  mcEntryDispatchNs: 60,
  remapNs: 250,
  tlbFlushNs: 500,
  validateEntryNs: 6,
  typeRefNs: 20,
  mmuextOpNs: 100,
  mmuUpdateNs: 200,
  ptwrEmulateNs: 3000,
  faultDeliveryNs: 4000,
  spinAcquireNs: 20,
  spinReleaseNs: 10,
  cacheLineTransferNs: 100,
  pteStoreNs: 2,
  walkStepNs: 15,
};

/** A current x86-64 server (EPYC / Xeon class, ~3 GHz). */
export const MODERN: CostProfile = {
  name: 'modern',
  description: 'A current x86-64 server, EPYC or Xeon class at about 3 GHz.',
  hypercallTrapNs: 400,
  mcEntryDispatchNs: 25,
  remapNs: 120,
  tlbFlushNs: 250,
  validateEntryNs: 2,
  typeRefNs: 8,
  mmuextOpNs: 50,
  mmuUpdateNs: 90,
  ptwrEmulateNs: 1200,
  faultDeliveryNs: 1500,
  spinAcquireNs: 10,
  spinReleaseNs: 5,
  cacheLineTransferNs: 60,
  pteStoreNs: 1,
  walkStepNs: 6,
};

/** Profiles by name. The first is the default. */
export const COST_PROFILES: Readonly<Record<string, CostProfile>> = {
  modern: MODERN,
  'xeon-2007': XEON_2007,
};

export const DEFAULT_PROFILE = 'modern';
