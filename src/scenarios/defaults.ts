import { DEFAULT_PROFILE } from '../hv/cost-profiles.js';
import { MC_ARGS_BYTES, MC_BATCH_SLOTS } from '../hv/multicall-batcher.js';
import { defaultKernelFor } from '../mmu/kernel-era.js';
import { PREEMPT_BITS_DEFAULT } from '../mmu/preempt-count.js';
import type { ForkExitParams } from './types.js';

// The scenario's defaults, apart from its schema (params.ts): `pinbench list` and the micro suite read them
// without loading zod.

export const SCENARIOS = ['fork-exit'] as const;

/**
 * Defaults of every parameter of fork-exit. Two are derived when not given: `kernel` from the mode
 * (defaultKernelFor: 2.6.24 on 2level and pae, current on 4level) and `mcArgs` from `mcBatch` (16 bytes per slot,
 * as MC_ARGS is defined); the values here are those of the default mode and batch.
 */
export const DEFAULT_PARAMS: Readonly<ForkExitParams> = Object.freeze({
  scenario: 'fork-exit',
  strategy: 'per-pte-deferred',
  mode: '4level',
  kernel: defaultKernelFor('4level'),
  ptePages: 64,
  vcpus: 1,
  iterations: 10,
  dwellNs: 100_000,
  writerThinkNs: 2_000,
  seed: 1,
  profile: DEFAULT_PROFILE,
  mcBatch: MC_BATCH_SLOTS,
  mcArgs: MC_ARGS_BYTES,
  preemptBits: PREEMPT_BITS_DEFAULT,
});
