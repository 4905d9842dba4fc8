import { readFileSync } from 'node:fs';

/** The browser client, compiled by tsconfig.client.json (this file is dist/src/report/client-script.js). */
export const CLIENT_SCRIPT_URL = new URL('./client/main.js', import.meta.url);

let cached: string | undefined;

/**
 * The browser client's script as the page embeds it: its compiled text, read once per process. It is compiled as
 * a module only for its type imports; the `export {}` that marks it a module is dropped, leaving a classic
 * script (a page opened from file:// cannot load ES modules).
 */
export function clientScript(): string {
  if (cached === undefined) {
    const text = readFileSync(CLIENT_SCRIPT_URL, 'utf8');
    cached = text.replace(/^export \{\};?\s*$/m, '').replace(/^\/\/# sourceMappingURL=.*$/m, '');
  }
  return cached;
}
