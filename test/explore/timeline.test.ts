import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explore, replaySchedule } from '../../src/explore/index.js';
import { ACTION_CATEGORIES, traceDocument, traceEvents } from '../../src/explore/trace-events.js';
import { counterexampleTimeline, formatStepTime } from '../../src/report/explore-view.js';
import type { TraceEvent } from '../../src/report/timeline.js';
import { config } from './helpers.js';

// A counterexample as Chrome trace events (one lane per vCPU, a slice per step lasting until that vCPU's next step)
// and as the timeline the report draws from them.

const params = config({ strategy: 'per-pte-early-unlock', mode: '2level' });
const outcome = explore(params, { writerUpdates: 1 });
const cx = outcome.counterexample;
if (cx === null) throw new Error('per-pte-early-unlock must race');
const replay = replaySchedule(params, cx.schedule, 1);
const events = traceEvents(params, replay.records, replay.violation);
const slices = events.filter((e) => e.ph === 'X');

describe('trace events of a counterexample', () => {
  it('has one slice per step, on the lane of the vCPU that took it', () => {
    assert.equal(slices.length, cx.schedule.steps.length);
    slices.forEach((e, i) => {
      assert.equal(e.tid, cx.schedule.steps[i]);
      assert.equal(e.ts, i + 1, 'step N starts at N');
    });
  });

  it("lasts each slice until its vCPU's next step, so that a lane's slices never overlap", () => {
    for (const tid of [0, 1]) {
      const lane = slices.filter((e) => e.tid === tid);
      for (let i = 0; i + 1 < lane.length; i++) {
        const here = lane[i] as TraceEvent;
        const next = lane[i + 1] as TraceEvent;
        assert.equal(here.ts + (here.dur ?? 0), next.ts);
      }
    }
  });

  it('names the lanes and marks the preemption and the violation as instants', () => {
    const names = events.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => e.args?.name);
    assert.deepEqual(names, ['vCPU 0 (pinner)', 'vCPU 1 (writer)']);
    const instants = events.filter((e) => e.ph === 'i');
    assert.deepEqual(
      instants.map((e) => [e.name, e.tid, e.ts]),
      [
        ['preemption', 1, cx.schedule.steps.indexOf(1) + 1],
        ['write-protect-fault', 1, cx.violation.step],
      ],
    );
  });

  it('is a trace document Perfetto reads: traceEvents, with the time base stated', () => {
    const doc = traceDocument(params, replay.records, replay.violation) as {
      traceEvents: TraceEvent[];
      otherData: { timeBase: string };
    };
    assert.equal(doc.traceEvents.length, events.length);
    assert.match(doc.otherData.timeBase, /step N starts at N us/);
    for (const e of doc.traceEvents) {
      assert.ok(['X', 'i', 'M'].includes(e.ph));
      assert.ok(Number.isFinite(e.ts) && typeof e.pid === 'number' && typeof e.tid === 'number' && typeof e.name === 'string');
    }
  });
});

describe("a counterexample drawn by the report's one timeline (counterexampleTimeline, renderTimeline)", () => {
  const html = counterexampleTimeline(events);

  it('draws one lane per vCPU, named by the thread_name events', () => {
    assert.equal((html.match(/>vCPU \d \((pinner|writer)\)</g) ?? []).length, 2);
  });

  it('draws one slice per step, the violation as an instant and each preemption as a marker across the lanes', () => {
    // A slice is a rect inside a titled group; the lane backgrounds are not.
    assert.equal((html.match(/<g><title>[^<]*<\/title><rect /g) ?? []).length, slices.length);
    assert.equal((html.match(/<path /g) ?? []).length, 1, 'one instant: the violation');
    const preemptions = events.filter((e) => e.ph === 'i' && e.cat === 'preemption');
    assert.equal(preemptions.length, 1);
    assert.equal((html.match(/<g class="marker">/g) ?? []).length, preemptions.length);
    assert.match(html, />vCPU 1 preempts</);
  });

  it('colours each step by the category of its action, as a run trace colours it', () => {
    const kinds = new Set(slices.map((e) => e.name));
    for (const kind of kinds) assert.ok(ACTION_CATEGORIES[kind] !== undefined, `a category for ${kind}`);
    assert.ok(slices.every((e) => e.cat === ACTION_CATEGORIES[e.name]));
    const violation = events.find((e) => e.ph === 'i' && e.name === 'write-protect-fault');
    assert.equal(violation?.cat, 'fault');
  });

  it('counts steps on its axis and in its tooltips, not virtual time', () => {
    assert.match(html, />\d+ steps</);
    assert.doesNotMatch(html, /\d ns<|µs</);
    assert.equal(formatStepTime(1), '1 step');
    assert.equal(formatStepTime(7), '7 steps');
    assert.equal(formatStepTime(2.5), '');
  });
});
