import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FRAME_RW, GUEST_LOWMEM_BYTES, Mm, PAGING_MODES, PT_PGD, PT_PMD, PT_PTE, PT_PUD } from '../../src/mmu/index.js';
import { ConfigError } from '../../src/shared/errors.js';
import { defined } from '../../src/shared/defined.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const names = ['pgd', 'pud', 'pmd', 'pte'];
const walk = (mm: Mm) => [...mm.walkFrames].map((f, i) => `${names[defined(mm.walkLevels[i])]}:${f}`);

describe('Mm: walk order', () => {
  it('4level: depth-first pre-order PUD, PMD, its PTE pages; pgd last; user pgd outside the walk', () => {
    // Two PTE pages under the first PMD, one under a PMD of the same PUD at 1 GiB, one under another PUD at 512 GiB.
    const mm = new Mm('4level', {
      kind: 'vmas',
      vmas: [
        { start: 0, length: 4 * MiB },
        { start: GiB, length: 4096 },
        { start: 512 * GiB, length: 8192 },
      ],
    });
    assert.deepEqual(walk(mm), ['pud:2', 'pmd:3', 'pte:4', 'pte:5', 'pmd:6', 'pte:7', 'pud:8', 'pmd:9', 'pte:10', 'pgd:0']);
    assert.equal(mm.userPgd, 1);
    assert.deepEqual([mm.pudPages, mm.pmdPages, mm.ptePages], [2, 3, 4]);
    assert.deepEqual([...mm.ptePresent], [512, 512, 1, 2]);
  });

  it('pae 2.6.24: every preallocated PMD in pgd-slot order with its PTE pages, the kernel PMD, then the pgd', () => {
    // PTE pages in user slots 0 and 2; slot 1's PMD is empty but present (pgd_alloc), slot 3 is the kernel PMD.
    const mm = new Mm(
      'pae',
      {
        kind: 'vmas',
        vmas: [
          { start: 0, length: 2 * MiB },
          { start: 2 * GiB, length: 4 * MiB },
        ],
      },
      { kernel: '2.6.24' },
    );
    assert.deepEqual(walk(mm), ['pmd:1', 'pte:2', 'pmd:3', 'pmd:4', 'pte:5', 'pte:6', 'pmd:7', 'pgd:0']);
    assert.equal(mm.kernelPmd, 7);
    assert.equal(mm.kernelPmdInWalk, true);
    assert.equal(mm.userPgd, -1);
    assert.equal(mm.xenLevel[0], 3);
    assert.deepEqual([mm.pudPages, mm.pmdPages, mm.ptePages], [0, 4, 3]);
  });

  it('pae today: the walk stops at the user slots; the kernel PMD is a frame of the mm outside the walk', () => {
    const mm = new Mm('pae', { kind: 'dense', ptePages: 1 }, { kernel: 'current' });
    assert.deepEqual(walk(mm), ['pmd:1', 'pte:2', 'pmd:3', 'pmd:4', 'pgd:0']);
    assert.equal(mm.kernelPmd, 5);
    assert.equal(mm.kernelPmdInWalk, false);
    assert.equal(mm.frameCount, 6);
    // The pgd refers to all four PMDs.
    assert.deepEqual(
      [...mm.children.subarray(mm.childStart[0], defined(mm.childStart[0]) + defined(mm.childCount[0]))],
      [1, 3, 4, 5],
    );
  });

  it('2level: PTE pages only, 4 MiB each, pgd last', () => {
    const mm = new Mm('2level', { kind: 'vmas', vmas: [{ start: 8 * MiB, length: 8 * MiB }] });
    assert.deepEqual(walk(mm), ['pte:1', 'pte:2', 'pgd:0']);
    assert.deepEqual([...mm.ptePresent], [1024, 1024]);
    assert.equal(mm.xenLevel[0], 2);
  });

  it('merges overlapping VMAs', () => {
    const mm = new Mm('4level', {
      kind: 'vmas',
      vmas: [
        { start: 0, length: 8192 },
        { start: 4096, length: 8192 },
      ],
    });
    assert.equal(mm.presentPtes, 3);
  });
});

describe('Mm: the kernel half of the top level', () => {
  it('counts the present kernel entries of a 512 MiB guest mapped by 4 KiB PTE pages, plus fixmap and pkmap', () => {
    assert.equal(GUEST_LOWMEM_BYTES, 512 * MiB);
    const twoLevel = new Mm('2level', { kind: 'dense', ptePages: 1 });
    assert.equal(twoLevel.externalRefs[twoLevel.pgd], GUEST_LOWMEM_BYTES / (4 * MiB) + 2);
    const pae = new Mm('pae', { kind: 'dense', ptePages: 1 });
    assert.equal(pae.externalRefs[pae.kernelPmd], GUEST_LOWMEM_BYTES / (2 * MiB) + 2);
    assert.equal(pae.externalRefs[pae.pgd], 0, 'the pae pgd only points to PMDs of the mm');
    const four = new Mm('4level', { kind: 'dense', ptePages: 1 });
    assert.equal(four.externalRefs[four.pgd], PAGING_MODES['4level'].kernelRefs);
    assert.equal(four.externalRefs[four.userPgd], 0);
  });
});

describe('Mm: dense layouts', () => {
  it('fills PMD pages 512 PTE pages at a time and PUD pages 512 PMDs at a time', () => {
    const n = 512 * 512 + 1;
    const mm = new Mm('4level', { kind: 'dense', ptePages: n });
    assert.deepEqual([mm.pudPages, mm.pmdPages, mm.ptePages], [2, 513, n]);
    assert.equal(mm.walkFrames.length, 2 + 513 + n + 1);
    assert.equal(mm.walkLevels[0], PT_PUD);
    assert.equal(mm.walkLevels[1], PT_PMD);
    assert.equal(mm.walkLevels[2], PT_PTE);
    assert.equal(mm.walkLevels[mm.walkFrames.length - 1], PT_PGD);
    assert.equal(mm.frameCount, 2 + 2 + 513 + n);
  });

  it('starts with every frame mapped writable and nothing pinned', () => {
    const mm = new Mm('pae', { kind: 'dense', ptePages: 3 });
    assert.ok(mm.flags.every((f) => f === FRAME_RW));
  });

  it('rejects a size above the mode maximum, naming the field and the limit', () => {
    assert.throws(
      () => new Mm('2level', { kind: 'dense', ptePages: 769 }),
      (e: Error) => e instanceof ConfigError && /ptePages.*769.*1 to 768/.test(e.message),
    );
    assert.throws(() => new Mm('pae', { kind: 'dense', ptePages: 0 }), ConfigError);
  });

  it('rejects a VMA that is not page aligned or passes the user limit', () => {
    assert.throws(() => new Mm('2level', { kind: 'vmas', vmas: [{ start: 100, length: 4096 }] }), /vmas\[0\]/);
    assert.throws(() => new Mm('2level', { kind: 'vmas', vmas: [{ start: 3 * GiB, length: 4096 }] }), /user limit/);
  });
});

describe('Mm: PTE contents', () => {
  /** Write `value` to every entry of every PTE page of `mm`. */
  const fill = (mm: Mm, value: number) => {
    for (const frame of mm.pteFrames) for (let i = 0; i < mm.mode.entriesPerTable; i++) mm.writePte(frame, i, value);
  };

  it('reads back what was written, and 0 where nothing was', () => {
    const mm = new Mm('4level', { kind: 'dense', ptePages: 3 });
    const [a, b] = [defined(mm.pteFrames[0]), defined(mm.pteFrames[2])];
    mm.writePte(a, 7, 42);
    mm.writePte(b, 511, 3.5);
    assert.deepEqual(
      [mm.readPte(a, 7), mm.readPte(a, 8), mm.readPte(b, 511), mm.readPte(defined(mm.pteFrames[1]), 0)],
      [42, 0, 3.5, 0],
    );
    assert.equal(mm.materialisedPtePages, 2);
  });

  it("gives a released mm's memory to the next mm zeroed: a new mm reads 0 wherever it did not write", () => {
    // More pages than one chunk of contents holds, in both table sizes (2level: 1024 entries, 4level: 512).
    for (const mode of ['2level', '4level'] as const) {
      const old = new Mm(mode, { kind: 'dense', ptePages: 70 });
      fill(old, 99);
      old.release();
      const mm = new Mm(mode, { kind: 'dense', ptePages: 70 });
      for (const frame of mm.pteFrames) mm.writePte(frame, 1, 5);
      for (const frame of mm.pteFrames) {
        for (let i = 0; i < mm.mode.entriesPerTable; i++) {
          if (mm.readPte(frame, i) !== (i === 1 ? 5 : 0))
            assert.fail(`${mode}: frame ${frame} entry ${i} reads ${mm.readPte(frame, i)}`);
        }
      }
      mm.release();
    }
  });

  it('refuses to read or write the PTEs of a released mm', () => {
    const mm = new Mm('pae', { kind: 'dense', ptePages: 2 });
    const frame = defined(mm.pteFrames[0]);
    mm.writePte(frame, 0, 1);
    mm.release();
    assert.throws(() => mm.readPte(frame, 0), /released/);
    assert.throws(() => mm.writePte(frame, 0, 2), /released/);
  });
});
