import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { validateResultSet } from './results-schema.js';
import type { ResultSet } from './types.js';

/** File name of a result set inside `--out`. */
export const RESULTS_FILE_NAME = 'results.json';

/** A result set failed validation against the committed schema: a bug of the writer, never of the user. */
export class InvalidResultSetError extends Error {
  override name = 'InvalidResultSetError';
  /** One line per schema violation. */
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`result set does not match schema/results.v1.json: ${problems.slice(0, 3).join('; ')}`);
    this.problems = problems;
  }
}

/**
 * Validate `set` against the committed schema, then write it to `path` atomically: a temporary file in the
 * same directory, flushed to disk, then renamed over `path`, so a reader (or a crash) never sees a torn file.
 * Creates the directory. Throws InvalidResultSetError (nothing written) when the set does not validate.
 */
export async function writeResultSet(path: string, set: ResultSet): Promise<void> {
  const problems = validateResultSet(set);
  if (problems.length > 0) throw new InvalidResultSetError(problems);
  await writeFileAtomic(path, JSON.stringify(set, null, 2) + '\n');
}

/** Write `text` to `path` through a temporary file and a rename. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temp, path);
}
