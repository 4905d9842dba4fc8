import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

type Generator = ReturnType<typeof xoroshiro128plus>;

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
 * A seeded random stream (xoroshiro128+ from pure-rand), named so that adding a stream never shifts another's
 * draws: stream "writer-2" of seed 7 is the same whatever other streams exist.
 */
export class RngStream {
  private readonly g: Generator;

  constructor(
    seed: number,
    readonly name: string,
  ) {
    this.g = xoroshiro128plus((Math.imul(seed | 0, 0x9e3779b1) ^ fnv1a(name)) | 0);
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return uniformInt(this.g, min, max);
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  float(): number {
    const hi = this.g.next() >>> 5; // 27 bits
    const lo = this.g.next() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Exponentially distributed integer ns with the given mean (inverse CDF), at least 0. */
  exponentialNs(meanNs: number): number {
    return Math.round(-meanNs * Math.log(1 - this.float()));
  }
}
