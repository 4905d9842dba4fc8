/**
 * A 64-bit hash of a list of numbers (two independent 32-bit lanes, murmur3's finaliser as the mixer), as 16 hex
 * digits: the key of a state in the explorer's table of visited states. Two different states share a key with
 * probability about n^2 / 2^65 for n states (below 1e-7 for a million states): the one way hashing could make the
 * search miss a schedule, stated in docs/explore.md.
 */
const scratch = new Float64Array(1);
const words = new Uint32Array(scratch.buffer);

/** murmur3's 32-bit finaliser. */
function fmix(input: number): number {
  let h = input;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function hashNumbers(values: readonly number[]): string {
  let a = 0x9747b28c;
  let b = 0x1b873593;
  let i = 0;
  for (const x of values) {
    let lo: number;
    let hi: number;
    if (Number.isInteger(x) && x >= -0x80000000 && x <= 0x7fffffff) {
      lo = x | 0;
      hi = 0x5bd1e995;
    } else {
      scratch[0] = x;
      lo = words[0] ?? 0;
      hi = words[1] ?? 0;
    }
    a = fmix(Math.imul(a ^ lo, 0xcc9e2d51) + hi + i);
    b = fmix(Math.imul(b ^ hi, 0x1b873593) + lo + 0x6b43a9b5);
    i++;
  }
  a = fmix(a ^ values.length);
  b = fmix(b ^ a);
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

/** Fold one action into a vCPU's history hash (two lanes at `lanes[2v]`, `lanes[2v + 1]`). */
export function foldAction(lanes: Uint32Array, v: number, kind: number, a: number, b: number, durationNs: number): void {
  const d = durationNs === Number.POSITIVE_INFINITY ? -1 : durationNs;
  let x = lanes[2 * v] ?? 0;
  let y = lanes[2 * v + 1] ?? 0;
  x = fmix(Math.imul(x ^ kind, 0xcc9e2d51) + (a | 0));
  x = fmix(Math.imul(x ^ (b | 0), 0x1b873593) + (d | 0));
  y = fmix(Math.imul(y ^ (a | 0), 0x85ebca6b) + kind);
  y = fmix(Math.imul(y ^ ((d / 4294967296) | 0), 0xc2b2ae35) + (b | 0));
  lanes[2 * v] = x;
  lanes[2 * v + 1] = y;
}
