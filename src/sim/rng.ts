import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';

/** FNV-1a of a stream name, so each named stream gets its own seed. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A seeded random stream (pure-rand's xoroshiro128+ and its uniformInt), named so that adding a stream never
 * shifts another's draws: stream "writer-2" of seed 7 is the same whatever other streams exist.
 *
 * pure-rand seeds the generator. Its step (`XoroShiro128Plus.next`) and the common case of its `uniformInt` (a range
 * of at most 2^32 - 1 integers: `uniformIntInternal`) are repeated here, draw for draw, on the state held in an
 * Int32Array: racing writers draw twice per update, and pure-rand's generic path (four object fields that do not
 * stay small integers, a floating-point modulo) cost more than the writer's own work (issue 12). Any other range
 * goes to pure-rand's `uniformInt` on the same state. test/sim/rng.test.ts checks every draw against pure-rand.
 */
export class RngStream {
  /** xoroshiro128+'s 128-bit state as pure-rand keeps it (getState order): s01, s00, s11, s10. */
  private readonly s: Int32Array;

  constructor(
    seed: number,
    readonly name: string,
  ) {
    this.s = Int32Array.from(xoroshiro128plus((Math.imul(seed | 0, 0x9e3779b1) ^ fnv1a(name)) | 0).getState());
  }

  /** The next 32 random bits, as a signed integer (pure-rand's XoroShiro128Plus.next). */
  private next(): number {
    const s = this.s;
    // s has 4 entries: the reads are in range.
    const s01 = s[0] as number;
    const s00 = s[1] as number;
    const s11 = s[2] as number;
    const s10 = s[3] as number;
    const out = (s00 + s10) | 0;
    const a0 = s10 ^ s00;
    const a1 = s11 ^ s01;
    s[1] = (s00 << 24) ^ (s01 >>> 8) ^ a0 ^ (a0 << 16);
    s[0] = (s01 << 24) ^ (s00 >>> 8) ^ a1 ^ ((a1 << 16) | (a0 >>> 16));
    s[3] = (a1 << 5) ^ (a0 >>> 27);
    s[2] = (a0 << 5) ^ (a1 >>> 27);
    return out;
  }

  /** Uniform integer in [min, max] (pure-rand's uniformInt). */
  int(min: number, max: number): number {
    const size = max - min + 1;
    if (size >= 1 && size === size >>> 0) {
      // uniformIntInternal(rng, size): reject the draws above the largest multiple of size below 2^32. Both operands
      // of the modulo are uint32 here, so it is an integer division, not fmod.
      const range = size >>> 0;
      const limit = range > 2 ? Math.floor(4294967296 / range) * range : 4294967296;
      let d = (this.next() ^ 0x80000000) >>> 0; // next() + 2^31
      while (d >= limit) d = (this.next() ^ 0x80000000) >>> 0;
      return ((d % range) >>> 0) + min;
    }
    const s = this.s;
    const g = xoroshiro128plusFromState(Array.from(s));
    const r = uniformInt(g, min, max);
    s.set(g.getState());
    return r;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  float(): number {
    const hi = this.next() >>> 5; // 27 bits
    const lo = this.next() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Exponentially distributed integer ns with the given mean (inverse CDF), at least 0. */
  exponentialNs(meanNs: number): number {
    return round(-meanNs * Math.log(1 - this.float()));
  }
}

/** 2^52: from here on every double is an integer. */
const TWO_52 = 4_503_599_627_370_496;

/**
 * Math.round(x), which V8 compiles into a call (about 10 ns) where Math.floor is one instruction. For 0.5 <= x <
 * 2^52, x + 0.5 is a multiple of x's ulp and is rounded (if at all) only when it reaches the next power of two,
 * where no integer lies within an ulp below it: floor(x + 0.5) is then exactly Math.round(x). Any other x (below
 * 0.5, -0, NaN, huge) goes to Math.round. test/sim/engine.test.ts checks the boundaries.
 */
export function round(x: number): number {
  return x >= 0.5 && x < TWO_52 ? Math.floor(x + 0.5) : Math.round(x);
}
