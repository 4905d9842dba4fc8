import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { abOutcome, judgeAb } from '../../src/compare/ab/judge.js';
import type { AbMeasurement, AbSideInfo } from '../../src/compare/ab/types.js';
import { renderAbPage } from '../../src/report/ab-page.js';
import type { AbPageData } from '../../src/report/ab-types.js';
import { writeAbReport } from '../../src/report/write-ab.js';
import { MACHINE_A, metrics, params } from '../compare/fixtures.js';
import { tempDir } from '../support/temp.js';

/** Eight runs of six rounds; head 30% slower; one run's id carries markup that must be escaped. */
function measurement(): AbMeasurement {
  const side: AbSideInfo = {
    label: 'x',
    kind: 'directory',
    root: '/x',
    commit: null,
    dirty: null,
    version: '0.1.0',
    strategyModules: [],
  };
  return {
    suite: 'ci',
    base: { ...side, label: 'HEAD~1' },
    head: { ...side, label: '.' },
    environment: MACHINE_A,
    createdAt: '2025-01-01T00:00:00.000Z',
    rounds: 6,
    warmupRounds: 2,
    durationMs: 1000,
    partial: false,
    loadAverage: { start: [1, 1, 1], end: [2, 2, 2] },
    runs: Array.from({ length: 8 }, (_, i) => {
      const run = {
        id: i === 0 ? 'run </script><b>0' : `run ${i}`,
        kind: 'scenario' as const,
        params: params('unlocked', 64 + i),
        status: 'ok' as const,
        metrics: metrics(64 + i),
        wall: { durationMs: 1 },
      };
      return {
        id: run.id,
        key: run.id,
        base: run,
        head: structuredClone(run),
        iterations: 1,
        baseMs: [1, 1.1, 1.05, 1.2, 1.02, 1.01].map((x) => x * (1 + i / 10)),
        headMs: [1.3, 1.32, 1.4, 1.31, 1.35, 1.3].map((x) => x * (1 + i / 10)),
        firstSide: ['base', 'head', 'base', 'head', 'base', 'head'] as ('base' | 'head')[],
      };
    }),
  };
}

function pageData(html: string): AbPageData {
  const json = /<script type="application\/json" id="ab-data">(.*?)<\/script>/s.exec(html)?.[1];
  assert.ok(json !== undefined, 'no embedded data');
  return JSON.parse(json) as AbPageData;
}

test('the A/B page carries every run with its ratio, interval and verdict, and the suite band', () => {
  const m = measurement();
  const comparison = judgeAb(m, { resamples: 200 });
  const data = pageData(renderAbPage(comparison, m, abOutcome(comparison), 'plotly.js'));
  assert.equal(data.runs.length, 8);
  assert.equal(data.state, 'regressed');
  assert.ok(data.ci !== null && data.ci.low > 1.05);
  assert.equal(data.rounds.length, 6);
  assert.ok(data.runs.every((r) => r.low <= r.ratio && r.ratio <= r.high));
});

test('the page escapes run ids: no markup of a run id reaches the HTML', () => {
  const m = measurement();
  const comparison = judgeAb(m, { resamples: 200 });
  const html = renderAbPage(comparison, m, abOutcome(comparison), 'plotly.js');
  assert.equal(html.includes('</script><b>'), false);
  assert.equal(
    pageData(html).runs.some((r) => r.id === 'run </script><b>0'),
    true,
  );
});

test('writeAbReport writes index.html with plotly.js beside it, so the page opens offline', async () => {
  const m = measurement();
  const comparison = judgeAb(m, { resamples: 200 });
  const dir = tempDir();
  const page = await writeAbReport(comparison, m, abOutcome(comparison), dir);
  assert.equal(page, join(dir, 'index.html'));
  assert.ok(existsSync(join(dir, 'plotly.js')));
  assert.match(readFileSync(page, 'utf8'), /<script src="plotly\.js"><\/script>/);
});
