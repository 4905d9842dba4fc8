import { DebugLocks } from './lockdep.js';

/** Default PREEMPT_BITS: bits 0-7 of preempt_count (include/linux/hardirq.h in 2.6.24, preempt.h today). */
export const PREEMPT_BITS_DEFAULT = 8;
/** PREEMPT_LOCK_OFFSET with CONFIG_PREEMPT_COUNT: each held spinlock adds 1. */
export const PREEMPT_LOCK_OFFSET = 1;
/** add_preempt_count warns once the PREEMPT field reaches PREEMPT_MASK - this ("Spinlock count overflowing soon?"). */
export const PREEMPT_WARN_MARGIN = 10;

/** One overflow of the PREEMPT field into SOFTIRQ. */
export interface PreemptOverflow {
  /** Depth reached (a multiple of 2^bits). */
  depth: number;
  atNs: number;
}

/**
 * A vCPU's preempt_count with the kernel's field layout: PREEMPT in the low `bits` bits, SOFTIRQ in the next 8.
 * A depth of 2^bits carries into SOFTIRQ: in_softirq() turns true.
 *
 * With CONFIG_DEBUG_PREEMPT, add_preempt_count (kernel/sched.c in 2.6.24, preempt_count_add in
 * kernel/sched/core.c today) ends with DEBUG_LOCKS_WARN_ON((preempt_count() & PREEMPT_MASK) >= PREEMPT_MASK - 10):
 * every add that leaves the PREEMPT field at 245 or more (8 bits) fires it, and the first one turns `debug_locks`
 * off (only a call that turns it off prints). `debugWarnings` counts the firings.
 */
export class PreemptCount {
  /** Raw counter value. */
  value = 0;
  maxDepth = 0;
  /** Increments that carried out of the PREEMPT field. */
  overflows = 0;
  /** add_preempt_count calls whose "overflowing soon" check fired. */
  debugWarnings = 0;
  /** The first few overflows. */
  readonly overflowLog: PreemptOverflow[] = [];

  /** The depth where the PREEMPT field now reads 0: below it a borrow, at base + unit the next carry. */
  private base = 0;
  /** The least depth at which `add` has more to do than count: the next carry or the warning margin, whichever first. */
  private rareAt: number;
  private readonly unit: number;
  private readonly warnAt: number;

  constructor(
    readonly bits: number = PREEMPT_BITS_DEFAULT,
    readonly debugLocks: DebugLocks = new DebugLocks(),
  ) {
    this.unit = 2 ** bits;
    this.warnAt = this.unit - 1 - PREEMPT_WARN_MARGIN;
    this.rareAt = this.rareFrom(0);
  }

  /** rareAt for a PREEMPT field based at `base`: warnAt < unit, so the warning margin comes first (or at once). */
  private rareFrom(base: number): number {
    return base + Math.min(this.unit, this.warnAt);
  }

  /** PREEMPT field mask: 0xff with 8 bits. */
  get preemptMask(): number {
    return 2 ** this.bits - 1;
  }

  /** The PREEMPT field as the kernel reads it (wrapped). */
  get preemptField(): number {
    return this.value & this.preemptMask;
  }

  /** The SOFTIRQ field (8 bits above PREEMPT): non-zero after an overflow. */
  get softirqField(): number {
    return Math.floor(this.value / 2 ** this.bits) & 0xff;
  }

  /** preempt_count_add (the common case inline; a carry or a debug warning in `addRare`). */
  add(n: number, atNs: number): void {
    const v = this.value + n;
    this.value = v;
    if (v > this.maxDepth) this.maxDepth = v;
    // rareAt <= base + unit (the carry) and rareAt <= base + warnAt: below it neither a carry nor the warning happens.
    if (v >= this.rareAt) this.addRare(v, atNs);
  }

  /** The rest of preempt_count_add once the count reached a carry out of PREEMPT or the warning margin. */
  private addRare(v: number, atNs: number): void {
    while (v >= this.base + this.unit) {
      this.overflows++;
      this.base += this.unit;
      if (this.overflowLog.length < 8) this.overflowLog.push({ depth: this.base, atNs });
    }
    this.rareAt = this.rareFrom(this.base);
    if (v - this.base >= this.warnAt) {
      this.debugWarnings++;
      this.debugLocks.off('DEBUG_PREEMPT: preempt count overflowing soon');
    }
  }

  /** preempt_count_sub. */
  sub(n: number): void {
    const v = this.value - n;
    this.value = v;
    if (v < this.base) this.borrow(v);
  }

  /** The count went back below a carry: the PREEMPT field's base moves down. */
  private borrow(v: number): void {
    while (v < this.base) this.base -= this.unit;
    this.rareAt = this.rareFrom(this.base);
  }
}
