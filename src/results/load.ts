import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { ConfigError } from '../shared/errors.js';
import { RESULTS_SCHEMA, resultSetSchema } from './schema.js';
import type { ResultSet } from './types.js';

/** Options of loading a result set. */
export interface LoadOptions {
  /** Accept a set without runs (a part of a sharded run can be empty); refused by default. */
  allowEmpty?: boolean;
}

/** A UTF-8 byte order mark, as some editors write at the start of a file. */
const BOM = '\uFEFF';

/** First line of a message, so that a ConfigError stays one line. */
function oneLine(text: string): string {
  return (text.split('\n')[0] ?? '').trim();
}

/** A zod issue path as `runs[3].metrics.hypercalls.traps`. */
export function issuePath(path: ReadonlyArray<PropertyKey>): string {
  return (
    path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('')
      .replace(/^\./, '') || '(root)'
  );
}

/** One line per problem of a failed parse: `where: what`. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issuePath(issue.path)}: ${oneLine(issue.message)}`);
}

/**
 * Check a parsed JSON document of one of pinbench's file formats: an object whose `schema` is `schemaName`, valid
 * under `zodSchema`. Returns what zod parsed. Throws ConfigError with one line: the file (`source`), the field at
 * fault, what was expected; `noun` says what the file should be (`a pinbench result set`).
 */
export function checkDocument<T extends z.ZodType>(
  doc: unknown,
  source: string,
  schemaName: string,
  zodSchema: T,
  noun: string,
): z.infer<T> {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new ConfigError(`${source}: not ${noun} (expected a JSON object with schema "${schemaName}")`);
  }
  const schema = (doc as { schema?: unknown }).schema;
  if (schema !== schemaName) {
    throw new ConfigError(`${source}: wrong schema ${JSON.stringify(schema ?? null)}, expected "${schemaName}"`, 'schema');
  }
  const parsed = zodSchema.safeParse(doc);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first === undefined ? '(root)' : issuePath(first.path);
    throw new ConfigError(`${source}: does not match ${schemaName} at ${where}: ${oneLine(first?.message ?? 'invalid')}`, where);
  }
  return parsed.data;
}

/**
 * Check a parsed document against `pinbench.results/v1` and return it. Every field is kept, unknown ones
 * included (the schema has no transforms, so the document itself is returned, key order and all). `source`
 * names the file in messages. Throws ConfigError with one line: the file, the field at fault, what was expected.
 */
export function parseResultSet(doc: unknown, source: string, options: LoadOptions = {}): ResultSet {
  checkDocument(doc, source, RESULTS_SCHEMA, resultSetSchema, 'a pinbench result set');
  const set = doc as ResultSet;
  if (set.runs.length === 0 && !options.allowEmpty) throw new ConfigError(`${source}: empty result set (no runs)`, 'runs');
  return set;
}

/**
 * Read and check one results file. Tolerant of what editors and other tools do to a JSON file: a UTF-8 byte
 * order mark is skipped. Throws ConfigError naming the file and the problem (missing, a directory, not JSON,
 * another schema, a field of the wrong type, no runs).
 */
export async function loadResultSet(path: string, options: LoadOptions = {}): Promise<ResultSet> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : oneLine((error as Error).message);
    throw new ConfigError(`${path}: cannot read results file: ${why}`);
  }
  if (text.startsWith(BOM)) text = text.slice(BOM.length);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path}: not JSON (${oneLine((error as Error).message)})`);
  }
  return parseResultSet(doc, path, options);
}
