import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTraceTime, renderTimeline, TIMELINE_WIDTH_PX, type TraceEvent } from '../../src/report/timeline.js';

/** A pinner (tid 0) with a phase, a batch and two entries, and a writer (tid 1) whose store faults inside the batch. */
function events(): TraceEvent[] {
  return [
    { name: 'thread_name', ph: 'M', ts: 0, pid: 1, tid: 0, args: { name: 'vCPU 0 (pinner)' } },
    { name: 'thread_name', ph: 'M', ts: 0, pid: 1, tid: 1, args: { name: 'vCPU 1 (writer)' } },
    { name: 'pin #0', ph: 'X', ts: 0, dur: 10, pid: 1, tid: 0, cat: 'phase' },
    { name: 'multicall (2 entries)', ph: 'X', ts: 2, dur: 6, pid: 1, tid: 0, cat: 'batch' },
    { name: 'update_va_mapping RO', ph: 'X', ts: 3, dur: 2, pid: 1, tid: 0, cat: 'entry' },
    { name: 'PIN_L1_TABLE', ph: 'X', ts: 5, dur: 3, pid: 1, tid: 0, cat: 'entry' },
    { name: 'PTE store', ph: 'X', ts: 4, dur: 1, pid: 1, tid: 1, cat: 'store' },
    { name: 'write-protect fault', ph: 'i', s: 't', ts: 4, pid: 1, tid: 1, cat: 'fault', args: { frame: 7 } },
    { name: 'vCPU 0 preempt', ph: 'C', ts: 0, pid: 1, tid: 0, args: { depth: 1 } },
  ];
}

/** The y of each rect whose tooltip starts with `name`. */
function rectY(html: string, name: string): number[] {
  const re = new RegExp(`<title>${name}\\n[^<]*</title><rect x="[\\d.]+" y="([\\d.]+)"`, 'g');
  return [...html.matchAll(re)].map((m) => Number(m[1]));
}

test('a timeline has one lane per vCPU, labelled from the thread_name metadata, in tid order', () => {
  const html = renderTimeline(events());
  const labels = [...html.matchAll(/<text x="6" y="[\d.]+" font-size="12" fill="#1d1d1f">([^<]+)<\/text>/g)].map((m) => m[1]);
  assert.deepEqual(labels, ['vCPU 0 (pinner)', 'vCPU 1 (writer)']);
});

test('slices are nested by time: a batch one row below its phase, its entries one row below the batch', () => {
  const html = renderTimeline(events());
  const [phase] = rectY(html, 'pin #0');
  const [batch] = rectY(html, 'multicall \\(2 entries\\)');
  const [entry] = rectY(html, 'update_va_mapping RO');
  assert.ok(phase !== undefined && batch !== undefined && entry !== undefined, 'the three slices are drawn');
  assert.equal(batch - phase, 16);
  assert.equal(entry - batch, 16);
  assert.deepEqual(rectY(html, 'PIN_L1_TABLE'), [entry], 'the two entries share a row');
});

test('an instant is drawn with its args in the tooltip, and counters and metadata are not drawn', () => {
  const html = renderTimeline(events());
  assert.match(html, /<title>write-protect fault\nat 4,000 ns\nframe: 7<\/title><line/);
  assert.doesNotMatch(html, /preempt/);
});

test('the time axis is virtual time, and x is proportional to it within the window', () => {
  const html = renderTimeline(events(), { fromUs: 0, toUs: 10, widthPx: 1160 });
  // Plot area: 150 px of labels, then 1000 px for 10 µs.
  const [x] = [...html.matchAll(/<title>PIN_L1_TABLE\n[^<]*<\/title><rect x="([\d.]+)"/g)].map((m) => Number(m[1]));
  assert.equal(x, 150 + 500);
  assert.match(html, />4 µs</, 'ticks share the unit of the window (10 µs)');
});

test('a window leaves out what lies outside it', () => {
  const html = renderTimeline(events(), { fromUs: 5.5, toUs: 9 });
  assert.doesNotMatch(html, /update_va_mapping RO/);
  assert.doesNotMatch(html, /write-protect fault/);
  assert.match(html, /PIN_L1_TABLE/);
});

test('only the chosen process is drawn', () => {
  const other: TraceEvent = { name: 'elsewhere', ph: 'X', ts: 1, dur: 1, pid: 2, tid: 0, cat: 'x' };
  assert.doesNotMatch(renderTimeline([...events(), other], { pid: 1 }), /elsewhere/);
  assert.match(renderTimeline([...events(), other]), /elsewhere/);
});

test('markers, names and args are escaped, and the output is the same for the same input', () => {
  const evil: TraceEvent = { name: '<script>x</script>', ph: 'X', ts: 1, dur: 1, pid: 1, tid: 0, cat: 'a"b' };
  const html = renderTimeline([...events(), evil], { title: 'T <1>', markers: [{ ts: 4, label: 'fault & race' }] });
  assert.doesNotMatch(html, /<script>/);
  assert.match(html, /&lt;script&gt;/);
  assert.match(html, /fault &amp; race/);
  assert.equal(html, renderTimeline([...events(), evil], { title: 'T <1>', markers: [{ ts: 4, label: 'fault & race' }] }));
});

test('the drawing has the width asked for, and a legend of the categories drawn', () => {
  const html = renderTimeline(events());
  assert.match(html, new RegExp(`<svg [^>]*width="${TIMELINE_WIDTH_PX}"`));
  const legend = /<div class="timeline-legend"[^>]*>(.*?)<\/div>/s.exec(html)?.[1] ?? '';
  const cats = [...legend.matchAll(/<\/span>([a-z]+)<\/span>/g)].map((m) => m[1]);
  assert.deepEqual(cats, ['batch', 'entry', 'fault', 'phase', 'store']);
});

test('no events to draw says so', () => {
  assert.match(renderTimeline([]), /No slices or instants to draw/);
});

test('trace times read as virtual ns, µs or ms', () => {
  assert.equal(formatTraceTime(1.5), '1,500 ns');
  assert.equal(formatTraceTime(250), '250 µs');
  assert.equal(formatTraceTime(25_000), '25 ms');
  assert.equal(formatTraceTime(2, 10), '2 µs');
});
