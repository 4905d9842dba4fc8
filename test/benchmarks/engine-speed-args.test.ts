import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/** engine-speed's command line: what it refuses before it measures anything (a measurement is not a unit test). */
const script = fileURLToPath(new URL('../../benchmarks/speed/engine-speed.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });

describe('engine-speed command line (benchmarks/speed/engine-speed.ts)', () => {
  it('--help names the JavaScript ports among the breakdown and exits 0', () => {
    const r = run('--help');
    assert.equal(r.status, 0);
    assert.match(r.stdout, /pinref-port\.ts, pinref-model-port\.ts/);
    assert.match(r.stdout, /--only PARTS/);
  });

  it('refuses a part --only does not know, naming the allowed parts, with exit 2', () => {
    const r = run('--only', 'cycle,ports');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--only: "ports" is not allowed; expected a comma-separated list of cycle, race, workers/);
    assert.equal(r.stdout, '');
  });

  it('refuses a clock other than wall or cpu, with exit 2', () => {
    const r = run('--clock', 'tsc', '--only', 'cycle');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--clock: "tsc" is not allowed; expected wall or cpu/);
  });

  it('refuses --only workers with --no-workers: nothing left to measure', () => {
    const r = run('--only', 'workers', '--no-workers');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /leaves nothing to measure/);
  });
});
