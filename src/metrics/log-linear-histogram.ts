import type { DistSummary } from './types.js';

/** Sub-buckets per power of two: values are kept to within 1/32 of their size. */
const SUB_BUCKET_BITS = 4;
const SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
/** Enough buckets for any integer up to 2^53. */
const BUCKETS = SUB_BUCKETS + (53 - SUB_BUCKET_BITS) * SUB_BUCKETS;

/**
 * A log-linear histogram of non-negative integer durations (ns), in the manner of HdrHistogram:
 * values below 16 are exact, above that each power of two is split into 16 buckets.
 * Count, min, max and total are exact; percentiles are bucket midpoints, clamped to [min, max].
 */
export class LogLinearHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  /** Number of recorded values. */
  count = 0;
  /** Sum of recorded values, ns. */
  total = 0;
  min = Infinity;
  max = 0;

  /** Record one value (ns). Non-integers are rounded down; negative values are a caller bug. */
  record(valueNs: number): void {
    // Every duration a run records is in [0, 2^31) ns: there `valueNs | 0` is Math.floor and the bucket is
    // bucketOf31's, all in int32 arithmetic (a lock records a hold at each release: this is a hot path).
    if (valueNs >= 0 && valueNs < 0x80000000) {
      const v = valueNs | 0;
      this.add(v, bucketOf31(v));
    } else {
      const v = Math.floor(valueNs);
      this.add(v, bucketOf(v));
    }
  }

  /** Count integer `v` in bucket `b` (bucketOf and bucketOf31 map their ranges below BUCKETS, `counts`' length). */
  private add(v: number, b: number): void {
    this.counts[b] = (this.counts[b] as number) + 1;
    this.count++;
    this.total += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  /** Value at quantile q in [0, 1] (nearest rank), or 0 when empty. */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    // b < BUCKETS, the length of `counts` (an index loop: an entries() iterator allocates a pair per bucket).
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.counts[b] as number;
      if (seen >= rank) {
        const [lo, width] = bucketRange(b);
        const mid = lo + Math.floor((width - 1) / 2);
        return Math.min(this.max, Math.max(this.min, mid));
      }
    }
    return this.max;
  }

  /** Add every value of `other` into this histogram. */
  merge(other: LogLinearHistogram): void {
    const counts = this.counts;
    const others = other.counts;
    // Both have BUCKETS entries.
    for (let b = 0; b < BUCKETS; b++) counts[b] = (counts[b] as number) + (others[b] as number);
    this.count += other.count;
    this.total += other.total;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
  }

  /** lockstat-style summary; all zeros when empty. */
  summary(): DistSummary {
    if (this.count === 0) return { count: 0, minNs: 0, meanNs: 0, p50Ns: 0, p99Ns: 0, maxNs: 0, totalNs: 0 };
    return {
      count: this.count,
      minNs: this.min,
      meanNs: this.total / this.count,
      p50Ns: this.quantile(0.5),
      p99Ns: this.quantile(0.99),
      maxNs: this.max,
      totalNs: this.total,
    };
  }
}

/** Bucket index of a non-negative integer. */
export function bucketOf(v: number): number {
  if (v < SUB_BUCKETS) return v;
  let exp: number;
  let sub: number;
  if (v < 0x100000000) {
    exp = 31 - Math.clz32(v);
    sub = (v >>> (exp - SUB_BUCKET_BITS)) - SUB_BUCKETS;
  } else {
    exp = Math.floor(Math.log2(v));
    // Math.log2 may round either way next to a power of two; correct it.
    if (2 ** exp > v) exp--;
    else if (2 ** (exp + 1) <= v) exp++;
    sub = Math.floor(v / 2 ** (exp - SUB_BUCKET_BITS)) - SUB_BUCKETS;
  }
  return SUB_BUCKETS + (exp - SUB_BUCKET_BITS) * SUB_BUCKETS + sub;
}

/**
 * bucketOf of an integer in [0, 2^31): below 16 the value itself, else 16 buckets per power of two, which is
 * (exp - 4) * 16 + (v >>> (exp - 4)) with exp = floor(log2 v) (the same buckets as bucketOf).
 */
export function bucketOf31(v: number): number {
  if (v < SUB_BUCKETS) return v;
  const shift = 31 - SUB_BUCKET_BITS - Math.clz32(v);
  return (shift << SUB_BUCKET_BITS) + (v >>> shift);
}

/** [lowest value, width] of bucket b. */
export function bucketRange(b: number): [number, number] {
  if (b < SUB_BUCKETS) return [b, 1];
  const exp = Math.floor((b - SUB_BUCKETS) / SUB_BUCKETS) + SUB_BUCKET_BITS;
  const sub = (b - SUB_BUCKETS) % SUB_BUCKETS;
  const width = 2 ** (exp - SUB_BUCKET_BITS);
  return [(SUB_BUCKETS + sub) * width, width];
}
