import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Hypervisor,
  MMUEXT_PIN_L1_TABLE,
  MMUEXT_PIN_L2_TABLE,
  MMUEXT_PIN_L4_TABLE,
  MMUEXT_UNPIN_TABLE,
  MODERN,
  UVMF_TLB_FLUSH,
  type CostProfile,
} from '../../src/hv/index.js';
import { Mm, PT_PTE } from '../../src/mmu/index.js';

/** A profile where each cost is a distinct power of ten, so a total tells which operations it counts. */
const UNIT: CostProfile = {
  ...MODERN,
  name: 'unit',
  remapNs: 1000,
  tlbFlushNs: 100000,
  validateEntryNs: 1,
  typeRefNs: 10,
  mmuextOpNs: 10000000,
};

/** A dense 4level mm of n PTE pages with every frame remapped RO (as the pin walk leaves it). */
function roMm(n: number): { mm: Mm; hv: Hypervisor } {
  const mm = new Mm('4level', { kind: 'dense', ptePages: n });
  const hv = new Hypervisor(mm, UNIT);
  for (let f = 0; f < mm.frameCount; f++) assert.equal(hv.updateVaMapping(f, false, 0).state, 'ok');
  return { mm, hv };
}

const firstPte = (mm: Mm) => mm.walkFrames[mm.walkLevels.indexOf(PT_PTE)];

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

  it('pins an RO PTE page as an L1, validating its 512 entries once', () => {
    const { mm, hv } = roMm(2);
    const f = firstPte(mm);
    const r = hv.mmuextOp(MMUEXT_PIN_L1_TABLE, f);
    assert.deepEqual(r, { state: 'ok', costNs: UNIT.mmuextOpNs + 512 * UNIT.validateEntryNs });
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

  it('PIN_L4 validates every untyped lower table: 1 PUD + 1 PMD + 3 L1s + the pgd', () => {
    const { mm, hv } = roMm(3);
    const r = hv.mmuextOp(MMUEXT_PIN_L4_TABLE, mm.pgd);
    assert.equal(r.state, 'ok');
    assert.equal(hv.stats.tablesValidated, 6);
    // Six tables of 512 entries checked; no already-typed child.
    assert.equal(r.costNs, UNIT.mmuextOpNs + 6 * 512 * UNIT.validateEntryNs);
    for (const f of mm.pteFrames) assert.equal(hv.isValidatedL1(f), true);
  });

  it('PIN_L4 only takes a type reference on L1s that are already pinned', () => {
    const { mm, hv } = roMm(3);
    for (const f of mm.pteFrames) hv.mmuextOp(MMUEXT_PIN_L1_TABLE, f);
    const r = hv.mmuextOp(MMUEXT_PIN_L4_TABLE, mm.pgd);
    assert.equal(r.costNs, UNIT.mmuextOpNs + 3 * 512 * UNIT.validateEntryNs + 3 * UNIT.typeRefNs);
    for (const f of mm.pteFrames) assert.equal(hv.typeCount[f], 2);
  });

  it('PIN_L4 fails while a lower table is writable and keeps no reference', () => {
    const { mm, hv } = roMm(3);
    hv.updateVaMapping(mm.pteFrames[2], true, 0);
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
    assert.equal(hv.updateVaMapping(mm.pteFrames[0], true, 0).state, 'error');
    hv.mmuextOp(MMUEXT_UNPIN_TABLE, mm.pteFrames[0]);
    assert.equal(hv.updateVaMapping(mm.pteFrames[0], true, 0).state, 'ok');
  });

  it('the user pgd references the same PUDs: both top-level unpins are needed before they devalidate', () => {
    const { mm, hv } = roMm(3);
    const pud = mm.walkFrames[0];
    hv.mmuextOp(MMUEXT_PIN_L4_TABLE, mm.pgd);
    hv.mmuextOp(MMUEXT_PIN_L4_TABLE, mm.userPgd);
    assert.equal(hv.typeCount[pud], 2);
    hv.mmuextOp(MMUEXT_UNPIN_TABLE, mm.pgd);
    assert.equal(hv.typeCount[pud], 1);
    hv.mmuextOp(MMUEXT_UNPIN_TABLE, mm.userPgd);
    assert.equal(hv.typeCount[pud], 0);
  });
});

describe('Hypervisor: update_va_mapping', () => {
  it('refuses to map a frame with a pagetable type writable', () => {
    const { mm, hv } = roMm(1);
    hv.mmuextOp(MMUEXT_PIN_L1_TABLE, mm.pteFrames[0]);
    const r = hv.updateVaMapping(mm.pteFrames[0], true, 0);
    assert.ok(r.state === 'error' && /Bad type/.test(r.reason));
  });

  it('charges one TLB flush for UVMF_TLB_FLUSH and none otherwise', () => {
    const { mm, hv } = roMm(1);
    assert.equal(hv.updateVaMapping(mm.pgd, true, UVMF_TLB_FLUSH).costNs, UNIT.remapNs + UNIT.tlbFlushNs);
    assert.equal(hv.updateVaMapping(mm.pgd, false, 0).costNs, UNIT.remapNs);
    assert.equal(hv.stats.tlbFlushes, 1);
  });
});

describe('Hypervisor: guest PTE stores', () => {
  it('a store to an RW PTE page is direct', () => {
    const mm = new Mm('4level', { kind: 'dense', ptePages: 1 });
    const hv = new Hypervisor(mm, UNIT);
    assert.equal(hv.guestStore(mm.pteFrames[0], 3, 7), 'direct');
    assert.equal(mm.readPte(mm.pteFrames[0], 3), 7);
  });

  it('a store to an RO, validated L1 is emulated (ptwr)', () => {
    const { mm, hv } = roMm(1);
    hv.mmuextOp(MMUEXT_PIN_L1_TABLE, mm.pteFrames[0]);
    assert.equal(hv.guestStore(mm.pteFrames[0], 0, 1), 'emulated');
    assert.equal(hv.stats.ptwrEmulations, 1);
  });

  it('a store to an RO page that is not validated is a write-protect fault', () => {
    const { mm, hv } = roMm(1);
    assert.equal(hv.guestStore(mm.pteFrames[0], 0, 1), 'fault');
    assert.equal(hv.stats.writeProtectFaults, 1);
    assert.equal(mm.materialisedPtePages, 0);
  });

  it('mmu_update writes a PTE whatever the page state, never faulting', () => {
    const { mm, hv } = roMm(1);
    assert.equal(hv.mmuUpdate(mm.pteFrames[0], 5, 9).state, 'ok');
    assert.equal(mm.readPte(mm.pteFrames[0], 5), 9);
    assert.equal(hv.mmuUpdate(mm.pgd, 0, 1).state, 'error');
  });
});
