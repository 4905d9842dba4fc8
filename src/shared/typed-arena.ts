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
  /** Next free byte and end of each width's region. */
  private at8: number;
  private at4: number;
  private at2: number;
  private at1: number;
  private readonly end8: number;
  private readonly end4: number;
  private readonly end2: number;
  private readonly end1: number;

  constructor(sizes: ArenaSizes) {
    const n8 = count(sizes.f64);
    const n4 = count(sizes.i32);
    const n2 = count(sizes.i16);
    const n1 = count(sizes.i8);
    this.at8 = 0;
    this.end8 = 8 * n8;
    this.at4 = this.end8;
    this.end4 = this.at4 + 4 * n4;
    this.at2 = this.end4;
    this.end2 = this.at2 + 2 * n2;
    this.at1 = this.end2;
    this.end1 = this.at1 + n1;
    this.memory = new ArrayBuffer(this.end1);
  }

  f64(n: number): Float64Array {
    return new Float64Array(this.memory, this.carve8(n), n);
  }
  i32(n: number): Int32Array {
    return new Int32Array(this.memory, this.carve4(n), n);
  }
  u32(n: number): Uint32Array {
    return new Uint32Array(this.memory, this.carve4(n), n);
  }
  i16(n: number): Int16Array {
    return new Int16Array(this.memory, this.carve2(n), n);
  }
  u16(n: number): Uint16Array {
    return new Uint16Array(this.memory, this.carve2(n), n);
  }
  u8(n: number): Uint8Array {
    return new Uint8Array(this.memory, this.carve1(n), n);
  }

  private carve8(n: number): number {
    const at = this.at8;
    this.at8 = at + 8 * n;
    if (this.at8 > this.end8) overflow(8, n);
    return at;
  }
  private carve4(n: number): number {
    const at = this.at4;
    this.at4 = at + 4 * n;
    if (this.at4 > this.end4) overflow(4, n);
    return at;
  }
  private carve2(n: number): number {
    const at = this.at2;
    this.at2 = at + 2 * n;
    if (this.at2 > this.end2) overflow(2, n);
    return at;
  }
  private carve1(n: number): number {
    const at = this.at1;
    this.at1 = at + n;
    if (this.at1 > this.end1) overflow(1, n);
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
