import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
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

/**
 * pinbench's version (package.json), git commit (null outside a git checkout) and whether its tracked files
 * had uncommitted changes (`dirty`; absent when unknown): a baseline measured on a dirty tree describes no commit.
 */
export function toolInfo(): ResultSet['tool'] {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
  const commit = gitCommit();
  const dirty = commit === null ? undefined : gitDirty();
  return { name: 'pinbench', version: pkg.version, commit, ...(dirty === undefined ? {} : { dirty }) };
}

/** Whether tracked files of pinbench's checkout differ from its commit; undefined when git cannot say. */
function gitDirty(): boolean | undefined {
  try {
    const out = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: PACKAGE_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return out.trim() !== '';
  } catch {
    return undefined;
  }
}

/**
 * The commit of pinbench's own checkout: null unless the package root is the top of a git work tree. Installed
 * inside another project's repository (node_modules/pinbench), `git rev-parse HEAD` would name that project's
 * commit as pinbench's.
 */
export function gitCommit(root = PACKAGE_ROOT): string | null {
  try {
    const out = execFileSync('git', ['rev-parse', '--show-toplevel', 'HEAD'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const [top = '', commit = ''] = out.trim().split('\n');
    if (realpathSync(top) !== realpathSync(root)) return null;
    return /^[0-9a-f]{40}$/.test(commit) ? commit : null;
  } catch {
    return null;
  }
}
