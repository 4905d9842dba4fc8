import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../shared/errors.js';

/** Absolute paths of `--strategy-module FILE` options; ConfigError naming the first that does not exist. */
export function strategyModulePaths(files: readonly string[]): string[] {
  return files.map((file) => {
    const path = resolve(file);
    if (!existsSync(path)) {
      throw new ConfigError(`--strategy-module: ${file} does not exist; expected a JavaScript module file`, '--strategy-module');
    }
    return path;
  });
}
