import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bucketOf, bucketOf31, bucketRange, LogLinearHistogram } from '../../src/metrics/index.js';

describe('LogLinearHistogram', () => {
  it('is exact below 16 and within 1/16 above', () => {
    for (let v = 0; v < 16; v++) assert.deepEqual(bucketRange(bucketOf(v)), [v, 1]);
    for (const v of [16, 17, 31, 32, 33, 1000, 123456, 2 ** 40 + 5]) {
      const [lo, w] = bucketRange(bucketOf(v));
      assert.ok(lo <= v && v < lo + w, `${v} in [${lo}, ${lo + w})`);
      assert.ok(w / lo <= 1 / 16, `width of ${v}`);
    }
  });

  it('puts a value below 2^31 in the same bucket by the int32 path as by bucketOf', () => {
    const values: number[] = [];
    for (let v = 0; v < 4096; v++) values.push(v);
    for (let e = 12; e < 31; e++) for (const d of [-1, 0, 1, 2 ** (e - 5), 2 ** (e - 4) - 1]) values.push(2 ** e + d);
    values.push(2 ** 31 - 1);
    for (const v of values) assert.equal(bucketOf31(v), bucketOf(v), `value ${v}`);
  });

  it('rounds a fractional value down below 2^31 and above it alike', () => {
    const h = new LogLinearHistogram();
    h.record(1000.75);
    h.record(2 ** 31 + 0.5);
    const s = h.summary();
    assert.deepEqual([s.count, s.minNs, s.maxNs, s.totalNs], [2, 1000, 2 ** 31, 1000 + 2 ** 31]);
  });

  it('gives exact count, min, max, mean and total, and nearest-rank percentiles', () => {
    const h = new LogLinearHistogram();
    for (let v = 1; v <= 10; v++) h.record(v);
    h.record(1000);
    const s = h.summary();
    assert.deepEqual([s.count, s.minNs, s.maxNs, s.totalNs], [11, 1, 1000, 1055]);
    assert.equal(s.meanNs, 1055 / 11);
    assert.equal(s.p50Ns, 6);
    assert.ok(Math.abs(s.p99Ns - 1000) <= 1000 / 16);
  });

  it('summarises an empty histogram as zeros', () => {
    assert.deepEqual(new LogLinearHistogram().summary(), {
      count: 0,
      minNs: 0,
      meanNs: 0,
      p50Ns: 0,
      p99Ns: 0,
      maxNs: 0,
      totalNs: 0,
    });
  });
});
