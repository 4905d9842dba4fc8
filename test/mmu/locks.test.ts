import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DebugLocks,
  KERNEL_ERAS,
  LOCKDEP_REFERENCES_BITS,
  Lockdep,
  MAX_LOCK_DEPTH,
  PREEMPT_WARN_MARGIN,
  PreemptCount,
  SpinLockTable,
} from '../../src/mmu/index.js';

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

  it('counts a DEBUG_PREEMPT warning for every add that leaves the PREEMPT field at PREEMPT_MASK - 10 or more', () => {
    const p = new PreemptCount(8);
    const mask = 255;
    for (let d = 1; d <= 300; d++) p.add(1, d);
    // Field values mask - 10 .. mask (245..255) fire; after the carry at 256 the field restarts at 0.
    assert.equal(p.debugWarnings, PREEMPT_WARN_MARGIN + 1);
    assert.equal(mask - PREEMPT_WARN_MARGIN, 245);
  });

  it('turns debug_locks off at the first DEBUG_PREEMPT warning, which silences lockdep', () => {
    const debug = new DebugLocks();
    const p = new PreemptCount(4, debug);
    const l = new Lockdep(debug);
    for (let d = 1; d < 15 - PREEMPT_WARN_MARGIN; d++) p.add(1, d);
    assert.equal(debug.on, true);
    p.add(1, 0);
    assert.equal(p.debugWarnings, 1);
    assert.equal(debug.on, false);
    l.acquire(0, false);
    l.acquire(0, false);
    assert.equal(l.recursionWarnings, 0, 'lockdep is off: nothing more is reported');
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

  it('warns when merged nest locks overflow held_lock.references (11 bits: the 2048th) and turns itself off', () => {
    const limit = 2 ** LOCKDEP_REFERENCES_BITS;
    const l = new Lockdep();
    l.acquire(1, false);
    for (let i = 0; i < limit - 1; i++) l.acquire(0, true);
    assert.equal(l.referenceOverflows, 0);
    assert.equal(l.off, false);
    l.acquire(0, true);
    assert.equal(l.referenceOverflows, 1);
    assert.equal(l.off, true);
  });

  it('reports a plain spin_lock of a held class as recursive locking, then turns itself off without adding it', () => {
    const l = new Lockdep();
    l.acquire(0, false);
    l.acquire(0, false);
    assert.equal(l.recursionWarnings, 1);
    assert.equal(l.depth, 1);
    assert.equal(l.off, true);
    l.acquire(0, false);
    assert.equal(l.recursionWarnings, 1, 'one splat: lockdep is off');
  });

  it('allows a nest-locked acquisition of a held class below the top (check_deadlock: the nest lock serialises it)', () => {
    const l = new Lockdep();
    l.acquire(0, true);
    l.acquire(1, false);
    l.acquire(0, true);
    assert.equal(l.recursionWarnings, 0);
    assert.equal(l.depth, 3);
  });

  it('switches itself off when the depth reaches MAX_LOCK_DEPTH (the 48th held lock today)', () => {
    const l = new Lockdep();
    for (let c = 0; c < MAX_LOCK_DEPTH - 1; c++) l.acquire(c, false);
    assert.equal(l.overflows, 0);
    l.acquire(100, false);
    assert.equal(l.overflows, 1);
    assert.equal(l.maxDepth, MAX_LOCK_DEPTH);
    assert.equal(l.off, true);
  });

  it('takes 2.6.24 MAX_LOCK_DEPTH of 30: the 30th held lock turns it off', () => {
    const max = KERNEL_ERAS['2.6.24'].maxLockDepth;
    assert.equal(max, 30);
    const l = new Lockdep(new DebugLocks(), { maxLockDepth: max });
    for (let c = 0; c < max - 1; c++) l.acquire(c, false);
    assert.equal(l.off, false);
    l.acquire(100, false);
    assert.equal(l.overflows, 1);
    assert.equal(l.off, true);
  });

  it("shares debug_locks across vCPUs: a warning on one turns every vCPU's lockdep off", () => {
    const debug = new DebugLocks();
    const a = new Lockdep(debug);
    const b = new Lockdep(debug);
    a.acquire(0, false);
    a.acquire(0, false);
    b.acquire(0, false);
    b.acquire(0, false);
    assert.deepEqual([a.recursionWarnings, b.recursionWarnings], [1, 0]);
    assert.equal(b.off, true);
    assert.match(debug.offBy ?? '', /recursive/);
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
