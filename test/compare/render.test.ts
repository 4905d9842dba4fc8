import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareResultSets } from '../../src/compare/compare-result-sets.js';
import { comparisonOutcome } from '../../src/compare/outcome.js';
import { renderComparisonMarkdown } from '../../src/compare/render-markdown.js';
import { renderComparisonText } from '../../src/compare/render-text.js';
import { clone, MACHINE_B, resultSet, slower } from './fixtures.js';
import { defined } from '../../src/shared/defined.js';

function changedTraps() {
  const current = clone(resultSet());
  const run = defined(current.runs[1]);
  if (run.status !== 'ok' || run.kind !== 'scenario') throw new Error('fixture');
  run.metrics.hypercalls.traps += 1;
  const comparison = compareResultSets(
    { source: 'base.json', resultSet: resultSet() },
    { source: 'cur.json', resultSet: current },
  );
  return { comparison, outcome: comparisonOutcome(comparison) };
}

test('the text table shows a changed exact metric as old and new with its delta', () => {
  const { comparison, outcome } = changedTraps();
  const text = renderComparisonText(comparison, outcome);
  assert.match(text, /per-pte-deferred 4level ptePages=64 vcpus=2 seed=1 +hypercalls\.traps +9 +10 +\+1 \(\+11\.1%\)/);
  assert.match(text, /^EXACT CHANGE: 1 exact metric change\(s\) in 1 run\(s\)/m);
});

test('the Markdown view has a row per changed metric and the outcome in bold', () => {
  const { comparison, outcome } = changedTraps();
  const markdown = renderComparisonMarkdown(comparison, outcome);
  assert.match(
    markdown,
    /\| per-pte-deferred 4level ptePages=64 vcpus=2 seed=1 \| hypercalls\.traps \| 9 \| 10 \| \+1 \(\+11\.1%\) \|/,
  );
  assert.match(markdown, /❌ \*\*EXACT CHANGE/);
});

test('the text names the machines and marks raw times not comparable', () => {
  const comparison = compareResultSets(
    { source: 'a.json', resultSet: resultSet() },
    { source: 'b.json', resultSet: slower(resultSet({ environment: MACHINE_B }), 1.2, { scaleNormalised: false }) },
  );
  const text = renderComparisonText(comparison, comparisonOutcome(comparison));
  assert.match(text, /different machines \(cpuModel "AMD EPYC 7B13" vs "Intel/);
  assert.match(text, /wall\.samplesMs +10\.00 ms \(n=10\) +12\.00 ms \(n=10\) +\+20\.0% +not comparable/);
});

test('regressions are listed first and rows beyond the cap are counted', () => {
  const base = resultSet();
  const current = clone(base);
  const run = defined(current.runs[2]);
  if (run.status !== 'ok') throw new Error('fixture');
  run.wall.samplesMs = run.wall.samplesMs?.map((v) => v * 1.3);
  const comparison = compareResultSets({ source: 'a', resultSet: base }, { source: 'b', resultSet: current });
  const text = renderComparisonText(comparison, comparisonOutcome(comparison), { maxRows: 2 });
  const rows = text.split('\n').filter((line) => line.includes('wall.'));
  assert.match(defined(rows[0]), /ptePages=256.*REGRESSED/);
  assert.match(text, /\.\.\. and 4 more row\(s\)/);
});
