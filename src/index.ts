// pinbench's public API: `import { ... } from 'pinbench'`. Everything else is internal and may change.

// ---- Writing a strategy -----------------------------------------------------------------------------------
export type { Effect, LockOptions, PinContext, Program, Strategy } from './strategies/types.js';
export { registerStrategy, getStrategy, listStrategies, allStrategies, loadStrategyModule } from './strategies/registry.js';
/** The walk of Linux's pin and unpin (mmu_pv.c __xen_pgd_pin / __xen_pgd_unpin), as reusable sub-programs. */
export {
  NEST_LOCK,
  remapFlags,
  batchedPinWithoutL1Pins,
  batchedUnpinWithoutL1Unpins,
  batchedPinTopLevel,
  batchedUnpinTopLevel,
} from './strategies/walk.js';
/** Xen's ABI (include/xen/interface/xen.h): hypercall numbers, MMUEXT commands, UVMF flags, sizes, errors. */
export * from './hv/abi.js';
/** Linux's pagetable levels, as the walk reports them (`ctx.mm.walkLevels`). */
export { PT_PGD, PT_PUD, PT_PMD, PT_PTE } from './mmu/types.js';
export type { PagingMode, VmaSpec } from './mmu/types.js';
export type { ForkExitParams, RunMetrics } from './scenarios/types.js';

// ---- Running and comparing from a script ------------------------------------------------------------------
export { runMatrix, DEFAULT_TIMING } from './runner/run-matrix.js';
export { DEFAULT_LIMITS } from './runner/limits.js';
export type { RunLimits } from './runner/limits.js';
export type { RunMatrixOptions } from './runner/run-matrix.js';
export type { ParamMatrix, TimingOptions } from './runner/types.js';
export { RESULTS_SCHEMA } from './results/schema.js';
export { loadResultSet, parseResultSet } from './results/load.js';
export { writeResultSet, validateResultSet, RESULTS_FILE_NAME } from './results/write.js';
export { diffExact, exactValues, sameExactValue } from './results/diff-exact.js';
export type { ExactChange, ExactDiff } from './results/diff-exact.js';
export { groupBySeed, perCycle, perRun, pooled } from './results/seeds.js';
export type { SeedGroup } from './results/seeds.js';
export type {
  ResultSet,
  RunResult,
  ScenarioRun,
  MicroRun,
  ErrorRun,
  InvalidRun,
  WallStats,
  Environment,
  ExactValue,
} from './results/types.js';
export { compareResultSets } from './compare/compare-result-sets.js';
export { comparisonOutcome } from './compare/outcome.js';
export { renderComparisonText } from './compare/render-text.js';
export { renderComparisonMarkdown } from './compare/render-markdown.js';
export type { Comparison, CompareOptions, ComparisonOutcome } from './compare/types.js';
export { writeReport, writeComparisonReport } from './report/write.js';
export { ConfigError, ModelError, AbortError } from './shared/errors.js';
