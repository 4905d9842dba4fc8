export type { ForkExitParams, PagingMode, KernelVersion, VmaSpec, RunMetrics, LockClassStats, FaultDetail } from './types.js';
export {
  runScenario,
  scenarioSteps,
  InvariantBreach,
  DEFAULT_PARAMS,
  SCENARIOS,
  forkExitPinner,
  invariantProblems,
} from './fork-exit.js';
export { resolveParams } from './params.js';
export type { ScenarioOutput, ScenarioOptions, PinnerTally } from './fork-exit.js';
export { MAX_VCPUS, checkKernelName, defaultParamValue } from './params.js';
export { Machine, FAULT_DETAILS_KEPT } from './machine.js';
export { GuestCpu, ACTION_NAMES, STORE_OUTCOMES } from './vcpu/index.js';
export type { ActionObserver, VcpuHost } from './vcpu/index.js';
export { TraceRecorder, TRACE_PID, TRACE_TIME_BASE, traceJson } from './trace/index.js';
export type { TraceDocument, TraceEvent, TraceOptions, TracePhase } from './trace/index.js';
