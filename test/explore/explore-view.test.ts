import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ExploreReportRow, renderExploreReport } from '../../src/report/explore-view.js';

// The page explore writes beside explore.json (and replay --html): a verdict per configuration, marked expected or
// not, and each counterexample's timeline.

const row = (patch: Partial<ExploreReportRow>): ExploreReportRow => ({
  id: 'mm-lock pae',
  strategy: 'mm-lock',
  raceFree: true,
  verdict: 'no-violation',
  expected: true,
  bound: 2,
  boundCovered: 2,
  limitHit: null,
  schedules: 448,
  pruned: 292,
  distinctStates: 2825,
  seconds: 0.27,
  schedulesPerSec: 1633,
  violation: null,
  preemptions: null,
  steps: null,
  scheduleFile: null,
  ...patch,
});

const base = { title: 'pinbench explore', createdAt: '2026-01-01T00:00:00Z', tool: 'pinbench 0.1.0', settings: [] };

describe('the explore page', () => {
  it('says "no violation up to bound K" for a covered race-free configuration, and that it is expected', () => {
    const html = renderExploreReport({ ...base, rows: [row({})], counterexamples: [] });
    assert.match(html, /no violation up to bound 2 <span class="good">expected<\/span>/);
    assert.match(html, /<td class="num">2,825<\/td>/);
  });

  it('marks a violation of a strategy that claims to be race-free as unexpected, with a link to its timeline', () => {
    const html = renderExploreReport({
      ...base,
      rows: [
        row({
          verdict: 'violation',
          expected: false,
          violation: 'deadlock',
          preemptions: 1,
          steps: 9,
          scheduleFile: 'mm-lock.schedule.json',
        }),
      ],
      counterexamples: [],
    });
    assert.match(html, /<tr class="unexpected">/);
    assert.match(html, /<span class="bad">unexpected<\/span> <a href="#cx-mm-lock-pae">timeline<\/a>/);
  });

  it('says which bound an incomplete search covered, and the limit that stopped it', () => {
    const html = renderExploreReport({
      ...base,
      rows: [row({ verdict: 'incomplete', expected: null, boundCovered: 1, limitHit: 'max-seconds' })],
      counterexamples: [],
    });
    assert.match(html, /<tr class="incomplete">/);
    assert.match(html, /incomplete: max-seconds \(bound 1 covered\)/);
  });

  it('leaves the verdicts out of a page with none (a replay) and says what the page is', () => {
    const html = renderExploreReport({ ...base, lede: 'One schedule, run again.', rows: [], counterexamples: [] });
    assert.doesNotMatch(html, /Verdicts/);
    assert.match(html, /One schedule, run again\./);
  });

  it('escapes what it prints', () => {
    const html = renderExploreReport({ ...base, rows: [row({ id: '<b>&"' })], counterexamples: [] });
    assert.doesNotMatch(html, /<b>&"/);
    assert.match(html, /&lt;b&gt;&amp;/);
  });
});
