import type { z } from 'zod';
import type { RunMetrics } from '../scenarios/types.js';
import type {
  environmentSchema,
  errorRunSchema,
  invalidRunSchema,
  metricsSchema,
  microRunSchema,
  resultSetSchema,
  runResultSchema,
  scenarioParamsSchema,
  scenarioRunSchema,
  wallSchema,
} from './schema.js';

// Types of the results contract, inferred from the one schema (schema.ts): what `load` returns and `write`
// accepts. The schema's objects are loose (unknown fields are kept at run time); the types show the declared
// fields only, so that the model's own interfaces (`RunMetrics`, `ForkExitParams`) are assignable to them.

/** `T` without the index signatures of loose objects; records (an index signature alone) are kept. */
export type Known<T> = T extends readonly (infer U)[]
  ? Known<U>[]
  : T extends object
    ? keyof DeclaredKeys<T> extends never
      ? T
      : { [K in keyof DeclaredKeys<T>]: Known<T[K]> }
    : T;
type DeclaredKeys<T> = { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] };

export type ResultSet = Known<z.output<typeof resultSetSchema>>;
export type RunResult = Known<z.output<typeof runResultSchema>>;
export type ScenarioRun = Known<z.output<typeof scenarioRunSchema>>;
export type MicroRun = Known<z.output<typeof microRunSchema>>;
export type ErrorRun = Known<z.output<typeof errorRunSchema>>;
export type InvalidRun = Known<z.output<typeof invalidRunSchema>>;
export type WallStats = Known<z.output<typeof wallSchema>>;
export type Environment = Known<z.output<typeof environmentSchema>>;
export type ScenarioParams = Known<z.output<typeof scenarioParamsSchema>>;
export type Metrics = Known<z.output<typeof metricsSchema>>;

/** The value of an exact metric, flattened to one leaf: a count or time, a string, a flag, or null. */
export type ExactValue = number | string | boolean | null;

/** What the model produces must fit the contract: a compile error here means the schema is out of step. */
export type RunMetricsFitTheSchema = RunMetrics extends Metrics ? true : never;
const runMetricsFitTheSchema: RunMetricsFitTheSchema = true;
void runMetricsFitTheSchema;
