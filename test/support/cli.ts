import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/program.js';
import type { ResultSet } from '../../src/results/types.js';

/** The compiled CLI entry (this file is dist/test/support/cli.js). */
export const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
/** Compiled test fixtures (strategy modules). */
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** What a command printed and returned. */
export interface CliOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `pinbench ARGS` in this process, through the CLI's own `main(argv)`: the same parsing, handlers and exit
 * codes as the binary, without a process start. `env` replaces the environment the command sees.
 */
export async function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = { ...process.env, GITHUB_STEP_SUMMARY: '' },
): Promise<CliOutcome> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env,
    stderrIsTty: false,
  });
  return { code, stdout, stderr };
}

/** A spawned `pinbench ARGS`, as a user runs it (end-to-end tests only). */
export interface SpawnedCli {
  child: ChildProcess;
  done: Promise<CliOutcome & { signal: NodeJS.Signals | null }>;
}

/** Spawn the real binary; stdout and stderr are collected. */
export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv = process.env, cwd?: string): SpawnedCli {
  const child = spawn(process.execPath, [CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...env, NO_COLOR: '1' },
    cwd,
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliOutcome & { signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

/** Resolves when the child's stderr has printed `line` (the test's own timeout bounds the wait: no polling). */
export function stderrLine(spawned: SpawnedCli, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    spawned.child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(line)) resolve();
    });
    spawned.child.on('exit', () => reject(new Error(`exited before printing "${line}": ${seen}`)));
  });
}

/** Read DIR/results.json. */
export function readResults(dir: string): ResultSet {
  return JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as ResultSet;
}

/** Options that keep a run small and fast: one timed sample, no HTML report, no progress. */
export const FAST = ['--samples', '1', '--no-report', '--quiet'] as const;
export { tempDir, writeFixture } from './temp.js';
