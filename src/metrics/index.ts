export type { DistSummary, MetricKind } from './types.js';
export { LogLinearHistogram, bucketOf, bucketRange } from './log-linear-histogram.js';
export { flattenMetrics, flattenWall, metricKind, metricUnit, WALL_PREFIX, SKIPPED_METRIC_PATHS } from './metric-names.js';
