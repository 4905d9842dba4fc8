import { ModelError } from './errors.js';

/** How many elements of each width an arena holds. */
export interface ArenaSizes {
  /** Float64Array elements. */
  readonly f64?: number;
  /** Int32Array and Uint32Array elements. */
  readonly i32?: number;
  /** Int16Array and Uint16Array elements. */
  readonly i16?: number;
  /** Int8Array and Uint8Array elements. */
  readonly i8?: number;
}

/** Element widths in bytes, widest first so that every region is aligned. */
const WIDTHS = [8, 4, 2, 1] as const;

/**
 * Typed arrays carved out of one ArrayBuffer: the per-frame arrays of an mm, of Xen's view of it or of its locks
 * cost one allocation instead of one each. A typed array of more than 64 bytes has a backing store outside V8's heap
 * (an allocation, zeroing, and bookkeeping the GC sweeps afterwards): a run of a 1,024-page mm made some forty of
 * them, a fifth of a short racing run's time (issue 12). The 8-byte elements come first, then the 4-, 2- and
 * 1-byte ones, so every array is aligned; the memory is zeroed. Carving more of a width than the sizes declared is
 * a ModelError.
 */
export class TypedArena {
  private readonly memory: ArrayBuffer;
  /** Per width (8, 4, 2, 1 bytes, in that order): the next free byte of its region, and the region's end. */
  private readonly next: number[];
  private readonly end: number[];

  constructor(sizes: ArenaSizes) {
    const counts = [count(sizes.f64), count(sizes.i32), count(sizes.i16), count(sizes.i8)];
    this.next = [];
    this.end = [];
    let at = 0;
    counts.forEach((n, w) => {
      this.next.push(at);
      at += (WIDTHS[w] as number) * n; // w < 4
      this.end.push(at);
    });
    this.memory = new ArrayBuffer(at);
  }

  f64(n: number): Float64Array {
    return new Float64Array(this.memory, this.carve(0, n), n);
  }
  i32(n: number): Int32Array {
    return new Int32Array(this.memory, this.carve(1, n), n);
  }
  u32(n: number): Uint32Array {
    return new Uint32Array(this.memory, this.carve(1, n), n);
  }
  i16(n: number): Int16Array {
    return new Int16Array(this.memory, this.carve(2, n), n);
  }
  u16(n: number): Uint16Array {
    return new Uint16Array(this.memory, this.carve(2, n), n);
  }
  u8(n: number): Uint8Array {
    return new Uint8Array(this.memory, this.carve(3, n), n);
  }

  /** The byte offset of `n` more elements of width class `w` (an index into WIDTHS). */
  private carve(w: number, n: number): number {
    const at = this.next[w] as number; // w < 4: every array here has 4 entries
    const after = at + (WIDTHS[w] as number) * n;
    if (after > (this.end[w] as number)) overflow(WIDTHS[w] as number, n);
    this.next[w] = after;
    return at;
  }
}

function count(n: number | undefined): number {
  const c = n ?? 0;
  if (!Number.isInteger(c) || c < 0) throw new ModelError(`TypedArena: ${String(n)} elements is not a count`);
  return c;
}

function overflow(width: number, n: number): never {
  throw new ModelError(`TypedArena: ${n} more elements of ${width} bytes than the sizes declared`);
}
