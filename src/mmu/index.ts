export * from './types.js';
export * from './paging-mode.js';
export * from './kernel-era.js';
export * from './frame-flags.js';
export { Mm } from './mm.js';
export type { MmOptions } from './mm.js';
export * from './spin-lock.js';
export * from './preempt-count.js';
export * from './lockdep.js';
