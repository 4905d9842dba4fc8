import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/** The built script (dist/benchmarks/speed/instructions.js); none of these cases reaches a valgrind run. */
const script = fileURLToPath(new URL('../../benchmarks/speed/instructions.js', import.meta.url));
/** A valgrind that cannot be there, so that a case that got past its arguments would stop at the check. */
const NO_VALGRIND = '/nonexistent/pinbench-test/valgrind';

function run(args: string[], valgrind = NO_VALGRIND) {
  const r = spawnSync(process.execPath, [script, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PINBENCH_VALGRIND: valgrind },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('bench:instructions arguments (benchmarks/speed/instructions.ts)', () => {
  it('rejects a --runs below 1, naming the flag and the allowed values', () => {
    const r = run(['--runs', '0']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--runs: "0" is not allowed; expected an integer of at least 1/);
    assert.equal(r.stdout, '');
  });

  it('rejects a --pages that is not an integer', () => {
    const r = run(['--pages', '1.5']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--pages: "1\.5" is not allowed/);
  });

  it('rejects an unknown strategy in --only, listing the five built-ins', () => {
    const r = run(['--only', 'per-pte-deferred,racy']);
    assert.equal(r.status, 2);
    assert.match(
      r.stderr,
      /--only: "racy" is not allowed; expected a comma-separated list of per-pte-deferred, unlocked, mm-lock, whole-lock, unbatched/,
    );
  });

  it('rejects a --ref without a build', () => {
    const r = run(['--ref', '/nonexistent/pinbench-test/ref']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--ref: \/nonexistent\/pinbench-test\/ref has no dist\/src\/scenarios\/index\.js/);
  });

  it('rejects an unknown option with the usage line', () => {
    const r = run(['--rounds', '3']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /usage: npm run bench:instructions/);
  });

  it('exits 2 naming the Debian package when valgrind is missing, having run nothing', () => {
    const r = run(['--only', 'whole-lock', '--runs', '1']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /valgrind is not installed/);
    assert.match(r.stderr, /apt-get install -y valgrind/);
    assert.doesNotMatch(r.stderr, /valgrind processes/);
    assert.equal(r.stdout, '');
  });

  it('explains what it measures in --help without needing valgrind', () => {
    const r = run(['--help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /instructions, not time/);
    assert.match(r.stdout, /20-40 s/);
  });
});
