import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Lockdep, MAX_LOCK_DEPTH, PreemptCount, SpinLockTable } from '../../src/mmu/index.js';

describe('PreemptCount', () => {
  it('overflows exactly when the 8-bit PREEMPT field reaches 256, carrying into SOFTIRQ', () => {
    const p = new PreemptCount(8);
    for (let i = 0; i < 255; i++) p.add(1, i);
    assert.equal(p.overflows, 0);
    assert.equal(p.preemptField, 255);
    p.add(1, 255);
    assert.equal(p.overflows, 1);
    assert.equal(p.preemptField, 0);
    assert.equal(p.softirqField, 1);
    assert.deepEqual(p.overflowLog, [{ depth: 256, atNs: 255 }]);
    assert.equal(p.maxDepth, 256);
  });

  it('takes PREEMPT_BITS as a parameter', () => {
    const p = new PreemptCount(4);
    for (let i = 0; i < 33; i++) p.add(1, 0);
    assert.equal(p.overflows, 2);
  });

  it('records the maximum depth after the count falls back', () => {
    const p = new PreemptCount();
    p.add(1, 0);
    p.add(1, 0);
    p.sub(1);
    p.sub(1);
    assert.equal(p.value, 0);
    assert.equal(p.maxDepth, 2);
  });
});

describe('Lockdep', () => {
  it('merges consecutive nest-locked acquisitions of one class into one entry', () => {
    const l = new Lockdep();
    l.acquire(1, false); // page_table_lock
    for (let i = 0; i < 300; i++) l.acquire(0, true); // ptl nested
    assert.equal(l.depth, 2);
    assert.equal(l.maxDepth, 2);
    for (let i = 0; i < 300; i++) l.release(0);
    assert.equal(l.depth, 1);
  });

  it('does not merge plain spin_lock of the same class: recursion warning and one entry each', () => {
    const l = new Lockdep();
    l.acquire(0, false);
    l.acquire(0, false);
    assert.equal(l.depth, 2);
    assert.equal(l.recursionWarnings, 1);
  });

  it('switches itself off at the 49th separate entry (MAX_LOCK_DEPTH 48)', () => {
    const l = new Lockdep();
    for (let c = 0; c < MAX_LOCK_DEPTH; c++) l.acquire(c, false);
    assert.equal(l.overflows, 0);
    l.acquire(100, false);
    assert.equal(l.overflows, 1);
    assert.equal(l.maxDepth, 48);
    assert.equal(l.off, true);
  });
});

describe('SpinLockTable', () => {
  it('counts acquisitions, contentions, hold and wait times from the injected clock, FIFO hand-over', () => {
    const clock = { now: 0 };
    const t = new SpinLockTable(4, 3, clock);
    assert.equal(t.tryAcquire(2, 0), true);
    clock.now = 10;
    assert.equal(t.tryAcquire(2, 1), false);
    clock.now = 20;
    assert.equal(t.tryAcquire(2, 2), false);
    clock.now = 100;
    assert.equal(t.release(2, 0), 1);
    t.grant(2, 150);
    clock.now = 200;
    assert.equal(t.release(2, 1), 2);
    t.grant(2, 260);
    clock.now = 300;
    assert.equal(t.release(2, 2), -1);
    const c = t.classes[0];
    assert.equal(c.acquisitions, 3);
    assert.equal(c.contentions, 2);
    assert.deepEqual([c.hold.count, c.hold.total, c.hold.min, c.hold.max], [3, 100 + 50 + 40, 40, 100]);
    assert.deepEqual([c.wait.count, c.wait.total], [2, 140 + 240]);
    assert.equal(t.owner[2], -1);
  });

  it('keeps page_table_lock apart as its own class and tracks most held at once per vCPU', () => {
    const t = new SpinLockTable(4, 1, { now: 0 });
    t.tryAcquire(t.pageTableLock, 0);
    t.tryAcquire(0, 0);
    t.tryAcquire(1, 0);
    assert.equal(t.classes[0].maxHeld, 2);
    assert.equal(t.classes[1].maxHeld, 1);
  });

  it('treats a vCPU taking a lock it holds as a deadlock', () => {
    const t = new SpinLockTable(2, 1, { now: 0 });
    t.tryAcquire(0, 0);
    assert.throws(() => t.tryAcquire(0, 0), /spin forever/);
  });
});
