import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { RESULTS_JSON_SCHEMA_FILE, resultsJsonSchemaText } from '../../src/results/json-schema.js';

test('the committed JSON Schema is the one generated from the zod schema (npm run schema regenerates it)', () => {
  const committed = readFileSync(new URL(`../../../${RESULTS_JSON_SCHEMA_FILE}`, import.meta.url), 'utf8');
  assert.equal(committed, resultsJsonSchemaText());
});

test('the JSON Schema keeps unknown fields: every object allows additional properties', () => {
  const schema = JSON.parse(resultsJsonSchemaText()) as Record<string, unknown>;
  const closed: string[] = [];
  const visit = (node: unknown, path: string): void => {
    if (Array.isArray(node)) {
      node.forEach((n, i) => {
        visit(n, `${path}[${i}]`);
      });
    } else if (node !== null && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.type === 'object' && o.properties !== undefined && o.additionalProperties === false) closed.push(path);
      for (const [k, v] of Object.entries(o)) visit(v, `${path}.${k}`);
    }
  };
  visit(schema, '');
  assert.deepEqual(closed, []);
  assert.equal((schema as { title?: string }).title, 'pinbench.results/v1');
});
