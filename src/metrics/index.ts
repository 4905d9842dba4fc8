export type { DistSummary, MetricKind } from './types.js';
export { LogLinearHistogram, bucketOf, bucketRange } from './log-linear-histogram.js';
