import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { tempDir, writeFixture } from '../support/cli.js';

const SCRIPT = fileURLToPath(new URL('../../../scripts/lint-workflows.mjs', import.meta.url));

function lint(...files: string[]) {
  return spawnSync(process.execPath, [SCRIPT, ...files], { encoding: 'utf8' });
}

describe('scripts/lint-workflows.mjs', () => {
  it("passes the project's workflows", () => {
    const r = lint();
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /lint-workflows: \d+ workflow\(s\), 0 problem\(s\)/);
  });

  it('fails a workflow with an unknown key, a missing job and an undefined matrix value, naming each line', () => {
    // A GitHub expression, written in pieces so that it is not mistaken for a JavaScript template placeholder.
    const expression = ['$', '{{ matrix.nope }}'].join('');
    const bad = writeFixture(
      tempDir(),
      'bad.yml',
      `name: bad\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${expression}\n  b:\n    needs: [zzz]\n    runs-on: ubuntu-latest\n    stepz: []\n`,
    );
    const r = lint(bad);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /bad\.yml:7:\d+: property "nope" is not defined/);
    assert.match(r.stderr, /job "b" needs job "zzz" which does not exist/);
    assert.match(r.stderr, /unexpected key "stepz"/);
  });
});
