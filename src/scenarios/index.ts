export type { ForkExitParams, PagingMode, KernelVersion, VmaSpec, RunMetrics, LockClassStats, FaultDetail } from './types.js';
export { runScenario, resolveParams, DEFAULT_PARAMS, SCENARIOS } from './fork-exit.js';
export type { ScenarioOutput, ScenarioOptions } from './fork-exit.js';
export { MAX_VCPUS, checkKernelName, defaultParamValue } from './params.js';
export { Machine, FAULT_DETAILS_KEPT } from './machine.js';
export { GuestCpu, ACTION_NAMES, STORE_OUTCOMES } from './vcpu/index.js';
export type { ActionObserver, VcpuHost } from './vcpu/index.js';
