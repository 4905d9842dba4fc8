export type * from './types.js';
export {
  registerStrategy,
  getStrategy,
  listStrategies,
  allStrategies,
  loadStrategyModule,
  BUILTIN_STRATEGIES,
  claimsRaceFree,
} from './registry.js';
export {
  NEST_LOCK,
  remapFlags,
  batchedPinWithoutL1Pins,
  batchedUnpinWithoutL1Unpins,
  batchedPinTopLevel,
  batchedUnpinTopLevel,
  separateKernelPmd,
} from './walk.js';
