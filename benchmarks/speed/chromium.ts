// How the report's browser tests and benchmark start Chromium: Debian's package, never a downloaded build.
import { existsSync } from 'node:fs';

/** Debian's chromium; `scripts/ensure-chromium.sh` installs it. Override with PINBENCH_CHROMIUM. */
export const CHROMIUM_PATH = process.env.PINBENCH_CHROMIUM ?? '/usr/bin/chromium';

/** Headless, as root in a sandbox-less container, and quiet on a closed network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Why Chromium cannot run here, or null when it can. */
export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM_PATH)
    ? null
    : `${CHROMIUM_PATH} not found: run scripts/ensure-chromium.sh (installs Debian's chromium with apt-get), or set PINBENCH_CHROMIUM to a Chromium executable`;
}
