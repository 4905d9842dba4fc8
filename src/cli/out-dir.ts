import { accessSync, constants, mkdtempSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from '../shared/errors.js';

// The one check of an output path, for every command (run --out, report --out, compare --markdown and --html,
// baseline update --dir, profile --out): made before anything runs or is written, so that bad input costs nothing
// and leaves nothing behind.

/**
 * Check, without creating anything, that `dir` is a directory pinbench can create or write into: it is a
 * writable directory, or its nearest existing ancestor is one; and that none of `files` (the names the command
 * will write inside it) is a directory. Throws ConfigError naming `option`. Returns the absolute path.
 */
export function checkOutDir(dir: string, option = '--out', files: readonly string[] = []): string {
  if (dir.trim() === '') throw new ConfigError(`${option}: "${dir}" is not allowed; expected a directory path`, option);
  const absolute = probeDir(dir, option);
  for (const name of files) {
    const target = join(absolute, name);
    if (isDirectory(target)) {
      throw new ConfigError(
        `${option}: ${dir} holds a directory named ${name}, where the file ${name} is to be written; expected a directory without it`,
        option,
      );
    }
  }
  return absolute;
}

/**
 * Check, without creating anything, that `file` can be written: not empty, not a directory, and in a directory
 * checkOutDir accepts. Throws ConfigError naming `option`. Returns the absolute path.
 */
export function checkOutFile(file: string, option: string): string {
  if (file.trim() === '') throw new ConfigError(`${option}: "${file}" is not allowed; expected a file path`, option);
  const absolute = resolve(file);
  if (isDirectory(absolute)) throw new ConfigError(`${option}: ${file} is a directory; expected a file path`, option);
  probeDir(dirname(absolute), option);
  return absolute;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The directory check itself (see checkOutDir). */
function probeDir(dir: string, option: string): string {
  const absolute = resolve(dir);
  let probe = absolute;
  for (;;) {
    let isDir: boolean;
    try {
      isDir = statSync(probe).isDirectory();
    } catch (error) {
      // ENOENT: not there yet; ENOTDIR: a file further up, reported when the walk reaches it.
      const code = (error as NodeJS.ErrnoException).code;
      if ((code === 'ENOENT' || code === 'ENOTDIR') && dirname(probe) !== probe) {
        probe = dirname(probe);
        continue;
      }
      throw new ConfigError(
        `${option}: ${dir} is not usable (${(error as Error).message}); expected a writable directory`,
        option,
      );
    }
    if (!isDir) {
      const what = probe === absolute ? 'is a file' : `is under ${probe}, which is a file`;
      throw new ConfigError(`${option}: ${dir} ${what}; expected a writable directory`, option);
    }
    try {
      accessSync(probe, constants.W_OK | constants.X_OK);
    } catch {
      throw new ConfigError(`${option}: ${dir} is not writable (${probe}); expected a writable directory`, option);
    }
    // access() says yes to root everywhere (and /proc, /sys refuse mkdir anyway): create and remove a probe.
    try {
      rmdirSync(mkdtempSync(join(probe, '.pinbench-probe-')));
    } catch (error) {
      throw new ConfigError(
        `${option}: ${dir} is not writable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message} in ${probe}); expected a writable directory`,
        option,
      );
    }
    return absolute;
  }
}
