import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeResultSet } from '../../benchmarks/speed/synthetic-results.js';
import { runCli, tempDir, writeFixture } from '../support/cli.js';

test('pinbench report RESULTS --out DIR writes DIR/index.html and exits 0', async () => {
  const dir = await tempDir();
  const results = await writeFixture(dir, 'results.json', makeResultSet());
  const out = join(dir, 'out');
  const { code, stdout, stderr } = await runCli(['report', results, '--out', out]);
  assert.equal(code, 0, stderr);
  assert.equal(stdout, `report: ${join(out, 'index.html')}\n`);
  assert.ok((await readdir(out)).includes('index.html'));
});

test('without --out the report goes beside the first results file', async () => {
  const dir = await tempDir();
  const results = await writeFixture(dir, 'results.json', makeResultSet());
  const { code } = await runCli(['report', results]);
  assert.equal(code, 0);
  assert.ok((await readdir(dir)).includes('index.html'));
});

test('two results files give a report with a comparison, labelled by file', async () => {
  const dir = await tempDir();
  const base = await writeFixture(dir, 'base.json', makeResultSet());
  const current = await writeFixture(dir, 'current.json', makeResultSet({ wallFactor: 2 }));
  const { code } = await runCli(['report', base, current, '--out', dir]);
  assert.equal(code, 0);
  const html = await readFile(join(dir, 'index.html'), 'utf8');
  assert.ok(html.includes(`${current} against the baseline ${base}`));
});

for (const [name, content, expected] of [
  ['not JSON', 'not json at all', 'not JSON'],
  ['wrong schema', JSON.stringify({ schema: 'other/v1' }), 'wrong schema "other/v1"'],
  ['empty result set', JSON.stringify({ ...makeResultSet(), runs: [] }), 'empty result set'],
] as const) {
  test(`a results file that is ${name} exits 2 with one line naming the file`, async () => {
    const dir = await tempDir();
    const path = await writeFixture(dir, 'bad.json', content);
    const { code, stdout, stderr } = await runCli(['report', path, '--out', join(dir, 'out')]);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.equal(stderr.trim().split('\n').length, 1, stderr);
    assert.ok(stderr.includes(path) && stderr.includes(expected), stderr);
    await assert.rejects(readdir(join(dir, 'out')), 'nothing written');
  });
}

test('a missing results file exits 2 naming it', async () => {
  const path = join(await tempDir(), 'missing.json');
  const { code, stderr } = await runCli(['report', path]);
  assert.equal(code, 2);
  assert.ok(stderr.includes(`${path}: cannot read results file: no such file`), stderr);
});

test('report --help explains every option with its default and the units', async () => {
  const { code, stdout: raw } = await runCli(['report', '--help']);
  assert.equal(code, 0);
  const stdout = raw.replace(/\s+/g, ' ');
  for (const text of [
    '--out',
    '--inline-plotly',
    '--title',
    'default: the directory of the first RESULTS file',
    'virtual nanoseconds',
    'milliseconds',
    'baseline',
  ]) {
    assert.ok(stdout.includes(text), text);
  }
});
