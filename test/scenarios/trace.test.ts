import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COST_PROFILES } from '../../src/hv/cost-profiles.js';
import { Mm } from '../../src/mmu/mm.js';
import { PAGING_MODES } from '../../src/mmu/paging-mode.js';
import type { ForkExitParams } from '../../src/scenarios/index.js';
import { resolveParams, runScenario, TRACE_TIME_BASE, type TraceEvent, traceJson } from '../../src/scenarios/index.js';
import { traceFormatProblems } from '../support/trace-format.js';

function run(p: Partial<ForkExitParams>, maxEvents?: number) {
  const out = runScenario(resolveParams(p), { trace: maxEvents === undefined ? {} : { maxEvents } });
  assert.ok(out.trace !== undefined);
  return { out, doc: out.trace.document({ run: 'test' }) };
}

/** The trace as written and read back, as a viewer gets it. */
function roundTrip(doc: object): unknown {
  return JSON.parse(traceJson(doc as Parameters<typeof traceJson>[0]));
}

describe('trace format', () => {
  // Racing runs of every built-in strategy in both eras (Xen 3.1's big lock on pae), with contended locks and faults.
  const CASES: Array<Partial<ForkExitParams>> = [];
  for (const strategy of ['unlocked', 'mm-lock', 'whole-lock', 'per-pte-deferred', 'unbatched', 'per-pte-early-unlock']) {
    CASES.push({ strategy, mode: '4level', ptePages: 40, vcpus: 3, iterations: 2, writerThinkNs: 500, seed: 3 });
    CASES.push({
      strategy,
      mode: 'pae',
      kernel: '2.6.24',
      profile: 'xeon-2007',
      ptePages: 20,
      vcpus: 3,
      iterations: 1,
      writerThinkNs: 500,
      seed: 2,
    });
  }
  for (const p of CASES) {
    it(`a racing run of ${p.strategy} on ${p.mode} is a valid trace: fields, balanced begin/end, monotonic tracks, nested slices`, () => {
      const { doc } = run(p);
      assert.deepEqual(traceFormatProblems(roundTrip(doc)), []);
    });
  }

  it('the format check catches what a viewer would reject', () => {
    const good: TraceEvent[] = [
      { name: 'a', ph: 'X', ts: 1, dur: 5, pid: 1, tid: 0 },
      { name: 'b', ph: 'X', ts: 2, dur: 1, pid: 1, tid: 0 },
      { name: 'h', ph: 'b', cat: 'lock', id: '1', ts: 2, pid: 1, tid: 0 },
      { name: 'h', ph: 'e', cat: 'lock', id: '1', ts: 3, pid: 1, tid: 0 },
    ];
    assert.deepEqual(traceFormatProblems({ traceEvents: good }), []);
    const bad = (events: unknown[]) => traceFormatProblems({ traceEvents: events });
    assert.match(bad([{ ...good[0], dur: undefined }]).join(), /X without a finite dur/);
    assert.match(bad([{ ...good[0], name: '' }]).join(), /name missing/);
    assert.match(bad([good[0], { ...good[1], ts: 4, dur: 3 }]).join(), /overlaps an enclosing slice/);
    assert.match(bad([good[0], { ...good[1], ts: 0.5 }]).join(), /goes back/);
    assert.match(bad([good[2]]).join(), /1 b without an e/);
    assert.match(bad([good[3]]).join(), /e without a b/);
    assert.match(bad([{ name: 'B', ph: 'B', ts: 1, pid: 1, tid: 0 }]).join(), /B without an E/);
    assert.match(bad([{ name: 'c', ph: 'C', ts: 1, pid: 1, tid: 0, args: { v: 'x' } }]).join(), /not a number/);
  });
});

describe('trace content', () => {
  it('a one-page per-pte-deferred cycle on 2level under 2.6.24 is exactly these events, timed by the cost profile', () => {
    const p: Partial<ForkExitParams> = { strategy: 'per-pte-deferred', mode: '2level', ptePages: 1, vcpus: 1, iterations: 1 };
    const params = resolveParams(p);
    const { doc } = run(p);
    const c = COST_PROFILES[params.profile] ?? assert.fail('profile');
    const mm = new Mm('2level', { kind: 'dense', ptePages: 1 });
    const pgd = mm.pgd;
    const pte = mm.pteFrames[0] ?? -1;
    const l1Slots = PAGING_MODES['2level'].entriesPerTable; // alloc_l1_table checks every slot
    const pgdSlots = 0xfc000000 / 2 ** 22; // the slots below HYPERVISOR_VIRT_START (docs/model.md, "Paging modes")
    const kernelRefs = PAGING_MODES['2level'].kernelRefs; // the kernel half: one type reference each
    const entry = c.mcEntryDispatchNs;
    const pinL1 = entry + c.mmuextOpNs + l1Slots * c.validateEntryNs + c.tlbFlushNs; // the RO remap stamped it: flush
    const pinL2 = entry + c.mmuextOpNs + pgdSlots * c.validateEntryNs + kernelRefs * c.typeRefNs + c.typeRefNs; // + the typed L1 child
    const roPte = entry + c.remapNs;
    const roPgd = entry + c.remapNs + c.tlbFlushNs; // UVMF_TLB_FLUSH: a local flush, newer than every stamp (no type-change flush at PIN_L2)
    const unpinPgd = entry + c.mmuextOpNs + pgdSlots * c.validateEntryNs + kernelRefs * c.typeRefNs + c.typeRefNs;
    const unpinPte = entry + c.mmuextOpNs + l1Slots * c.validateEntryNs;
    const rwPte = entry + c.remapNs + c.tlbFlushNs; // L1 -> writable after the unpin: a type change, flushed
    const rwPgd = entry + c.remapNs + c.tlbFlushNs; // only the guest's UVMF_TLB_FLUSH: the PTE page's flush came after the pgd's stamp
    const trap = c.hypercallTrapNs + c.walkStepNs; // the trap pays the pgd's TestSetPagePinned
    const batchNs = (entries: number[]) => trap + entries.reduce((a, b) => a + b, 0) + c.spinReleaseNs;

    const rows: string[] = [];
    let t = 0;
    const X = (dur: number, name: string, cat: string) => rows.push(`X ${t} ${dur} ${name} ${cat}`);
    const C = (name: string, v: number) => rows.push(`C ${t} vCPU 0 ${name} ${v}`);
    const hold = (ph: 'b' | 'e', lock: string) => rows.push(`${ph} ${t} ${lock}`, `${ph} ${t} vCPU 0 holds`);
    C('preempt', 0);
    C('batch', 0);
    for (const pass of ['pin', 'unpin'] as const) {
      const entries = pass === 'pin' ? [roPte, pinL1, roPgd, pinL2] : [unpinPgd, unpinPte, rwPte, rwPgd];
      const phaseNs = c.spinAcquireNs + c.walkStepNs + c.spinAcquireNs + batchNs(entries) + c.spinReleaseNs;
      X(phaseNs, `${pass} #0`, 'phase');
      X(c.spinAcquireNs, 'spin_lock page_table_lock', 'lock');
      hold('b', 'page_table_lock');
      C('preempt', 1);
      t += c.spinAcquireNs;
      X(c.walkStepNs, 'guest work', 'guest'); // the PTE page's TestSetPagePinned / TestClearPagePinned, before its lock
      C('batch', 1); // pin: its RO remap; unpin: the pgd's UNPIN, queued before the walk
      t += c.walkStepNs;
      X(c.spinAcquireNs, `spin_lock ptl of frame ${pte}`, 'lock');
      hold('b', 'ptl');
      C('preempt', 2);
      t += c.spinAcquireNs;
      X(batchNs(entries), 'multicall: 4 entries', 'batch'); // 2.6.24: no coalescing, no singleton bypass
      X(trap, 'hypercall trap', 'trap');
      C('batch', 0);
      t += trap;
      const names =
        pass === 'pin'
          ? [
              `update_va_mapping frame ${pte} RO`,
              `mmuext_op PIN_L1_TABLE frame ${pte}`,
              `update_va_mapping frame ${pgd} RO TLB_FLUSH`,
              `mmuext_op PIN_L2_TABLE frame ${pgd}`,
            ]
          : [
              `mmuext_op UNPIN_TABLE frame ${pgd}`,
              `mmuext_op UNPIN_TABLE frame ${pte}`,
              `update_va_mapping frame ${pte} RW`,
              `update_va_mapping frame ${pgd} RW TLB_FLUSH`,
            ];
      entries.forEach((ns, i) => {
        X(ns, names[i] ?? '', 'entry');
        t += ns;
      });
      X(c.spinReleaseNs, `xen_pte_unlock ptl of frame ${pte}`, 'callback');
      hold('e', 'ptl');
      C('preempt', 1);
      t += c.spinReleaseNs;
      X(c.spinReleaseNs, 'spin_unlock page_table_lock', 'unlock');
      hold('e', 'page_table_lock');
      C('preempt', 0);
      t += c.spinReleaseNs;
      if (pass === 'pin') {
        X(params.dwellNs, 'dwell #0', 'phase');
        X(params.dwellNs, 'dwell', 'sleep');
        t += params.dwellNs;
      }
    }
    const got = doc.traceEvents
      .filter((e) => e.ph !== 'M')
      .map((e) => {
        const ns = Math.round(e.ts * 1000);
        if (e.ph === 'C') return `C ${ns} ${e.name} ${String(Object.values(e.args ?? {})[0])}`;
        if (e.ph === 'b' || e.ph === 'e') return `${e.ph} ${ns} ${e.name}`;
        return `${e.ph} ${ns} ${Math.round((e.dur ?? 0) * 1000)} ${e.name} ${e.cat}`;
      });
    assert.deepEqual(got, rows);
  });

  it('the trace names its threads and states its time base', () => {
    const { doc } = run({ strategy: 'unlocked', mode: '4level', ptePages: 4, vcpus: 3, iterations: 1 });
    const names = doc.traceEvents.filter((e) => e.name === 'thread_name').map((e) => `${e.tid} ${String(e.args?.name)}`);
    assert.deepEqual(names, ['0 vCPU 0 (pinner)', '1 vCPU 1 (writer)', '2 vCPU 2 (writer)']);
    assert.equal(doc.otherData.timeBase, TRACE_TIME_BASE);
    assert.match(TRACE_TIME_BASE, /virtual nanoseconds/);
    assert.equal(doc.otherData.run, 'test');
    assert.equal(doc.otherData.truncated, false);
  });

  it('a trace changes no metric and no event of the run', () => {
    const p = resolveParams({
      strategy: 'per-pte-deferred',
      mode: 'pae',
      kernel: '2.6.24',
      profile: 'xeon-2007',
      ptePages: 30,
      vcpus: 4,
      iterations: 2,
      writerThinkNs: 800,
    });
    const plain = runScenario(p);
    const traced = runScenario(p, { trace: {} });
    assert.deepEqual(traced.metrics, plain.metrics);
    assert.equal(traced.events, plain.events);
  });

  it("unlocked's trace shows each write-protect fault on a writer, inside a multicall of the pinner, as the metrics count them", () => {
    const { out, doc } = run({ strategy: 'unlocked', mode: '4level', ptePages: 16, vcpus: 3, iterations: 2, writerThinkNs: 500 });
    const faults = doc.traceEvents.filter((e) => e.ph === 'i' && e.cat === 'fault');
    assert.ok(out.metrics.faults.writeProtect > 0, 'the racy strategy must fault');
    assert.equal(faults.length, out.metrics.faults.writeProtect);
    const batches = doc.traceEvents.filter((e) => e.tid === 0 && e.cat === 'batch');
    for (const f of faults) {
      assert.notEqual(f.tid, 0, 'writers fault, the pinner does not');
      const inside = batches.find((b) => b.ts <= f.ts && f.ts <= b.ts + (b.dur ?? 0));
      assert.ok(inside !== undefined, `fault at ${f.ts} µs is inside a batch of the pinner`);
      assert.equal(f.args?.pinnerBatch, inside.name);
    }
  });

  it('the seed patch racing the same writers has no fault instant, and its stores into pinned pages are emulated', () => {
    const { out, doc } = run({
      strategy: 'per-pte-deferred',
      mode: '4level',
      ptePages: 16,
      vcpus: 3,
      iterations: 2,
      writerThinkNs: 500,
    });
    assert.equal(doc.traceEvents.filter((e) => e.cat === 'fault').length, 0);
    assert.equal(doc.traceEvents.filter((e) => e.cat === 'emulated').length, out.metrics.writes.emulated);
    assert.equal(doc.traceEvents.filter((e) => e.cat === 'stale').length, out.metrics.writes.staleTlb);
  });

  it('a contended lock shows as a wait slice that ends where the waiter holds the lock', () => {
    const { out, doc } = run({ strategy: 'mm-lock', mode: '4level', ptePages: 16, vcpus: 4, iterations: 2, writerThinkNs: 300 });
    const waits = doc.traceEvents.filter((e) => e.cat === 'wait');
    const contentions = out.metrics.locks.ptl.contentions + out.metrics.locks.page_table_lock.contentions;
    assert.ok(contentions > 0);
    assert.equal(waits.length, contentions);
    for (const w of waits) {
      const end = Math.round((w.ts + (w.dur ?? 0)) * 1000);
      const held = doc.traceEvents.find(
        (e) => e.ph === 'b' && e.cat === 'hold' && e.tid === w.tid && Math.round(e.ts * 1000) === end,
      );
      assert.ok(held !== undefined, `a hold begins on vCPU ${w.tid} at ${end} ns`);
    }
  });

  it('a trace stopped at its event limit is still valid, ends every open slice and says where it stopped', () => {
    const { doc } = run({ strategy: 'whole-lock', mode: '4level', ptePages: 64, vcpus: 2, iterations: 2 }, 500);
    assert.deepEqual(traceFormatProblems(roundTrip(doc)), []);
    const truncated = doc.otherData.truncated as { atNs: number; maxEvents: number };
    assert.equal(truncated.maxEvents, 500);
    assert.ok(truncated.atNs > 0);
    // The action that reached the limit is recorded whole (at most 8 events: a wait's end and its two hold begins, a
    // phase, a slice, two hold begins or ends, two counters); after it come only the ends of the holds open at the cut.
    const events = doc.traceEvents;
    let last = events.length - 1;
    while (last >= 0 && events[last]?.ph === 'e') last--;
    assert.ok(last + 1 >= 500 && last + 1 <= 500 + 8, `${last + 1} events before the closing ends`);
    const ends = events.slice(last + 1);
    assert.ok(ends.length > 0 && ends.every((e) => Math.round(e.ts * 1000) === truncated.atNs));
  });
});
