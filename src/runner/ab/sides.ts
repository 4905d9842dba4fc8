import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from '../../shared/errors.js';
import { PACKAGE_ROOT } from '../environment.js';
import type { AbSideInfo } from './types.js';

/** The file whose presence says a cached build is complete (written last). */
export const BUILT_MARKER = '.pinbench-ab-built';
/** What a pinbench build must contain for the A/B job to load its model. */
export const SIDE_ENTRY = 'dist/src/scenarios/index.js';
/** The tsconfig written into a checked-out revision: its model only (src/), not its tests or report client. */
const SIDE_TSCONFIG = 'tsconfig.pinbench-ab.json';
/** Lines of a failed build's log quoted in the message. */
const LOG_TAIL_LINES = 8;

/** Which side, as the command line names it. */
export type SideArgument = 'BASE' | 'HEAD';

/** BASE or HEAD could not be used: it names no file, directory or revision, or it does not build. */
export class SideError extends ConfigError {
  override name = 'SideError';
  /** `missing`: no such revision, file or directory; `build`: a revision that does not build; `invalid`: anything else. */
  readonly reason: 'missing' | 'build' | 'invalid';
  constructor(side: SideArgument, message: string, reason: SideError['reason']) {
    super(`${side}: ${message}`, side);
    this.reason = reason;
  }
}

/** Where and how sides are prepared. */
export interface PrepareOptions {
  /** The git repository whose revisions BASE and HEAD name. */
  repo: string;
  /** Where built revisions are kept, one directory per commit (default: `<git common dir>/pinbench-ab`). */
  cacheDir?: string;
  /** Strategy modules both sides import (`--strategy-module`). */
  strategyModules: readonly string[];
  /** One line of progress (a build step). */
  log: (line: string) => void;
  /** Ctrl-C: a build in progress is stopped and its worktree removed. */
  signal?: AbortSignal;
}

/**
 * Resolve BASE or HEAD to a side that can run: a strategy module file (loaded into this pinbench), a directory
 * holding a built pinbench, or a git revision of `repo`, checked out with `git worktree` into the cache and built
 * there once (its commit is the cache key: a commit's tree never changes). Throws SideError naming the side.
 */
export async function prepareSide(which: SideArgument, label: string, options: PrepareOptions): Promise<AbSideInfo> {
  if (label === '') {
    throw new SideError(which, 'empty; expected a git revision, a built pinbench directory or a strategy module file', 'invalid');
  }
  const path = isAbsolute(label) ? label : resolve(label);
  if (/\.[cm]?js$/.test(label) && existsSync(path) && statSync(path).isFile()) {
    return {
      label,
      kind: 'strategy-module',
      root: PACKAGE_ROOT,
      ...describeBuild(PACKAGE_ROOT),
      strategyModules: [...options.strategyModules, path],
    };
  }
  if (existsSync(path) && statSync(path).isDirectory()) {
    checkBuilt(which, label, path);
    return { label, kind: 'directory', root: path, ...describeBuild(path), strategyModules: [...options.strategyModules] };
  }
  const commit = revision(which, label, options.repo);
  const root = await buildRevision(which, label, commit, options);
  return {
    label,
    kind: 'git-ref',
    root,
    commit,
    dirty: false,
    version: packageVersion(root),
    strategyModules: [...options.strategyModules],
  };
}

/** A directory must hold a pinbench whose model is built. */
function checkBuilt(which: SideArgument, label: string, dir: string): void {
  let name: unknown;
  try {
    name = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name;
  } catch {
    throw new SideError(
      which,
      `${label} is a directory without a readable package.json; expected a pinbench checkout`,
      'invalid',
    );
  }
  if (name !== 'pinbench') throw new SideError(which, `${label} holds package ${JSON.stringify(name)}, not pinbench`, 'invalid');
  if (!existsSync(join(dir, SIDE_ENTRY))) {
    throw new SideError(which, `${label} is not built (no ${SIDE_ENTRY}); run npm ci (or npm run build) there first`, 'invalid');
  }
}

function packageVersion(root: string): string {
  try {
    return String((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown }).version ?? 'unknown');
  } catch {
    return 'unknown';
  }
}

function describeBuild(root: string): Pick<AbSideInfo, 'version' | 'commit' | 'dirty'> {
  return { version: packageVersion(root), ...gitState(root) };
}

/**
 * The commit of `dir` and whether tracked files differ from it, when `dir` is the top of a git work tree of
 * its own; nulls otherwise (not a checkout, or a folder inside another project's repository).
 */
export function gitState(dir: string): { commit: string | null; dirty: boolean | null } {
  const top = gitOutput(dir, ['rev-parse', '--show-toplevel']);
  if (top === undefined || resolve(top) !== resolve(dir)) return { commit: null, dirty: null };
  const commit = gitOutput(dir, ['rev-parse', 'HEAD']) ?? null;
  const status = gitOutput(dir, ['status', '--porcelain', '--untracked-files=no']);
  return { commit, dirty: status === undefined ? null : status !== '' };
}

/** `git ARGS` in `cwd`, its trimmed output, or undefined when it fails. */
function gitOutput(cwd: string, args: readonly string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** The full commit a revision names in `repo`; SideError (missing) when it names none. */
function revision(which: SideArgument, label: string, repo: string): string {
  if (gitOutput(repo, ['rev-parse', '--git-dir']) === undefined) {
    throw new SideError(
      which,
      `${label} is not a file or directory, and ${repo} is not a git repository to look it up in (--repo)`,
      'missing',
    );
  }
  const commit = gitOutput(repo, ['rev-parse', '--verify', '--quiet', `${label}^{commit}`]);
  if (commit === undefined || !/^[0-9a-f]{40,64}$/.test(commit)) {
    throw new SideError(
      which,
      `${label} is not a strategy module file, a built pinbench directory or a revision of the git repository ${repo}`,
      'missing',
    );
  }
  return commit;
}

/** The default cache of built revisions: inside the repository's git directory, shared by its worktrees. */
export function defaultCacheDir(repo: string): string {
  const common = gitOutput(repo, ['rev-parse', '--path-format=absolute', '--git-common-dir']);
  return join(common ?? join(repo, '.git'), 'pinbench-ab');
}

/**
 * Check `commit` out into the cache with `git worktree add` and build its model: dependencies are this
 * pinbench's own node_modules when the revision's package-lock.json is the same (linked, not installed), else
 * `npm ci`; then TypeScript over its src/. The build happens in a temporary worktree that is moved into place
 * only when it succeeded, and marked complete last: an interrupted or failed build leaves nothing that looks
 * built. Reuses a complete build of the same commit.
 */
async function buildRevision(which: SideArgument, label: string, commit: string, options: PrepareOptions): Promise<string> {
  const cacheDir = resolve(options.cacheDir ?? defaultCacheDir(options.repo));
  const final = join(cacheDir, commit);
  if (existsSync(join(final, BUILT_MARKER))) {
    options.log(`${which} ${label}: ${commit.slice(0, 12)} is built in ${final}`);
    return final;
  }
  await mkdir(cacheDir, { recursive: true });
  await removeWorktree(options.repo, final);
  const temp = join(cacheDir, `${commit}.${process.pid}.tmp`);
  const logPath = join(cacheDir, `${commit}.build.log`);
  const logStream = createWriteStream(logPath);
  const step = async (what: string, command: string, args: string[], cwd: string) => {
    options.log(`${which} ${label}: ${what}`);
    logStream.write(`$ ${command} ${args.join(' ')}    (in ${cwd})\n`);
    const code = await runLogged(command, args, cwd, logStream, options.signal);
    if (options.signal?.aborted) throw new Error('interrupted');
    if (code !== 0) throw new Error(`${what} failed (exit ${code})`);
  };
  try {
    await step(
      `checking out ${commit.slice(0, 12)} with git worktree`,
      'git',
      ['worktree', 'add', '--detach', '--force', temp, commit],
      options.repo,
    );
    if (await sameLockfile(temp)) {
      options.log(`${which} ${label}: same package-lock.json as this pinbench: linking its node_modules`);
      await symlink(join(PACKAGE_ROOT, 'node_modules'), join(temp, 'node_modules'), 'dir');
    } else {
      await step('installing its dependencies (npm ci)', 'npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], temp);
    }
    await writeFile(
      join(temp, SIDE_TSCONFIG),
      JSON.stringify({ extends: './tsconfig.json', include: ['src/**/*.ts'], exclude: ['src/report/client/**'] }),
    );
    await step(
      'building its model (tsc)',
      process.execPath,
      [join(temp, 'node_modules/typescript/bin/tsc'), '-p', SIDE_TSCONFIG],
      temp,
    );
    if (!existsSync(join(temp, SIDE_ENTRY))) throw new Error(`the build wrote no ${SIDE_ENTRY}`);
    await step('moving the build into the cache', 'git', ['worktree', 'move', temp, final], options.repo);
    await writeFile(join(final, BUILT_MARKER), `${commit}\n`);
    logStream.end();
    return final;
  } catch (error) {
    logStream.end();
    await removeWorktree(options.repo, temp);
    if (options.signal?.aborted) throw error;
    const tail = await logTail(logPath);
    throw new SideError(
      which,
      `${label} (${commit.slice(0, 12)}) does not build: ${(error as Error).message}; log: ${logPath}${tail ? ` (last lines: ${tail})` : ''}`,
      'build',
    );
  }
}

/** Whether a checked-out revision pins exactly the dependencies this pinbench was installed with. */
async function sameLockfile(dir: string): Promise<boolean> {
  try {
    const [theirs, ours] = await Promise.all([
      readFile(join(dir, 'package-lock.json')),
      readFile(join(PACKAGE_ROOT, 'package-lock.json')),
    ]);
    return theirs.equals(ours) && existsSync(join(PACKAGE_ROOT, 'node_modules/typescript'));
  } catch {
    return false;
  }
}

/** Unregister and delete a worktree of the cache (nothing when there is none). */
async function removeWorktree(repo: string, dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  gitOutput(repo, ['worktree', 'remove', '--force', dir]);
  await rm(dir, { recursive: true, force: true });
  gitOutput(repo, ['worktree', 'prune']);
}

/** Run a command with its output appended to `log`; resolves with its exit code (killed on abort). */
function runLogged(
  command: string,
  args: readonly string[],
  cwd: string,
  log: NodeJS.WritableStream,
  signal?: AbortSignal,
): Promise<number> {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    child.stdout.on('data', (chunk: Buffer) => log.write(chunk));
    child.stderr.on('data', (chunk: Buffer) => log.write(chunk));
    const onAbort = () => child.kill('SIGTERM');
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (error) => {
      log.write(`${error.message}\n`);
      signal?.removeEventListener('abort', onAbort);
      resolvePromise(127);
    });
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      resolvePromise(code ?? 1);
    });
  });
}

/** The last lines of a build log, on one line. */
async function logTail(path: string): Promise<string> {
  try {
    const lines = (await readFile(path, 'utf8')).split('\n').filter((l) => l.trim() !== '');
    return lines.slice(-LOG_TAIL_LINES).join(' | ').slice(0, 600);
  } catch {
    return '';
  }
}
