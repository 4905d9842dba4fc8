import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explore, replaySchedule } from '../../src/explore/index.js';
import { traceDocument, traceEvents } from '../../src/explore/trace-events.js';
import { renderTimeline, type TraceEvent } from '../../src/report/timeline.js';
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

describe('renderTimeline', () => {
  const html = renderTimeline(events, { unit: 'step' });

  it('draws one lane per vCPU, one rectangle per slice and a marker per instant', () => {
    assert.equal((html.match(/>vCPU \d \((pinner|writer)\)</g) ?? []).length, 2);
    assert.equal((html.match(/<rect x="\d/g) ?? []).length - 2, slices.length, 'lane backgrounds start at x="0"');
    assert.equal((html.match(/<path /g) ?? []).length, 2);
  });

  it('escapes what it prints', () => {
    const out = renderTimeline([{ name: '<b>&', ph: 'X', ts: 0, dur: 100, pid: 1, tid: 0, args: { why: '"quoted"' } }]);
    assert.doesNotMatch(out, /<b>&/);
    assert.match(out, /&lt;b&gt;&amp;/);
    assert.match(out, /&quot;quoted&quot;/);
  });
});
