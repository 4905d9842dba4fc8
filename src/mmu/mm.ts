import { ConfigError, ModelError } from '../shared/errors.js';
import { TypedArena } from '../shared/typed-arena.js';
import { FRAME_RW } from './frame-flags.js';
import { defaultKernelFor, KERNEL_ERAS } from './kernel-era.js';
import { PAGE_SIZE, PAGING_MODES } from './paging-mode.js';
import type { KernelEraSpec, KernelVersion, MmLayout, MmView, PagingMode, PagingModeSpec, VmaSpec } from './types.js';
import { PT_PGD, PT_PMD, PT_PTE, PT_PUD } from './types.js';

/** Entries of a chunk of PTE contents (128 KiB): 32 PTE pages of 512 entries, 16 of 1024 (2level). */
const CHUNK_ENTRIES = 16_384;
/** Chunks released mms keep for the next ones of this thread: at most 16 MiB. */
const FREE_CHUNKS_KEPT = 128;
/**
 * Chunks of PTE contents that released mms gave back (`Mm.release`), reused by the next mm of this thread (a
 * worker runs one scenario after another): a fresh chunk is zeroed memory the kernel has to fault in page by
 * page, and a run of 1,024 PTE pages would make and drop 4 MiB of them, which the GC then has to collect. A reused
 * chunk's pages are zeroed as they are handed out.
 */
const freeChunks: Float64Array[] = [];

/** Options of an Mm. */
export interface MmOptions {
  /** The guest kernel, which decides the PAE walk (default: defaultKernelFor(mode)). */
  kernel?: KernelVersion;
}

/**
 * An address space: its pagetable tree, built from a layout, with per-frame state in typed arrays indexed by
 * frame number. Frame 0 is the pgd, frame 1 the user pgd on 4level; the rest are numbered in walk order.
 *
 * On pae, pgd_alloc preallocates all four PMDs under Xen (arch/x86/mm/pgtable_32.c 2.6.24, pgd_alloc with
 * UNSHARED_PTRS_PER_PGD = PTRS_PER_PGD because pv_info.shared_kernel_pmd is 0 under Xen): the three user PMDs
 * exist even when empty, and the kernel PMD is this mm's own copy of swapper_pg_dir's (Xen 3.1 alloc_l3_table
 * insists that the L2 in slot 3 is not shared).
 */
export class Mm {
  readonly mode: PagingModeSpec;
  /** The kernel era whose walk this mm follows. */
  readonly kernel: KernelEraSpec;
  /** Number of frames (pagetable pages) of this mm. */
  readonly frameCount: number;
  /** Frame of the pgd. */
  readonly pgd = 0;
  /** Frame of the user pgd (4level), or -1. */
  readonly userPgd: number;
  /** Linux walk order (__xen_pgd_walk): frames, pgd last; the user pgd is not part of the walk. */
  readonly walkFrames: Int32Array;
  /** PT_PGD / PT_PUD / PT_PMD / PT_PTE of each walked frame. */
  readonly walkLevels: Uint8Array;
  /** Xen type level of each frame: 1 for PTE pages ... topLevel for the pgd. */
  readonly xenLevel: Uint8Array;
  /** Children (next-level tables referenced by present entries) of each frame: start and count in `children`. */
  readonly childStart: Int32Array;
  readonly childCount: Int32Array;
  readonly children: Int32Array;
  /** PTE pages in walk order, their present-entry counts and running totals (for uniform picks of a PTE). */
  readonly pteFrames: Int32Array;
  readonly ptePresent: Uint16Array;
  readonly pteCumulative: Float64Array;
  /** Present PTEs over the whole mm. */
  readonly presentPtes: number;
  /** The PAE kernel PMD (pgd slot 3), or -1 on other modes. */
  readonly kernelPmd: number;
  /** Whether `kernelPmd` is part of `walkFrames` (2.6.24) or remapped explicitly by the top-level pin (current). */
  readonly kernelPmdInWalk: boolean;
  /**
   * Present entries of each frame that point to kernel tables outside the mm, already typed (the kernel half of
   * the top level): validating the frame takes a type reference on each.
   */
  readonly externalRefs: Uint16Array;
  /** G, U, N: PUD pages, PMD pages (on pae always 4: three user PMDs and the kernel PMD), PTE pages. */
  readonly pudPages: number;
  readonly pmdPages: number;
  readonly ptePages: number;
  /** Guest-side frame flags: FRAME_RW, PG_PINNED, PG_HIGHMEM. */
  readonly flags: Uint8Array;
  /** The read-only view a strategy gets (PinContext.mm): the layout, without the flags. */
  readonly view: MmView;
  /**
   * PTE contents, materialised per PTE page only where something stored (mmu_update, a guest store), indexed by
   * frame (an array rather than a Map: a store is an index, not a hash lookup). Made on the first store.
   */
  private pteContents: (Float64Array | null)[] | null = null;
  private ptePagesMaterialised = 0;
  /** PTE pages are carved out of chunks of CHUNK_ENTRIES entries: one allocation per chunk, not per page. */
  private readonly pteChunks: Float64Array[] = [];
  private pteChunk: Float64Array = new Float64Array(0);
  /** Entries of `pteChunk` handed out. */
  private pteChunkUsed = 0;
  /** Whether `pteChunk` came from `freeChunks` (its pages hold an earlier mm's contents until zeroed). */
  private pteChunkReused = false;
  /** `release` has given the PTE contents away. */
  private released = false;

  constructor(mode: PagingMode, layout: MmLayout, options: MmOptions = {}) {
    const spec = PAGING_MODES[mode];
    if (!spec) throw new ConfigError(`mode: unknown paging mode '${String(mode)}'; allowed: 2level, pae, 4level`, 'mode');
    this.mode = spec;
    this.kernel = KERNEL_ERAS[options.kernel ?? defaultKernelFor(mode)];
    const { pages, present } = presentPtePages(spec, layout);
    const n = pages.length;
    const e = spec.entriesPerTable;
    // Reads of `pages[i]` and `present[i]` below have i < n, their common length: `as number` only drops the
    // `undefined` of an out-of-range read that cannot happen.
    // Count tables above the PTE level.
    let g = 0;
    let u = 0;
    if (spec.topLevel === 4) {
      let lastPud = -1;
      let lastPmd = -1;
      for (let i = 0; i < n; i++) {
        const pmd = Math.floor((pages[i] as number) / e);
        const pud = Math.floor(pmd / e);
        if (pud !== lastPud) {
          g++;
          lastPud = pud;
        }
        if (pmd !== lastPmd) {
          u++;
          lastPmd = pmd;
        }
      }
    } else if (spec.topLevel === 3) {
      // pgd_alloc: every user PMD plus the kernel PMD, whatever the layout.
      u = spec.userPgdSlots + 1;
    }
    this.pudPages = g;
    this.pmdPages = u;
    this.ptePages = n;
    const first = spec.userPgd ? 2 : 1;
    this.userPgd = spec.userPgd ? 1 : -1;
    const frames = first + g + u + n;
    this.frameCount = frames;
    const pae = spec.topLevel === 3;
    this.kernelPmd = pae ? frames - 1 : -1;
    this.kernelPmdInWalk = pae && this.kernel.paeKernelPmdInWalk;
    const walked = g + u + n + 1 - (pae && !this.kernelPmdInWalk ? 1 : 0);
    // The loops below fill local arrays: a constructor's `this` is still changing shape, and its field loads are slow.
    // The arrays the mm keeps come out of one allocation (the children's at most `frames`), the construction's own
    // (parents, fill counts) out of another.
    const arena = new TypedArena({
      f64: n,
      i32: walked + n + 3 * frames,
      i16: frames + n,
      i8: walked + 2 * frames,
    });
    const walkFrames = arena.i32(walked);
    const walkLevels = arena.u8(walked);
    const externalRefs = arena.u16(frames);
    const xenLevel = arena.u8(frames);
    const pteFrames = arena.i32(n);
    const ptePresent = arena.u16(n);
    const pteCumulative = arena.f64(n);
    this.walkFrames = walkFrames;
    this.walkLevels = walkLevels;
    this.externalRefs = externalRefs;
    this.xenLevel = xenLevel;
    this.flags = arena.u8(frames).fill(FRAME_RW);
    this.pteFrames = pteFrames;
    this.ptePresent = ptePresent;
    this.pteCumulative = pteCumulative;
    const scratch = new TypedArena({ i32: 2 * frames });
    const parent = scratch.i32(frames).fill(-1);
    const pgd = this.pgd;

    // Depth-first pre-order: PUD, then each PMD, then its PTE pages (2.6.24 pgd_walk, mmu_pv.c __xen_pgd_walk); pgd last.
    let next = first;
    let w = 0;
    let curPud = -1;
    let curPmd = -1;
    let pudFrame = 0;
    let pmdFrame = 0;
    let cum = 0;
    for (let i = 0; i < n; i++) {
      const p = pages[i] as number;
      if (pae) {
        // Create the user PMDs up to this page's, in pgd-slot order (empty ones included).
        const pmd = Math.floor(p / e);
        while (curPmd < pmd) {
          curPmd++;
          pmdFrame = next++;
          xenLevel[pmdFrame] = 2;
          parent[pmdFrame] = pgd;
          walkFrames[w] = pmdFrame;
          walkLevels[w++] = PT_PMD;
        }
      } else if (spec.topLevel === 4) {
        const pmd = Math.floor(p / e);
        const pud = Math.floor(pmd / e);
        if (pud !== curPud) {
          curPud = pud;
          pudFrame = next++;
          xenLevel[pudFrame] = 3;
          parent[pudFrame] = pgd;
          walkFrames[w] = pudFrame;
          walkLevels[w++] = PT_PUD;
        }
        if (pmd !== curPmd) {
          curPmd = pmd;
          pmdFrame = next++;
          xenLevel[pmdFrame] = 2;
          parent[pmdFrame] = pudFrame;
          walkFrames[w] = pmdFrame;
          walkLevels[w++] = PT_PMD;
        }
      }
      const pte = next++;
      xenLevel[pte] = 1;
      parent[pte] = spec.topLevel === 2 ? pgd : pmdFrame;
      walkFrames[w] = pte;
      walkLevels[w++] = PT_PTE;
      const count = present[i] as number;
      pteFrames[i] = pte;
      ptePresent[i] = count;
      cum += count;
      pteCumulative[i] = cum;
    }
    if (pae) {
      // The user PMDs after the last PTE page's, present though empty; then the kernel PMD (pgd slot 3), walked
      // by 2.6.24's pgd_walk (which runs to FIXADDR_TOP but visits PTE pages only below TASK_SIZE).
      while (curPmd < spec.userPgdSlots - 1) {
        curPmd++;
        pmdFrame = next++;
        xenLevel[pmdFrame] = 2;
        parent[pmdFrame] = pgd;
        walkFrames[w] = pmdFrame;
        walkLevels[w++] = PT_PMD;
      }
      const k = next++;
      xenLevel[k] = 2;
      parent[k] = pgd;
      externalRefs[k] = spec.kernelRefs;
      if (this.kernelPmdInWalk) {
        walkFrames[w] = k;
        walkLevels[w++] = PT_PMD;
      }
    } else externalRefs[pgd] = spec.kernelRefs;
    walkFrames[w] = pgd;
    walkLevels[w] = PT_PGD;
    xenLevel[pgd] = spec.topLevel;
    if (this.userPgd >= 0) xenLevel[this.userPgd] = spec.topLevel;
    this.presentPtes = cum;

    // Children in CSR form, in frame order (which is walk order). Every array here has `frames` entries and a
    // parent is a frame: the reads are in range.
    const childCount = arena.i32(frames);
    for (let f = 0; f < frames; f++) {
      const p = parent[f] as number;
      if (p >= 0) childCount[p] = (childCount[p] as number) + 1;
    }
    const childStart = arena.i32(frames);
    let s = 0;
    for (let f = 0; f < frames; f++) {
      childStart[f] = s;
      s += childCount[f] as number;
    }
    const children = arena.i32(frames).subarray(0, s);
    const fill = scratch.i32(frames);
    for (let f = 0; f < frames; f++) {
      const p = parent[f] as number;
      if (p < 0) continue;
      const k = fill[p] as number;
      fill[p] = k + 1;
      children[(childStart[p] as number) + k] = f;
    }
    // The user pgd's user half maps the same PUD pages as the kernel pgd (xen_set_pgd writes both).
    if (this.userPgd >= 0) {
      childStart[this.userPgd] = childStart[this.pgd] as number;
      childCount[this.userPgd] = childCount[this.pgd] as number;
    }
    this.childCount = childCount;
    this.childStart = childStart;
    this.children = children;
    this.view = Object.freeze(new LayoutView(this));
  }

  /** Write PTE `index` of PTE page `frame`. */
  writePte(frame: number, index: number, value: number): void {
    let pages = this.pteContents;
    if (pages === null) {
      if (this.released) throw new ModelError('writePte: the mm was released (Mm.release) at the end of its run');
      pages = new Array<Float64Array | null>(this.frameCount).fill(null);
      this.pteContents = pages;
    }
    let page = pages[frame];
    if (page === undefined)
      throw new ModelError(`writePte: frame ${frame} is not a frame of this mm (${this.frameCount} frames)`);
    if (page === null) {
      page = this.newPtePage();
      pages[frame] = page;
    }
    page[index] = value;
  }

  /** A zeroed PTE page's contents, from the current chunk. */
  private newPtePage(): Float64Array {
    const e = this.mode.entriesPerTable;
    let at = this.pteChunkUsed;
    if (at + e > this.pteChunk.length) {
      const reused = freeChunks.pop();
      this.pteChunk = reused ?? new Float64Array(CHUNK_ENTRIES);
      this.pteChunkReused = reused !== undefined;
      this.pteChunks.push(this.pteChunk);
      at = 0;
    }
    this.pteChunkUsed = at + e;
    this.ptePagesMaterialised++;
    const page = this.pteChunk.subarray(at, at + e);
    if (this.pteChunkReused) page.fill(0);
    return page;
  }

  /**
   * The run is over: give the PTE contents' memory to the next mm of this thread. Reading or writing a PTE of this
   * mm afterwards is an error; everything else (layout, flags) stays readable.
   */
  release(): void {
    this.released = true;
    this.pteContents = null;
    for (const chunk of this.pteChunks) if (freeChunks.length < FREE_CHUNKS_KEPT) freeChunks.push(chunk);
    this.pteChunks.length = 0;
    this.pteChunk = new Float64Array(0);
    this.pteChunkUsed = 0;
  }

  /** PTE `index` of PTE page `frame` (0 where nothing was stored). */
  readPte(frame: number, index: number): number {
    if (this.released) throw new ModelError('readPte: the mm was released (Mm.release) at the end of its run');
    const page = this.pteContents === null ? null : this.pteContents[frame];
    if (page === undefined) throw new ModelError(`readPte: frame ${frame} is not a frame of this mm (${this.frameCount} frames)`);
    if (page === null) return 0;
    const pte = page[index];
    if (pte === undefined) throw new ModelError(`readPte: index ${index} is outside a ${page.length}-entry table`);
    return pte;
  }

  /** PTE pages whose contents have been materialised. */
  get materialisedPtePages(): number {
    return this.ptePagesMaterialised;
  }

  /** The i-th PTE page (0-based, walk order) holding the k-th present PTE of the mm (0 <= k < presentPtes). */
  ptePageOfPte(k: number): number {
    return ptePageOf(this.pteCumulative, k);
  }
}

/** The read-only view of an mm a strategy gets (MmView): the layout's fields, shared, and nothing else. */
class LayoutView implements MmView {
  readonly mode: PagingModeSpec;
  readonly kernel: KernelEraSpec;
  readonly frameCount: number;
  readonly pgd: number;
  readonly userPgd: number;
  readonly walkFrames: Int32Array;
  readonly walkLevels: Uint8Array;
  readonly xenLevel: Uint8Array;
  readonly kernelPmd: number;
  readonly kernelPmdInWalk: boolean;
  readonly pteFrames: Int32Array;
  readonly ptePresent: Uint16Array;
  readonly pteCumulative: Float64Array;
  readonly presentPtes: number;
  readonly pudPages: number;
  readonly pmdPages: number;
  readonly ptePages: number;
  /** Present PTEs of every PTE page when they all have the same count (a dense layout), else 0. */
  private readonly perPage: number;

  constructor(mm: Mm) {
    this.mode = mm.mode;
    this.kernel = mm.kernel;
    this.frameCount = mm.frameCount;
    this.pgd = mm.pgd;
    this.userPgd = mm.userPgd;
    this.walkFrames = mm.walkFrames;
    this.walkLevels = mm.walkLevels;
    this.xenLevel = mm.xenLevel;
    this.kernelPmd = mm.kernelPmd;
    this.kernelPmdInWalk = mm.kernelPmdInWalk;
    this.pteFrames = mm.pteFrames;
    this.ptePresent = mm.ptePresent;
    this.pteCumulative = mm.pteCumulative;
    this.presentPtes = mm.presentPtes;
    this.pudPages = mm.pudPages;
    this.pmdPages = mm.pmdPages;
    this.ptePages = mm.ptePages;
    this.perPage = uniformPresent(mm.ptePresent);
  }

  ptePageOfPte(k: number): number {
    // With every page equally full the k-th PTE is in page floor(k / perPage): what the search would find.
    return this.perPage > 0 ? Math.floor(k / this.perPage) : ptePageOf(this.pteCumulative, k);
  }
}

/** The present-PTE count shared by every PTE page, or 0 when they differ. */
function uniformPresent(present: Uint16Array): number {
  const n = present[0] ?? 0;
  for (let i = 1; i < present.length; i++) if (present[i] !== n) return 0;
  return n;
}

/** The index of the first running total above `k`: the PTE page holding the k-th present PTE (binary search). */
function ptePageOf(cum: Float64Array, k: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    // lo <= mid < hi <= cum.length - 1: in range.
    if ((cum[mid] as number) > k) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Sorted global indices of the PTE pages a layout needs, with each page's present-entry count. */
function presentPtePages(spec: PagingModeSpec, layout: MmLayout): { pages: Float64Array; present: Uint16Array } {
  if (layout.kind === 'dense') {
    const n = layout.ptePages;
    if (!Number.isInteger(n) || n < 1 || n > spec.maxPtePages) {
      throw new ConfigError(
        `ptePages: ${String(n)} is not allowed for mode ${spec.name}; expected an integer from 1 to ${spec.maxPtePages}`,
        'ptePages',
      );
    }
    const arena = new TypedArena({ f64: n, i16: n });
    const pages = arena.f64(n);
    for (let i = 0; i < n; i++) pages[i] = i;
    return { pages, present: arena.u16(n).fill(spec.entriesPerTable) };
  }
  const vmas = mergeVmas(spec, layout.vmas);
  const span = spec.ptePageSpanBytes;
  const pages: number[] = [];
  const present: number[] = [];
  for (const v of vmas) {
    const end = v.start + v.length;
    for (let p = Math.floor(v.start / span); p * span < end; p++) {
      const lo = Math.max(v.start, p * span);
      const hi = Math.min(end, (p + 1) * span);
      const count = (hi - lo) / PAGE_SIZE;
      const last = pages.length - 1;
      if (last >= 0 && pages[last] === p) present[last] = (present[last] as number) + count;
      else {
        pages.push(p);
        present.push(count);
      }
    }
  }
  if (pages.length > spec.maxPtePages) {
    throw new ConfigError(
      `vmas: need ${pages.length} PTE pages, more than mode ${spec.name} allows (${spec.maxPtePages})`,
      'vmas',
    );
  }
  return { pages: Float64Array.from(pages), present: Uint16Array.from(present) };
}

/** Check, sort and merge overlapping or touching VMAs. */
function mergeVmas(spec: PagingModeSpec, vmas: VmaSpec[]): VmaSpec[] {
  if (!Array.isArray(vmas) || vmas.length === 0)
    throw new ConfigError('vmas: expected a non-empty list of {start, length}', 'vmas');
  vmas.forEach((v, i) => {
    const ok = (x: number) => Number.isInteger(x) && x >= 0 && x % PAGE_SIZE === 0;
    if (!ok(v.start) || !ok(v.length) || v.length === 0 || v.start + v.length > spec.userLimitBytes) {
      throw new ConfigError(
        `vmas[${i}]: start ${v.start} length ${v.length}: expected page-aligned (4096) integers, length > 0, ` +
          `end at most ${spec.userLimitBytes} (the ${spec.name} user limit)`,
        `vmas[${i}]`,
      );
    }
  });
  const sorted = [...vmas].sort((a, b) => a.start - b.start);
  const out: VmaSpec[] = [];
  for (const v of sorted) {
    const last = out[out.length - 1];
    if (last && v.start <= last.start + last.length) {
      last.length = Math.max(last.length, v.start + v.length - last.start);
    } else out.push({ start: v.start, length: v.length });
  }
  return out;
}
