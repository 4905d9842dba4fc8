export type * from './types.js';
export type * from './options.js';
export { renderReport, renderComparison, buildReportData, PLOTLY_FILE } from './render.js';
export { writeReport, writeComparisonReport, plotlyBundle, PLOTLY_PACKAGE, REPORT_FILE } from './write.js';
export { buildComparison, HEADLINE_METRICS, MAX_CHANGED_ROWS } from './comparison.js';
export { OKABE_ITO, STRATEGY_COLOURS, orderStrategies, strategyStyles } from './palette.js';
