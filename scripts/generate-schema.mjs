#!/usr/bin/env node
// Regenerate schema/results.v1.json from the zod schema (src/results/schema.ts), after `npm run build`.
// The committed file must equal the generated one: test/results/json-schema.test.ts checks it.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RESULTS_JSON_SCHEMA_FILE, resultsJsonSchemaText } from '../dist/src/results/json-schema.js';

const path = fileURLToPath(new URL(`../${RESULTS_JSON_SCHEMA_FILE}`, import.meta.url));
writeFileSync(path, resultsJsonSchemaText());
console.log(`wrote ${RESULTS_JSON_SCHEMA_FILE}`);
