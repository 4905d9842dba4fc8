export type * from './types.js';
export { TraceRecorder, TRACE_PID, TRACE_TIME_BASE, traceJson } from './recorder.js';
export type { TraceOptions } from './recorder.js';
