import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const tempDirs: string[] = [];
process.on('exit', () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary directory, removed when the test file's process exits. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pinbench-test-'));
  tempDirs.push(dir);
  return dir;
}

/** Write `content` (a string as it is, anything else as JSON) to `dir/name`; returns the path. */
export function writeFixture(dir: string, name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}
