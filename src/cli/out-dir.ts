import { accessSync, constants, mkdtempSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from '../shared/errors.js';

/**
 * Check, without creating anything, that `dir` is a directory pinbench can create or write into: it is a
 * writable directory, or its nearest existing ancestor is one. Throws ConfigError naming `option`.
 */
export function checkOutDir(dir: string, option = '--out'): string {
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
