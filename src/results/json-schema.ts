import { z } from 'zod';
import { resultSetSchema } from './schema.js';

/** Where the generated JSON Schema is committed, relative to the package root. */
export const RESULTS_JSON_SCHEMA_FILE = 'schema/results.v1.json';

/**
 * The JSON Schema of `pinbench.results/v1`, generated from the zod schema, as the text committed in
 * schema/results.v1.json (`npm run schema` writes it; a test checks that the committed file is this text).
 */
export function resultsJsonSchemaText(): string {
  const schema = z.toJSONSchema(resultSetSchema, { target: 'draft-2020-12', io: 'output' });
  return JSON.stringify(schema, null, 2) + '\n';
}
