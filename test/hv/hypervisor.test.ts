import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Hypervisor,
  MMUEXT_PIN_L1_TABLE,
  MMUEXT_PIN_L2_TABLE,
  MMUEXT_PIN_L3_TABLE,
  MMUEXT_PIN_L4_TABLE,
  MMUEXT_UNPIN_TABLE,
  MODERN,
  UVMF_TLB_FLUSH,
  XEN_GUEST_SLOTS,
  XEN_VERSIONS,
  type CostProfile,
} from '../../src/hv/index.js';
import { STORE_DIRECT, STORE_EMULATED, STORE_FAULT, STORE_OUTCOME_NAMES, STORE_STALE } from '../../src/hv/types.js';
import { Mm, PAGING_MODES, PT_PTE, type PagingMode } from '../../src/mmu/index.js';
import { STORE_OUTCOMES } from '../../src/scenarios/vcpu/actions.js';
import { defined } from '../../src/shared/defined.js';

/** A profile where the costs are far apart, so a total tells which operations it counts. */
const UNIT: CostProfile = {
  ...MODERN,
  name: 'unit',
  remapNs: 1000,
  tlbFlushNs: 100000,
  flushIpiNs: 1000000,
  validateEntryNs: 1,
  typeRefNs: 10,
  mmuextOpNs: 10000000,
};
const E = 512;

/** A dense mm of n PTE pages with every frame remapped RO (as the pin walk leaves it). */
function roMm(
  n: number,
  mode: PagingMode = '4level',
  options: { vcpus?: number; costs?: CostProfile } = {},
): { mm: Mm; hv: Hypervisor } {
  const mm = new Mm(mode, { kind: 'dense', ptePages: n });
  const hv = new Hypervisor(mm, options.costs ?? UNIT, { vcpus: options.vcpus });
  for (let f = 0; f < mm.frameCount; f++) assert.equal(hv.updateVaMapping(f, false, 0).state, 'ok');
  return { mm, hv };
}

const firstPte = (mm: Mm) => defined(mm.walkFrames[mm.walkLevels.indexOf(PT_PTE)], 'PTE page');

describe('Hypervisor: pins', () => {
  it('refuses PIN_L1 while the frame is still mapped writable', () => {
    const mm = new Mm('4level', { kind: 'dense', ptePages: 2 });
    const hv = new Hypervisor(mm, UNIT);
    const r = hv.mmuextOp(MMUEXT_PIN_L1_TABLE, firstPte(mm));
    assert.equal(r.state, 'error');
    assert.ok(r.state === 'error' && r.errno === -22 && /Bad type.*writable/.test(r.reason), JSON.stringify(r));
    assert.equal(hv.typeCount[firstPte(mm)], 0);
    assert.equal(hv.pinned[firstPte(mm)], 0);
  });

  it('pins an RO PTE page as an L1, validating its 512 entries once after flushing the stale TLB', () => {
    const { mm, hv } = roMm(2);
    const f = firstPte(mm);
    const r = hv.mmuextOp(MMUEXT_PIN_L1_TABLE, f);
    // writable -> L1 is a type change, and the one vCPU has not flushed since the RO remap stamped the page.
    assert.deepEqual(r, { state: 'ok', costNs: UNIT.mmuextOpNs + UNIT.tlbFlushNs + E * UNIT.validateEntryNs });
    assert.equal(hv.pinned[f], 1);
    assert.equal(hv.typeCount[f], 1);
    assert.equal(hv.isValidatedL1(f), true);
  });

  it('refuses a second pin of the same frame with "already pinned" and keeps one reference', () => {
    const { mm, hv } = roMm(2);
    const f = firstPte(mm);
    hv.mmuextOp(MMUEXT_PIN_L1_TABLE, f);
    const r = hv.mmuextOp(MMUEXT_PIN_L1_TABLE, f);
    assert.ok(r.state === 'error' && /already pinned/.test(r.reason));
    assert.equal(hv.typeCount[f], 1);
  });

  it('the cost-returning forms give the same cost and leave a refusal in directError, counted once', () => {
    const { mm, hv } = roMm(2);
    const f = firstPte(mm);
    assert.equal(hv.mmuextOpCost(MMUEXT_PIN_L1_TABLE, f), UNIT.mmuextOpNs + UNIT.tlbFlushNs + E * UNIT.validateEntryNs);
    assert.equal(hv.directError, null);
    const errors = hv.stats.errors;
    assert.equal(hv.updateVaMappingCost(f, true, 0), UNIT.remapNs);
    assert.match(hv.directError ?? '', /Bad type/);
    assert.equal(hv.stats.errors, errors + 1);
    assert.equal(hv.mmuextOpCost(MMUEXT_UNPIN_TABLE, f), UNIT.mmuextOpNs + E * UNIT.validateEntryNs);
    assert.equal(hv.directError, null);
  });

  it('refuses a pin at the wrong level', () => {
    const { mm, hv } = roMm(2);
    const r = hv.mmuextOp(MMUEXT_PIN_L2_TABLE, firstPte(mm));
    assert.ok(r.state === 'error' && /Bad type/.test(r.reason));
  });

  it('refuses UNPIN of a frame that is not pinned', () => {
    const { mm, hv } = roMm(2);
    const r = hv.mmuextOp(MMUEXT_UNPIN_TABLE, firstPte(mm));
    assert.ok(r.state === 'error' && r.errno === -22 && /not pinned/.test(r.reason));
  });

  it("PIN_L4 validates every untyped lower table: 1 PUD + 1 PMD + 3 L1s, and the pgd's guest slots and kernel half", () => {
    const { mm, hv } = roMm(3);
    const r = hv.mmuextOp(MMUEXT_PIN_L4_TABLE, mm.pgd);
    assert.equal(r.state, 'ok');
    assert.equal(hv.stats.tablesValidated, 6);
    // Five tables of 512 entries and the pgd's guest slots (Xen owns 16 of the 512) checked; the pgd's kernel slots
    // point to kernel PUDs that are already typed: one type reference each. One flush: only the first type change
    // finds the vCPU's TLB older than the stamps of the RO remaps.
    const kernelRefs = PAGING_MODES['4level'].kernelRefs;
    assert.equal(XEN_GUEST_SLOTS.l4, E - 16);
    assert.equal(
      r.costNs,
      UNIT.mmuextOpNs + UNIT.tlbFlushNs + (5 * E + XEN_GUEST_SLOTS.l4) * UNIT.validateEntryNs + kernelRefs * UNIT.typeRefNs,
    );
    for (const f of mm.pteFrames) assert.equal(hv.isValidatedL1(f), true);
  });

  it('PIN_L4 only takes a type reference on L1s that are already pinned', () => {
    const { mm, hv } = roMm(3);
    for (const f of mm.pteFrames) hv.mmuextOp(MMUEXT_PIN_L1_TABLE, f);
    const r = hv.mmuextOp(MMUEXT_PIN_L4_TABLE, mm.pgd);
    const kernelRefs = PAGING_MODES['4level'].kernelRefs;
    assert.equal(
      r.costNs,
      UNIT.mmuextOpNs + (2 * E + XEN_GUEST_SLOTS.l4) * UNIT.validateEntryNs + (3 + kernelRefs) * UNIT.typeRefNs,
    );
    for (const f of mm.pteFrames) assert.equal(hv.typeCount[f], 2);
  });

  it('PIN_L4 fails while a lower table is writable and keeps no reference', () => {
    const { mm, hv } = roMm(3);
    hv.updateVaMapping(defined(mm.pteFrames[2]), true, 0);
    const r = hv.mmuextOp(MMUEXT_PIN_L4_TABLE, mm.pgd);
    assert.ok(r.state === 'error' && /writable/.test(r.reason));
    for (let f = 0; f < mm.frameCount; f++) assert.equal(hv.typeCount[f], 0, `frame ${f}`);
    assert.equal(hv.pinned[mm.pgd], 0);
  });

  it('UNPIN of the top level cascades down: every type count returns to 0', () => {
    const { mm, hv } = roMm(3);
    hv.mmuextOp(MMUEXT_PIN_L4_TABLE, mm.pgd);
    assert.equal(hv.mmuextOp(MMUEXT_UNPIN_TABLE, mm.pgd).state, 'ok');
    for (let f = 0; f < mm.frameCount; f++) assert.equal(hv.typeCount[f], 0, `frame ${f}`);
    assert.equal(hv.stats.tablesDevalidated, 6);
  });

  it('after the cascade a separately pinned L1 keeps its own pin reference', () => {
    const { mm, hv } = roMm(3);
    for (const f of mm.pteFrames) hv.mmuextOp(MMUEXT_PIN_L1_TABLE, f);
    hv.mmuextOp(MMUEXT_PIN_L4_TABLE, mm.pgd);
    hv.mmuextOp(MMUEXT_UNPIN_TABLE, mm.pgd);
    for (const f of mm.pteFrames) assert.equal(hv.typeCount[f], 1);
    assert.equal(hv.updateVaMapping(defined(mm.pteFrames[0]), true, 0).state, 'error');
    hv.mmuextOp(MMUEXT_UNPIN_TABLE, defined(mm.pteFrames[0]));
    assert.equal(hv.updateVaMapping(defined(mm.pteFrames[0]), true, 0).state, 'ok');
  });

  it('the user pgd references the same PUDs: both top-level unpins are needed before they devalidate', () => {
    const { mm, hv } = roMm(3);
    const pud = defined(mm.walkFrames[0]);
    hv.mmuextOp(MMUEXT_PIN_L4_TABLE, mm.pgd);
    hv.mmuextOp(MMUEXT_PIN_L4_TABLE, mm.userPgd);
    assert.equal(hv.typeCount[pud], 2);
    hv.mmuextOp(MMUEXT_UNPIN_TABLE, mm.pgd);
    assert.equal(hv.typeCount[pud], 1);
    hv.mmuextOp(MMUEXT_UNPIN_TABLE, mm.userPgd);
    assert.equal(hv.typeCount[pud], 0);
  });
});

describe('Hypervisor: slots validated and the kernel half of the top level', () => {
  it('pae under Xen 3.1: PIN_L3 checks the 4 pgd slots, 3 user PMDs, the kernel PMD below Xen and its kernel L1s', () => {
    const costs = { ...UNIT, xen: '3.1' as const };
    const { mm, hv } = roMm(1, 'pae', { costs });
    const r = hv.mmuextOp(MMUEXT_PIN_L3_TABLE, mm.pgd);
    assert.equal(r.state, 'ok');
    assert.equal(hv.stats.tablesValidated, 1 + 4 + 1);
    // HYPERVISOR_VIRT_START 0xF5800000 leaves (0xF5800000 - 0xC0000000) / 2 MiB guest slots in the kernel PMD.
    assert.equal(XEN_GUEST_SLOTS.paeXenL2, (0xf5800000 - 0xc0000000) / (2 * 2 ** 20));
    const checked = XEN_VERSIONS['3.1'].paeL3Slots + 3 * E + XEN_GUEST_SLOTS.paeXenL2 + E;
    assert.equal(XEN_VERSIONS['3.1'].paeL3Slots, 4);
    assert.equal(
      r.costNs,
      UNIT.mmuextOpNs + UNIT.tlbFlushNs + checked * UNIT.validateEntryNs + PAGING_MODES.pae.kernelRefs * UNIT.typeRefNs,
    );
  });

  it("pae under today's Xen checks all 512 pgd slots (compat mode clears the 508 above the fourth)", () => {
    const a = roMm(1, 'pae', { costs: { ...UNIT, xen: '3.1' } });
    const b = roMm(1, 'pae', { costs: { ...UNIT, xen: 'current' } });
    const ra = a.hv.mmuextOp(MMUEXT_PIN_L3_TABLE, a.mm.pgd).costNs;
    const rb = b.hv.mmuextOp(MMUEXT_PIN_L3_TABLE, b.mm.pgd).costNs;
    assert.equal(rb - ra, (512 - 4) * UNIT.validateEntryNs);
  });

  it('2level: PIN_L2 checks the pgd slots below Xen (1008) and takes a reference on each kernel PDE', () => {
    const { mm, hv } = roMm(2, '2level');
    const r = hv.mmuextOp(MMUEXT_PIN_L2_TABLE, mm.pgd);
    assert.equal(XEN_GUEST_SLOTS.pgd2level, 0xfc000000 / (4 * 2 ** 20));
    assert.equal(
      r.costNs,
      UNIT.mmuextOpNs +
        UNIT.tlbFlushNs +
        (2 * 1024 + XEN_GUEST_SLOTS.pgd2level) * UNIT.validateEntryNs +
        PAGING_MODES['2level'].kernelRefs * UNIT.typeRefNs,
    );
  });

  it('the kernel half is released too: UNPIN drops the kernel references (not the last ones)', () => {
    const { mm, hv } = roMm(1, '2level');
    hv.mmuextOp(MMUEXT_PIN_L2_TABLE, mm.pgd);
    const r = hv.mmuextOp(MMUEXT_UNPIN_TABLE, mm.pgd);
    assert.equal(
      r.costNs,
      UNIT.mmuextOpNs +
        (1024 + XEN_GUEST_SLOTS.pgd2level) * UNIT.validateEntryNs +
        PAGING_MODES['2level'].kernelRefs * UNIT.typeRefNs,
    );
  });
});

describe('Hypervisor: type-change TLB flushes', () => {
  it('an RO remap then PIN_L1 on 4 vCPUs flushes once: locally and by IPI on the 3 others, who pay their own flush', () => {
    const { mm, hv } = roMm(1, '4level', { vcpus: 4 });
    const r = hv.mmuextOp(MMUEXT_PIN_L1_TABLE, defined(mm.pteFrames[0]));
    assert.equal(r.costNs, UNIT.mmuextOpNs + UNIT.tlbFlushNs + 3 * UNIT.flushIpiNs + E * UNIT.validateEntryNs);
    assert.deepEqual([hv.stats.typeChangeFlushes, hv.stats.flushIpis], [1, 3]);
    assert.deepEqual([...hv.stolenNs], [0, UNIT.tlbFlushNs, UNIT.tlbFlushNs, UNIT.tlbFlushNs]);
  });

  it('remapping every page first, then pinning them, flushes once: later stamps are older than the flush', () => {
    const { mm, hv } = roMm(8, '4level', { vcpus: 2 });
    for (const f of mm.pteFrames) hv.mmuextOp(MMUEXT_PIN_L1_TABLE, f);
    assert.deepEqual([hv.stats.typeChangeFlushes, hv.stats.flushIpis], [1, 1]);
  });

  it('interleaving remap and pin page by page flushes at every pin', () => {
    const mm = new Mm('4level', { kind: 'dense', ptePages: 8 });
    const hv = new Hypervisor(mm, UNIT, { vcpus: 2 });
    for (const f of mm.pteFrames) {
      hv.updateVaMapping(f, false, 0);
      hv.mmuextOp(MMUEXT_PIN_L1_TABLE, f);
    }
    assert.deepEqual([hv.stats.typeChangeFlushes, hv.stats.flushIpis], [8, 8]);
  });

  it("a guest UVMF_TLB_FLUSH counts as the local vCPU's flush: a later type change flushes only the others", () => {
    const { mm, hv } = roMm(1, '4level', { vcpus: 3 });
    const r1 = hv.updateVaMapping(mm.pgd, false, UVMF_TLB_FLUSH);
    assert.equal(r1.costNs, UNIT.remapNs + UNIT.tlbFlushNs);
    assert.equal(hv.stats.guestFlushes, 1);
    const r = hv.mmuextOp(MMUEXT_PIN_L1_TABLE, defined(mm.pteFrames[0]));
    assert.equal(r.costNs, UNIT.mmuextOpNs + 2 * UNIT.flushIpiNs + E * UNIT.validateEntryNs);
    assert.deepEqual([hv.stats.typeChangeFlushes, hv.stats.flushIpis], [1, 2]);
  });

  it('UNPIN then RW remap is a type change back to writable: it flushes too', () => {
    const { mm, hv } = roMm(1);
    const f = defined(mm.pteFrames[0]);
    hv.mmuextOp(MMUEXT_PIN_L1_TABLE, f);
    hv.mmuextOp(MMUEXT_UNPIN_TABLE, f);
    const r = hv.updateVaMapping(f, true, 0);
    assert.equal(r.costNs, UNIT.remapNs + UNIT.tlbFlushNs);
    assert.equal(hv.stats.typeChangeFlushes, 2);
  });

  it('a page whose count drops to 0 and comes back with the same type does not flush', () => {
    const { mm, hv } = roMm(1);
    const f = defined(mm.pteFrames[0]);
    hv.mmuextOp(MMUEXT_PIN_L1_TABLE, f);
    hv.mmuextOp(MMUEXT_UNPIN_TABLE, f);
    const r = hv.mmuextOp(MMUEXT_PIN_L1_TABLE, f);
    assert.equal(r.costNs, UNIT.mmuextOpNs + E * UNIT.validateEntryNs, 'revalidated, no flush');
    assert.equal(hv.stats.typeChangeFlushes, 1);
  });
});

describe('Hypervisor: guest PTE stores', () => {
  it('numbers each outcome (Hypervisor.store) as the vCPU actions name them, with the cost of its name', () => {
    assert.deepEqual([...STORE_OUTCOME_NAMES], [...STORE_OUTCOMES]);
    assert.deepEqual([STORE_DIRECT, STORE_STALE, STORE_EMULATED, STORE_FAULT], [0, 1, 2, 3]);
    const hv = new Hypervisor(new Mm('4level', { kind: 'dense', ptePages: 1 }), UNIT);
    for (const [k, name] of STORE_OUTCOME_NAMES.entries()) assert.equal(hv.storeCost(k), hv.storeCostNs(name), name);
    const { mm, hv: ro } = roMm(1);
    assert.equal(ro.store(defined(mm.pteFrames[0]), 0, 1), STORE_FAULT);
  });

  it('a store to an RW PTE page is direct', () => {
    const mm = new Mm('4level', { kind: 'dense', ptePages: 1 });
    const hv = new Hypervisor(mm, UNIT);
    assert.equal(hv.guestStore(defined(mm.pteFrames[0]), 3, 7), 'direct');
    assert.equal(mm.readPte(defined(mm.pteFrames[0]), 3), 7);
  });

  it('a store to an RO, validated L1 is emulated (ptwr)', () => {
    const { mm, hv } = roMm(1);
    hv.mmuextOp(MMUEXT_PIN_L1_TABLE, defined(mm.pteFrames[0]));
    assert.equal(hv.guestStore(defined(mm.pteFrames[0]), 0, 1), 'emulated');
    assert.equal(hv.stats.ptwrEmulations, 1);
  });

  it('a store to an RO page that is not validated is a write-protect fault', () => {
    const { mm, hv } = roMm(1);
    assert.equal(hv.guestStore(defined(mm.pteFrames[0]), 0, 1), 'fault');
    assert.equal(hv.stats.writeProtectFaults, 1);
    assert.equal(mm.materialisedPtePages, 0);
  });

  it('a vCPU whose TLB kept a writable entry stores through it after the RO remap, until a flush reaches it', () => {
    const mm = new Mm('4level', { kind: 'dense', ptePages: 1 });
    const hv = new Hypervisor(mm, UNIT, { vcpus: 2 });
    const f = defined(mm.pteFrames[0]);
    hv.current = 1;
    assert.equal(hv.guestStore(f, 0, 1), 'direct');
    hv.current = 0;
    hv.updateVaMapping(f, false, 0);
    hv.current = 1;
    assert.equal(hv.storeTraps(f), false);
    assert.equal(hv.guestStore(f, 0, 2), 'stale', 'no fault: the stale entry still says writable');
    assert.equal(mm.readPte(f, 0), 2);
    hv.current = 0;
    hv.mmuextOp(MMUEXT_PIN_L1_TABLE, f); // the type change flushes vCPU 1 by IPI
    hv.current = 1;
    assert.equal(hv.storeTraps(f), true);
    assert.equal(hv.guestStore(f, 0, 3), 'emulated');
    assert.equal(hv.stats.staleTlbWrites, 1);
  });

  it("another vCPU's guest flush does not clear a stale entry; its own flush does", () => {
    const mm = new Mm('4level', { kind: 'dense', ptePages: 1 });
    const hv = new Hypervisor(mm, UNIT, { vcpus: 2 });
    const f = defined(mm.pteFrames[0]);
    hv.current = 1;
    hv.guestStore(f, 0, 1);
    hv.current = 0;
    hv.updateVaMapping(f, false, UVMF_TLB_FLUSH);
    hv.current = 1;
    assert.equal(hv.guestStore(f, 0, 2), 'stale');
    hv.updateVaMapping(mm.pgd, false, UVMF_TLB_FLUSH);
    assert.equal(hv.guestStore(f, 0, 3), 'fault');
  });

  it('an L1 under validation is not yet emulated: a store before the validation completes faults', () => {
    const mm = new Mm('4level', { kind: 'dense', ptePages: 1 });
    const clock = { now: 0 };
    const hv = new Hypervisor(mm, UNIT, { clock });
    const f = defined(mm.pteFrames[0]);
    hv.updateVaMapping(f, false, 0);
    hv.opStartNs = 0;
    const r = hv.mmuextOp(MMUEXT_PIN_L1_TABLE, f);
    // alloc_l1_table completes after the pin's bookkeeping, the flush and the 512 checks.
    assert.equal(hv.validatedAtNs[f], r.costNs);
    clock.now = r.costNs - 1;
    assert.equal(hv.guestStore(f, 0, 1), 'fault');
    clock.now = r.costNs;
    assert.equal(hv.guestStore(f, 0, 1), 'emulated');
  });

  it('mmu_update writes a PTE whatever the page state, never faulting', () => {
    const { mm, hv } = roMm(1);
    assert.equal(hv.mmuUpdate(defined(mm.pteFrames[0]), 5, 9).state, 'ok');
    assert.equal(mm.readPte(defined(mm.pteFrames[0]), 5), 9);
    assert.equal(hv.mmuUpdate(mm.pgd, 0, 1).state, 'error');
  });
});

describe('Hypervisor: update_va_mapping', () => {
  it('refuses to map a frame with a pagetable type writable', () => {
    const { mm, hv } = roMm(1);
    hv.mmuextOp(MMUEXT_PIN_L1_TABLE, defined(mm.pteFrames[0]));
    const r = hv.updateVaMapping(defined(mm.pteFrames[0]), true, 0);
    assert.ok(r.state === 'error' && /Bad type/.test(r.reason));
  });

  it('charges one TLB flush for UVMF_TLB_FLUSH and none otherwise', () => {
    const { mm, hv } = roMm(1);
    assert.equal(hv.updateVaMapping(mm.pgd, true, UVMF_TLB_FLUSH).costNs, UNIT.remapNs + UNIT.tlbFlushNs);
    assert.equal(hv.updateVaMapping(mm.pgd, false, 0).costNs, UNIT.remapNs);
    assert.equal(hv.stats.guestFlushes, 1);
  });
});
