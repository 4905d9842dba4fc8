import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

/** The committed JSON Schema of `pinbench.results/v1` (this file is dist/src/runner/, the schema is at the root). */
export const RESULTS_SCHEMA_PATH = fileURLToPath(new URL('../../../schema/results.v1.json', import.meta.url));

let validator: ValidateFunction | undefined;

/** The compiled validator, built once per thread. */
function resultsValidator(): ValidateFunction {
  if (validator === undefined) {
    const schema = JSON.parse(readFileSync(RESULTS_SCHEMA_PATH, 'utf8')) as object;
    // allowUnionTypes: `tool.commit` is a string or null.
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
    validator = ajv.compile(schema);
  }
  return validator;
}

/**
 * Compile the validator now (a few hundred ms of code generation), e.g. on the main thread while the
 * workers run, so that writing the results does not wait for it.
 */
export function prepareResultsValidator(): void {
  resultsValidator();
}

/** Validate a document against the committed schema; returns one line per problem, empty when valid. */
export function validateResultSet(doc: unknown): string[] {
  const validate = resultsValidator();
  if (validate(doc)) return [];
  return (validate.errors ?? []).map(formatSchemaError);
}

function formatSchemaError(error: ErrorObject): string {
  const where = error.instancePath === '' ? '(root)' : error.instancePath;
  const extra =
    error.keyword === 'additionalProperties'
      ? ` (${String((error.params as { additionalProperty?: string }).additionalProperty)})`
      : '';
  return `${where}: ${error.message ?? error.keyword}${extra}`;
}
