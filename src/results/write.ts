import { writeFileAtomic } from '../shared/write-file-atomic.js';
import { describeIssues } from './load.js';
import { resultSetSchema } from './schema.js';
import type { ResultSet } from './types.js';

/** File name of a result set inside an output directory (`run --out`). */
export const RESULTS_FILE_NAME = 'results.json';

/** A result set failed validation on write: a bug of the writer, never of the user. */
export class InvalidResultSetError extends Error {
  override name = 'InvalidResultSetError';
  /** One line per problem. */
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`result set does not match pinbench.results/v1: ${problems.slice(0, 3).join('; ')}`);
    this.problems = problems;
  }
}

/** Check a document against the schema; one line per problem, empty when it is valid. */
export function validateResultSet(doc: unknown): string[] {
  const parsed = resultSetSchema.safeParse(doc);
  return parsed.success ? [] : describeIssues(parsed.error);
}

/** The document as written: two-space JSON and a final newline. */
export function formatResultSet(set: ResultSet): string {
  return JSON.stringify(set, null, 2) + '\n';
}

/**
 * Validate `set`, then write it to `path` atomically (writeFileAtomic). Throws InvalidResultSetError, with
 * nothing written, when it does not validate. Every field of `set` is written, unknown ones included.
 */
export async function writeResultSet(path: string, set: ResultSet): Promise<void> {
  const problems = validateResultSet(set);
  if (problems.length > 0) throw new InvalidResultSetError(problems);
  await writeFileAtomic(path, formatResultSet(set));
}
