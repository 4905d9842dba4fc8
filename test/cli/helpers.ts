import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResultSet } from '../../src/runner/types.js';

/** The compiled CLI entry (this file is dist/test/cli/helpers.js). */
export const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
/** Compiled test fixtures. */
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

export interface CliOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Spawn `pinbench ARGS` as a user would, and collect its output. */
export function startCli(args: readonly string[]): { child: ChildProcess; done: Promise<CliOutcome> } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliOutcome>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

/** Run `pinbench ARGS` to completion. */
export function runCli(args: readonly string[]): Promise<CliOutcome> {
  return startCli(args).done;
}

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

/** Read a results.json. */
export function readResults(dir: string): ResultSet {
  return JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as ResultSet;
}

/** Options that keep a test run small and fast: one timed sample, no HTML report, no progress. */
export const FAST = ['--samples', '1', '--no-report', '--quiet'] as const;
