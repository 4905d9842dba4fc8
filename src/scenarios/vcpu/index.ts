export { GuestCpu } from './guest-cpu.js';
export type { ActionObserver, VcpuHost } from './types.js';
export * from './actions.js';
