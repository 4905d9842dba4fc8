/**
 * pinref-port: a line-by-line TypeScript port of the C yardstick pinref.c (issue 12's "tight C implementation of the
 * same per-pte-deferred state machine"; not part of pinbench, engine-speed.ts compiles it from --pinref FILE or
 * PINBENCH_PINREF_C). Issue 12's premise is that such a port runs at about 3.7x the C: this file is that control,
 * measured by engine-speed.ts in the same rounds as the C, so that the language's factor (port / C, the same work)
 * is measured, not assumed.
 *
 * The port keeps the C's state machine, its function names and their order, and its data layout: a typed array where
 * the C has an array (uint8_t -> Uint8Array, uint32_t -> Uint32Array, uint64_t -> Float64Array: every count stays below
 * 2^53), a plain number where it has a scalar, a class where it has a struct (entry_t), a module-level `var` where it
 * has a static, and its uint64_t scalars of virtual time as the fields of one object (`u64`, see there). It imports
 * nothing of the model. Why `var`: a module-level `let` costs a check for its temporal dead zone on every use from a
 * function, which a C static does not have (measured on this file, CPU time per cycle at 32,768 PTE pages: 3.1-3.5 ms
 * with `let`, 2.3-3.0 ms with `var`, three runs each). The casts `as number` on typed-array reads are there for
 * TypeScript's noUncheckedIndexedAccess: the indices are the C's, in range by construction.
 *
 * Usage, as the C's: node pinref-port.js N ITER -> one line of JSON: N, G, U, nsPerCycle, slotsPerCycle,
 * batchesPerCycle, maxHeld, maxPreempt, hvErrors, virtualNsPerCycle (and `unprinted`, which the C has not: what the C
 * keeps but does not print, so that the port's writes of it are not dead code). As in the C, the first cycle (pin +
 * unpin) is the warm-up that gives the per-cycle counts; the port runs WARMUP_CYCLES - 1 more untimed cycles so that
 * the timed ones run optimised code (the C's first cycle warms caches; JavaScript's must also warm the JIT). Then ITER
 * cycles are timed: wall time (performance.now, the C's CLOCK_MONOTONIC), or the process's CPU time with
 * PINBENCH_PROBE_CLOCK=cpu (engine-speed's --clock cpu, probe-clock.ts). It runs with pinbench's V8 flags
 * (src/shared/v8-tuning.ts), as engine-speed's probes do. Every count equals the C's for the same N
 * (test/benchmarks/pinref-ports.test.ts); virtualNsPerCycle divides by all cycles run, as the C's does (every cycle
 * costs the same virtual time).
 */
import { applyV8Tuning } from '../../src/shared/v8-tuning.js';
import { clockMs } from './probe-clock.js';

applyV8Tuning();

/** Cycles before the timed loop (the C's one warm-up cycle, and more for the JIT). */
const WARMUP_CYCLES = 5;

const RW = 0;
const RO = 1;
const T_NONE = 0;
const OP_UVA = 1;
const OP_MMUEXT = 2;
const C_PIN1 = 0;
const C_PIN4 = 3;
const C_UNPIN = 4;
const MC_BATCH = 32;
const MC_ARGS = 512;
const OPSZ = 24;
const MAXSUB = 32;

/** entry_t */
class Entry {
  op = 0;
  n = 0;
  frame = new Uint32Array(MAXSUB);
  cmd = new Uint8Array(MAXSUB);
  ro = 0;
  flush = 0;
}

var mapping = new Uint8Array(0);
var pinned = new Uint8Array(0);
var type = new Uint8Array(0);
var guest_pinned = new Uint8Array(0);
var typecount = new Uint32Array(0);
var lock_owner = new Uint32Array(0);
var lock_t0 = new Float64Array(0);
/**
 * The C's uint64_t scalars of virtual time (the clock and the hold sums), which leave V8's small-integer range within
 * a few cycles (the clock passes 2^31 ns within 15 cycles). They are fields of one object, not module variables: V8
 * boxes such a number in a new heap number on every write to a module variable, while an object's double field holds
 * it in place. Each starts as -0 (0, but not a small integer), so that V8 gives the field its double representation
 * from the start instead of changing it at run time (measured: 2.4-3.4 ms per cycle so; 3.9-4.5 ms starting at 0;
 * 5.7-8.4 ms as module variables). The C's uint64_t counts stay module variables: they stay small.
 */
const u64 = { now_ns: -0, hold_total: -0, hold_max: -0 };
var acq = 0;
var batches = 0;
var slots = 0;
var traps = 0;
var subops = 0;
var fl_slots = 0;
var fl_args = 0;
var fl_cb = 0;
var hv_errors = 0;
const hold_hist = new Float64Array(64 * 8);
var preempt = 0;
var preempt_max = 0;
var overflows = 0;
var held = 0;
var held_max = 0;
const ents: Entry[] = Array.from({ length: MC_BATCH }, () => new Entry());
var mcidx = 0;
var argidx = 0;
var cbidx = 0;
const cbs = new Uint32Array(MC_BATCH);
/* cost profile, ns */
const C_TRAP = 600;
const C_ENTRY = 40;
const C_REMAP = 120;
const C_FLUSHTLB = 250;
const C_VALIDATE_L1 = 512 * 8;
const C_TYPEREF = 8;
const C_LOCK = 20;
const C_UNLOCK = 10;

/** __builtin_clzll of a uint64 held in a number (v >= 1). */
function clzll(v: number): number {
  return v < 4294967296 ? 32 + Math.clz32(v) : Math.clz32(Math.floor(v / 4294967296));
}
/** v >> k of a uint64 held in a number. */
function shr(v: number, k: number): number {
  return v < 4294967296 ? v >>> k : Math.floor(v / 2 ** k);
}

function hist_add(v: number): void {
  /* log-linear: 8 sub-buckets per power of two */
  const e = v ? 63 - clzll(v) : 0;
  const sub = e >= 3 ? shr(v, e - 3) & 7 : v & 7;
  hold_hist[e * 8 + sub] = (hold_hist[e * 8 + sub] as number) + 1;
}
function lock(f: number): void {
  u64.now_ns += C_LOCK;
  lock_owner[f] = 1;
  lock_t0[f] = u64.now_ns;
  acq++;
  preempt++;
  if (preempt > preempt_max) preempt_max = preempt;
  if (preempt >= 256) overflows++;
  held++;
  if (held > held_max) held_max = held;
}
function unlock(f: number): void {
  const h = u64.now_ns - (lock_t0[f] as number);
  u64.hold_total += h;
  if (h > u64.hold_max) u64.hold_max = h;
  hist_add(h);
  lock_owner[f] = 0;
  u64.now_ns += C_UNLOCK;
  preempt--;
  held--;
}

function xen_exec(e: Entry): void {
  u64.now_ns += C_ENTRY;
  if (e.op === OP_UVA) {
    const f = e.frame[0] as number;
    if (e.ro === RW && type[f] !== T_NONE && (typecount[f] as number) > 0) {
      hv_errors++;
      return;
    }
    mapping[f] = e.ro;
    u64.now_ns += C_REMAP;
    if (e.flush) u64.now_ns += C_FLUSHTLB;
    return;
  }
  for (let i = 0; i < e.n; i++) {
    const f = e.frame[i] as number;
    const c = e.cmd[i] as number;
    if (c === C_UNPIN) {
      if (!pinned[f]) {
        hv_errors++;
        continue;
      }
      pinned[f] = 0;
      typecount[f] = (typecount[f] as number) - 1;
      if (typecount[f] === 0) type[f] = T_NONE;
      u64.now_ns += C_TYPEREF;
    } else {
      if (mapping[f] !== RO || pinned[f]) {
        hv_errors++;
        continue;
      }
      const count = typecount[f] as number;
      typecount[f] = count + 1;
      if (count === 0) {
        type[f] = c + 1;
        u64.now_ns += c === C_PIN1 ? C_VALIDATE_L1 : 512 * C_TYPEREF;
      }
      pinned[f] = 1;
    }
  }
}
function flush(reason: number): void {
  if (reason === 1) fl_slots++;
  else if (reason === 2) fl_args++;
  else if (reason === 3) fl_cb++;
  if (mcidx) {
    batches++;
    traps++;
    u64.now_ns += C_TRAP;
    for (let i = 0; i < mcidx; i++) xen_exec(ents[i] as Entry);
  }
  mcidx = 0;
  argidx = 0;
  for (let i = 0; i < cbidx; i++) unlock(cbs[i] as number);
  cbidx = 0;
}
function mc_entry(args: number): Entry {
  let a = (argidx + 7) & ~7;
  if (mcidx === MC_BATCH) flush(1);
  else if (a + args >= MC_ARGS) flush(2);
  a = (argidx + 7) & ~7;
  argidx = a + args;
  slots++;
  const e = ents[mcidx++] as Entry;
  e.n = 0;
  return e;
}
function uva(f: number, ro: number, fl: number): void {
  const e = mc_entry(0);
  e.op = OP_UVA;
  e.frame[0] = f;
  e.ro = ro;
  e.flush = fl;
  subops++;
}
function mmuext(cmd: number, f: number): void {
  subops++;
  if (
    mcidx > 0 &&
    (ents[mcidx - 1] as Entry).op === OP_MMUEXT &&
    argidx + OPSZ < MC_ARGS &&
    (ents[mcidx - 1] as Entry).n < MAXSUB
  ) {
    const e = ents[mcidx - 1] as Entry;
    e.frame[e.n] = f;
    e.cmd[e.n] = cmd;
    e.n++;
    argidx += OPSZ;
    return;
  }
  const e = mc_entry(OPSZ);
  e.op = OP_MMUEXT;
  e.frame[0] = f;
  e.cmd[0] = cmd;
  e.n = 1;
}
function callback(f: number): void {
  if (cbidx === MC_BATCH) flush(3);
  cbs[cbidx++] = f;
}

/* dense 4level layout: frame 0 = pgd, 1 = user pgd, then puds, pmds, ptes */
var N = 0;
var U = 0;
var G = 0;
var first_pud = 0;
var first_pmd = 0;
var first_pte = 0;
function pin(): void {
  preempt++; /* page_table_lock held by the caller */
  if (preempt > preempt_max) preempt_max = preempt;
  let pte = first_pte;
  let pmd = first_pmd;
  for (let g = 0; g < G; g++) {
    if (!guest_pinned[first_pud + g]) {
      guest_pinned[first_pud + g] = 1;
      uva(first_pud + g, RO, 0);
    }
    for (let k = 0; k < 512 && pmd < first_pmd + U; k++, pmd++) {
      if (!guest_pinned[pmd]) {
        guest_pinned[pmd] = 1;
        uva(pmd, RO, 0);
      }
      for (let j = 0; j < 512 && pte < first_pte + N; j++, pte++) {
        if (guest_pinned[pte]) continue;
        guest_pinned[pte] = 1;
        const e = mc_entry(0);
        e.op = OP_UVA;
        e.frame[0] = pte;
        e.ro = RO;
        e.flush = 0;
        subops++;
        lock(pte);
        mmuext(C_PIN1, pte);
        callback(pte);
      }
    }
  }
  guest_pinned[0] = 1;
  uva(0, RO, 1);
  mmuext(C_PIN4, 0);
  guest_pinned[1] = 1;
  uva(1, RO, 1);
  mmuext(C_PIN4, 1);
  flush(0);
  preempt--;
}
function unpin(): void {
  preempt++;
  mmuext(C_UNPIN, 0);
  mmuext(C_UNPIN, 1);
  guest_pinned[1] = 0;
  uva(1, RW, 1);
  let pte = first_pte;
  let pmd = first_pmd;
  for (let g = 0; g < G; g++) {
    if (guest_pinned[first_pud + g]) {
      guest_pinned[first_pud + g] = 0;
      uva(first_pud + g, RW, 0);
    }
    for (let k = 0; k < 512 && pmd < first_pmd + U; k++, pmd++) {
      if (guest_pinned[pmd]) {
        guest_pinned[pmd] = 0;
        uva(pmd, RW, 0);
      }
      for (let j = 0; j < 512 && pte < first_pte + N; j++, pte++) {
        if (!guest_pinned[pte]) continue;
        guest_pinned[pte] = 0;
        lock(pte);
        mmuext(C_UNPIN, pte);
        uva(pte, RW, 0);
        callback(pte);
      }
    }
  }
  guest_pinned[0] = 0;
  uva(0, RW, 1);
  flush(0);
  preempt--;
}

/** The C's atoi of N and ITER, checked (the C trusts its caller): a positive integer, or exit 2 naming the argument. */
function argument(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > max) {
    process.stderr.write(`pinref-port: ${name} ${JSON.stringify(value)} is not allowed; expected an integer from 1 to ${max}\n`);
    process.stderr.write('usage: node pinref-port.js N ITER\n');
    process.exit(2);
  }
  return n;
}

function main(argv: string[]): void {
  N = argument('N', argv[0], 32768, 256 * 512 * 512);
  const iters = argument('ITER', argv[1], 50, 1_000_000);
  U = Math.floor((N + 511) / 512);
  G = Math.floor((U + 511) / 512);
  first_pud = 2;
  first_pmd = first_pud + G;
  first_pte = first_pmd + U;
  const frames = first_pte + N;
  mapping = new Uint8Array(frames);
  pinned = new Uint8Array(frames);
  type = new Uint8Array(frames);
  guest_pinned = new Uint8Array(frames);
  typecount = new Uint32Array(frames);
  lock_owner = new Uint32Array(frames);
  lock_t0 = new Float64Array(frames);
  /* pmd/pud/pgd L2..L4 type refs on lower tables are taken by the top-level pin: account them simply */
  pin();
  unpin(); /* warm-up, also gives per-cycle counts */
  const s0 = slots;
  const b0 = batches;
  const h0 = held_max;
  for (let i = 1; i < WARMUP_CYCLES; i++) {
    pin();
    unpin();
  }
  const a = clockMs();
  for (let i = 0; i < iters; i++) {
    pin();
    unpin();
  }
  const b = clockMs();
  const ns = ((b - a) * 1e6) / iters;
  process.stdout.write(
    `${JSON.stringify({
      N,
      G,
      U,
      nsPerCycle: Math.round(ns),
      slotsPerCycle: s0,
      batchesPerCycle: b0,
      maxHeld: h0,
      maxPreempt: preempt_max,
      hvErrors: hv_errors,
      virtualNsPerCycle: Math.floor(u64.now_ns / (iters + WARMUP_CYCLES)),
      /* What the C keeps but does not print (so that the port keeps it too, and nothing it writes goes unread). */
      unprinted: {
        acquisitions: acq,
        traps,
        subops,
        flushReasons: [fl_slots, fl_args, fl_cb],
        preemptOverflows: overflows,
        holdTotalNs: u64.hold_total,
        holdMaxNs: u64.hold_max,
        holdHistogram0: hold_hist[0],
        lockOwner0: lock_owner[0],
      },
    })}\n`,
  );
}

main(process.argv.slice(2));
