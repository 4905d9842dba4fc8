import { readFile } from 'node:fs/promises';
import { ConfigError } from '../shared/errors.js';
import { RESULTS_SCHEMA, type ResultSet } from '../runner/types.js';
import { resultSetSchema } from './result-set-schema.js';

/** First line of an error message, so a ConfigError stays one line. */
function oneLine(text: string): string {
  return text.split('\n')[0].trim();
}

/**
 * Check a parsed document against `pinbench.results/v1`. `source` names the file in messages.
 * Throws ConfigError with one line: the file, the field at fault and what was expected.
 */
export function parseResultSet(doc: unknown, source: string): ResultSet {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new ConfigError(`${source}: not a pinbench result set (expected a JSON object with schema "${RESULTS_SCHEMA}")`);
  }
  const schema = (doc as { schema?: unknown }).schema;
  if (schema !== RESULTS_SCHEMA) {
    throw new ConfigError(
      `${source}: wrong schema ${JSON.stringify(schema ?? null)}, expected "${RESULTS_SCHEMA}"`,
      'schema',
    );
  }
  const parsed = resultSetSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
    throw new ConfigError(`${source}: does not match ${RESULTS_SCHEMA} at ${path || '(root)'}: ${oneLine(issue.message)}`, path);
  }
  const set = parsed.data as unknown as ResultSet;
  if (set.runs.length === 0) {
    throw new ConfigError(`${source}: empty result set (no runs)`, 'runs');
  }
  return set;
}

/** Read and check one results file. Throws ConfigError naming the file and the problem. */
export async function loadResultSet(path: string): Promise<ResultSet> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : oneLine(String((err as Error).message));
    throw new ConfigError(`${path}: cannot read results file: ${why}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${path}: not JSON (${oneLine((err as Error).message)})`);
  }
  return parseResultSet(doc, path);
}
