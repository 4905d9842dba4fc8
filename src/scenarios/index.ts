export type { ForkExitParams, PagingMode, KernelVersion, VmaSpec, RunMetrics, LockClassStats, FaultDetail } from './types.js';
export { runScenario, resolveParams, DEFAULT_PARAMS, SCENARIOS } from './fork-exit.js';
export type { ScenarioOutput } from './fork-exit.js';
export { MAX_VCPUS, checkKernelName, defaultParamValue } from './params.js';
export { Machine, FAULT_DETAILS_KEPT } from './machine.js';
export { GuestCpu } from './guest-cpu.js';
