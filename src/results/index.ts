export type * from './types.js';
export { RESULTS_SCHEMA, resultSetSchema, runResultSchema, invalidRunSchema, metricsSchema, wallSchema } from './schema.js';
export { loadResultSet, parseResultSet } from './load.js';
export { writeResultSet, validateResultSet, formatResultSet, InvalidResultSetError, RESULTS_FILE_NAME } from './write.js';
export { diffExact, exactValues, sameExactValue, statusOf } from './diff-exact.js';
export type { ExactChange, ExactDiff } from './diff-exact.js';
export {
  groupBySeed,
  poolSeeds,
  perCycle,
  perRun,
  pooled,
  seedRule,
  seedGroupKey,
  isScenarioRun,
  isInvalidRun,
} from './seeds.js';
export type { MeasuredRun, SeedGroup, SeedRule, WriterLock } from './seeds.js';
export { resultsJsonSchemaText, RESULTS_JSON_SCHEMA_FILE } from './json-schema.js';
