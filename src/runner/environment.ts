import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Environment, ResultSet } from '../results/types.js';

/** The package root (this file is dist/src/runner/environment.js). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The machine and runtime a result set was measured on. */
export function collectEnvironment(): Environment {
  const cpus = os.cpus();
  return {
    node: process.version,
    os: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model.trim() || 'unknown',
    cores: os.availableParallelism(),
    memoryBytes: os.totalmem(),
  };
}

/** pinbench's version (package.json) and git commit (null outside a git checkout). */
export function toolInfo(): ResultSet['tool'] {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
  return { name: 'pinbench', version: pkg.version, commit: gitCommit() };
}

function gitCommit(): string | null {
  try {
    const out = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: PACKAGE_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const commit = out.trim();
    return /^[0-9a-f]{40}$/.test(commit) ? commit : null;
  } catch {
    return null;
  }
}
