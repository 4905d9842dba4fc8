export * from './abi.js';
export type * from './types.js';
export type { CostProfile } from './cost-profile.js';
export { COST_PROFILES, DEFAULT_PROFILE, MODERN, XEON_2007 } from './cost-profiles.js';
export { Hypervisor } from './hypervisor.js';
export type { HypervisorStats } from './hypervisor.js';
export * from './multicall-batcher.js';
export * from './multicall-exec.js';
