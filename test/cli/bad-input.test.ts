import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli, tempDir } from '../support/cli.js';
import { defined } from '../../src/shared/defined.js';

/** One bad command line: what to pass, and what the one-line message must contain. */
interface BadInput {
  name: string;
  args: string[];
  /** Fragments of the message: the option, the value, what is allowed. */
  says: RegExp[];
}

const CASES: BadInput[] = [
  {
    name: 'an unknown strategy',
    args: ['--strategy', 'unlocked,nope'],
    says: [/--strategy/, /'nope'/, /allowed: unlocked, mm-lock/],
  },
  { name: 'an unknown mode', args: ['--mode', '5level'], says: [/--mode/, /5level/, /2level, pae, 4level/] },
  { name: 'an unknown kernel', args: ['--kernel', '2.6.25'], says: [/--kernel/, /2\.6\.25/, /2\.6\.24, current/] },
  {
    name: 'a kernel with a mode it never shipped with',
    args: ['--kernel', '2.6.24', '--mode', '4level'],
    says: [/--kernel/, /2\.6\.24 with mode 4level/, /2\.6\.24\/2level, 2\.6\.24\/pae, current\/pae, current\/4level/],
  },
  { name: 'an unknown suite', args: ['nosuch'], says: [/SUITE/, /nosuch/, /allowed: ci, contention, default/] },
  { name: 'an unknown profile', args: ['--profile', 'pentium'], says: [/--profile/, /pentium/, /allowed: modern, xeon-2007/] },
  {
    name: 'a size that is not a number',
    args: ['--pte-pages', '64,lots'],
    says: [/--pte-pages/, /"lots"/, /expected an integer/],
  },
  { name: 'a size of zero', args: ['--pte-pages', '0'], says: [/--pte-pages/, /\b0\b/, /from 1 to the mode's maximum/] },
  {
    name: 'a size above the mode maximum',
    args: ['--mode', '2level', '--pte-pages', '769'],
    says: [/--pte-pages/, /769/, /allowed: 1 to 768/],
  },
  { name: 'zero vCPUs', args: ['--vcpus', '0'], says: [/--vcpus/, /\b0\b/, /from 1 to/] },
  { name: 'a negative worker count', args: ['--workers', '-1'], says: [/--workers/, /-1/, /integer >= 0/] },
  { name: 'an unknown option', args: ['--pte-page', '64'], says: [/unknown option --pte-page; did you mean --pte-pages\?/] },
];

// Each case is its own process; they run side by side to keep the suite fast.
describe('bad input to run', { concurrency: 2 }, () => {
  for (const { name, args, says } of CASES) {
    test(`${name} exits 2 with one line naming the option, the value and what is allowed, and writes nothing`, async () => {
      const out = join(tempDir(), 'out');
      const { code, stdout, stderr } = await runCli(['run', ...args, '--out', out, '--no-report']);
      assert.equal(code, 2, stderr);
      assert.equal(stdout, '');
      const lines = stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, stderr);
      assert.match(defined(lines[0]), /^pinbench: error: /);
      for (const fragment of says) assert.match(defined(lines[0]), fragment);
      assert.equal(existsSync(out), false, 'nothing written');
    });
  }
});

test('an --out that cannot be a directory exits 2 and writes nothing', async () => {
  const dir = tempDir();
  const file = join(dir, 'a-file');
  writeFileSync(file, 'not a directory');
  const { code, stderr } = await runCli([
    'run',
    '--strategy',
    'unlocked',
    '--pte-pages',
    '16',
    '--out',
    join(file, 'out'),
    '--no-report',
  ]);
  assert.equal(code, 2);
  assert.match(
    stderr,
    /^pinbench: error: --out: .*a-file\/out is under .*a-file, which is a file; expected a writable directory\n$/,
  );
});

test('a missing --strategy-module exits 2', async () => {
  const { code, stderr } = await runCli(['run', '--strategy-module', '/nonexistent/strategy.js', '--out', join(tempDir(), 'o')]);
  assert.equal(code, 2);
  assert.match(stderr, /--strategy-module: \/nonexistent\/strategy.js does not exist/);
});
