export type { DistSummary, MetricKind } from './types.js';
export { LogLinearHistogram, bucketOf, bucketOf31, bucketRange } from './log-linear-histogram.js';
export { flattenMetrics, flattenWall, metricKind, metricUnit, WALL_PREFIX } from './metric-names.js';
export type { MetricLeaf } from './metric-names.js';
