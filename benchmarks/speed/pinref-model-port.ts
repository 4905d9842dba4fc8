/**
 * pinref-model-port: a line-by-line TypeScript port of the fidelity-matched C, benchmarks/speed/pinref-model.c (the
 * yardstick pinref.c extended with the work pinbench's model does beyond it: Xen's type-change flushes and validation
 * stamps, lockdep, the lock and batcher statistics, walk-step accounting, the virtual clock and the event count; see
 * that file's header for what it follows, rule by rule). engine-speed.ts runs it in the same rounds as the C, so that
 * matched port / matched C is the language's factor at today's fidelity, and engine / matched port and floor /
 * matched port the design's.
 *
 * The port keeps the C's rules, function names and order, and its data layout, as pinref-port.ts does for the
 * yardstick: a typed array where the C has an array (int8/16/32 and uint8/16/32 as such, uint64_t, int64_t and double
 * as Float64Array: every value stays below 2^53), a class where it has a struct (histo_t, lock_class_t), a module-level
 * `var` where it has a static (a module `let` costs a temporal-dead-zone check on every use from a function), and the
 * C's 64-bit scalars of virtual time (ns_t) as double fields of one object, `ns`, that start at -0 (see pinref-port.ts:
 * V8 boxes a number outside the small-integer range on every write to a module variable). `const char *` messages
 * are strings (NULL: null). It imports nothing of the model. The casts `as number` on typed-array reads are there for
 * TypeScript's noUncheckedIndexedAccess: the indices are the C's, in range by construction.
 *
 * Usage, as the C's: node pinref-model-port.js N ITER -> one line of JSON: N, slotsPerCycle, batchesPerCycle, `counts`
 * (the first cycle's, from a fresh state: engine-speed checks them against the model's with matched-c.ts's
 * countMismatches, as it checks the C's), nsPerCycle, and `run` (the whole run's state, as the C prints it; `cycles`
 * counts every cycle run, the warm-up's included; `unprinted`, which the C has not, gives what the C keeps but does not
 * print, so that the port's writes of it are not dead code). After the first cycle it runs WARMUP_CYCLES - 1 more
 * untimed cycles (for the JIT), then times ITER cycles: wall time (performance.now, the C's CLOCK_MONOTONIC), or the
 * process's CPU time with PINBENCH_PROBE_CLOCK=cpu (engine-speed's --clock cpu). It runs with pinbench's V8 flags
 * (src/shared/v8-tuning.ts), as engine-speed's probes do.
 */
import { applyV8Tuning } from '../../src/shared/v8-tuning.js';
import { clockMs } from './probe-clock.js';

applyV8Tuning();

/** Cycles before the timed loop: the first gives the counts, the others warm the JIT. */
const WARMUP_CYCLES = 5;

/* ---- the `modern` cost profile (src/hv/cost-profiles.ts), ns ---- */
const HYPERCALL_TRAP = 450;
const MC_ENTRY_DISPATCH = 20;
const REMAP = 120;
const TLB_FLUSH = 300;
const FLUSH_IPI = 1000;
const VALIDATE_ENTRY = 10;
const TYPE_REF = 20;
const MMUEXT_OP = 70;
const SPIN_ACQUIRE = 8;
const SPIN_RELEASE = 3;
const WALK_STEP = 25;

/* ---- ABI (src/hv/abi.ts) ---- */
const HC_UPDATE_VA_MAPPING = 14;
const HC_MMUEXT_OP = 26;
const PIN_L1 = 0;
const PIN_L4 = 3;
const UNPIN = 4;
const UVMF_NONE = 0;
const UVMF_TLB_FLUSH = 1;
const PT_PGD = 0;
const PT_PUD = 1;
const PT_PMD = 2;
const PT_PTE = 3;
const FRAME_RW = 1;
const PG_PINNED = 2;

/* ---- the mm (src/mmu/mm.ts, dense 4level) ---- */
var frames = 0;
var N = 0;
var U = 0;
var G = 0;
const PGD = 0;
const USER_PGD = 1;
var walk_frames = new Int32Array(0);
var walk_levels = new Uint8Array(0);
var walk_len = 0;
var flags = new Uint8Array(0);
var xen_level = new Uint8Array(0);
var child_start = new Int32Array(0);
var child_count = new Int32Array(0);
var children = new Int32Array(0);

/* ---- Xen (src/hv/hypervisor.ts) ---- */
const TYPE_WRITABLE = 7;
const TYPE_NONE = 0;
const TYPE_REFUSED = 0;
const TYPE_TAKEN = 1;
const TYPE_VALIDATE = 2;
const VCPUS = 1;
var type_level = new Uint8Array(0);
var pinned = new Uint8Array(0);
var last_type = new Uint8Array(0);
var type_count = new Uint32Array(0);
var validated_at = new Float64Array(0);
var check_ns = new Float64Array(0);
var tlbflush_ts = new Float64Array(0); /* stamps of the TLB clock */
const cpu_flush_time = new Float64Array(VCPUS);
const stolen = new Float64Array(VCPUS);
var tlb_clock = 1;
var current_vcpu = 0;
/**
 * The C's ns_t scalars (xcost, op_start, entry_start here; now_ns and debt_ns below), as double fields of one object
 * that start at -0: see the header.
 */
const ns = { xcost: -0, op_start: -0, entry_start: -0, now_ns: -0, debt_ns: -0 };
var failure: string | null = null;
var st_guest_flushes = 0;
var st_type_change_flushes = 0;
var st_flush_ipis = 0;
var st_validated = 0;
var st_devalidated = 0;
var st_errors = 0;
var entry_errors = 0;
var entry_first_error: string | null = null;

/* ---- the batcher (src/hv/multicall-batcher.ts; kernel `current`: bytes, coalescing, singleton bypass) ---- */
const MC_BATCH = 32;
const MC_ARGS = 512;
const MMUEXT_BYTES = 24;
const SUBCAP = Math.floor(MC_ARGS / 12) + MC_BATCH;
const CB_UNLOCK = 1;
const R_NONE = 0;
const R_SLOTS = 1;
const R_ARGS = 2;
const R_CALLBACKS = 3;
const e_op = new Uint8Array(MC_BATCH);
const e_frame = new Int32Array(MC_BATCH);
const e_arg = new Int32Array(MC_BATCH);
const e_sub_start = new Int32Array(MC_BATCH);
const e_sub_count = new Int32Array(MC_BATCH);
const s_cmd = new Uint8Array(SUBCAP);
const s_frame = new Int32Array(SUBCAP);
const cb_kind = new Uint8Array(MC_BATCH);
const cb_data = new Int32Array(MC_BATCH);
var mc_n = 0;
var mc_nsub = 0;
var mc_ncb = 0;
var mc_argidx = 0;
var b_batches = 0;
var b_multicalls = 0;
var b_singletons = 0;
var b_entries = 0;
var b_arg_bytes = 0;
const b_reasons = new Float64Array(4);
var b_uvm = 0;
const b_batch_histo = new Float64Array(MC_BATCH + 1);
const b_hypercall_histo = new Float64Array(64);
const b_mmuext_histo = new Float64Array(32);
var pend_uvm = 0;
var pend_mmuext_entries = 0;
const pend_cmds = new Float64Array(32);
const pend_cmd_list = new Uint8Array(32);
var pend_cmd_count = 0;

/* ---- locks (src/mmu/spin-lock.ts) and the log-linear histogram (src/metrics/log-linear-histogram.ts) ---- */
const SUB_BUCKET_BITS = 4;
const SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
const BUCKETS = SUB_BUCKETS + (53 - SUB_BUCKET_BITS) * SUB_BUCKETS;
/** histo_t (min starts at UINT64_MAX: Infinity here; total, max: double fields from the start, as `ns`). */
class Histo {
  counts = new Float64Array(BUCKETS);
  count = 0;
  min = Number.POSITIVE_INFINITY;
  max = -0;
  total = -0;
}
/** lock_class_t */
class LockClass {
  acquisitions = 0;
  contentions = 0;
  max_held = 0;
  hold = new Histo();
  wait = new Histo();
}
const CLASS_PTL = 0;
const CLASS_PAGE_TABLE_LOCK = 1;
var lock_owner = new Int16Array(0);
var lock_acquired_at = new Float64Array(0);
var lock_acquisitions = new Uint32Array(0);
var page_table_lock = 0; /* = frames */
const lock_classes: LockClass[] = [new LockClass(), new LockClass()];
const held = new Int32Array(VCPUS * 2);

/* ---- lockdep (src/mmu/lockdep.ts; `current`: MAX_LOCK_DEPTH 48, 11 reference bits) and the preempt count ---- */
const MAX_LOCK_DEPTH = 48;
const REFERENCES_LIMIT = 1 << 11;
var debug_locks_on = 1;
var debug_locks_off_by: string | null = null;
const ld_classes = new Int32Array(MAX_LOCK_DEPTH);
const ld_refs = new Float64Array(MAX_LOCK_DEPTH);
var ld_top = -1;
var ld_max_depth = 0;
var ld_overflows = 0;
var ld_recursion_warnings = 0;
var ld_reference_overflows = 0;
const PREEMPT_BITS = 8;
const PREEMPT_WARN_MARGIN = 10;
const PREEMPT_UNIT = 1 << PREEMPT_BITS;
const PREEMPT_WARN_AT = (1 << PREEMPT_BITS) - 1 - PREEMPT_WARN_MARGIN;
var preempt_value = 0;
var preempt_max = 0;
var preempt_base = 0;
var preempt_rare_at = 0;
var preempt_overflows = 0;
var preempt_debug_warnings = 0;

/* ---- the guest vCPU (src/scenarios/vcpu/guest-cpu.ts) and the engine's clock and event count ---- */
/* now_ns and debt_ns: in `ns` above */
var events = 0;
var hypercall_errors = 0;
var first_hypercall_error: string | null = null;

function die(what: string, frame: number): never {
  process.stderr.write(`pinref-model-port: ${what} (frame ${frame})\n`);
  process.exit(1);
}

function debug_locks_off(reason: string): number {
  if (!debug_locks_on) return 0;
  debug_locks_on = 0;
  debug_locks_off_by = reason;
  return 1;
}

/* ---- histogram ---- */
/** __builtin_clzll of a uint64 held in a number (v >= 1). */
function clzll(v: number): number {
  return v < 4294967296 ? 32 + Math.clz32(v) : Math.clz32(Math.floor(v / 4294967296));
}
/** v >> k of a uint64 held in a number. */
function shr(v: number, k: number): number {
  return v < 4294967296 ? v >>> k : Math.floor(v / 2 ** k);
}
function bucket_of(v: number): number {
  if (v < SUB_BUCKETS) return v;
  const exp = 63 - clzll(v);
  const sub = shr(v, exp - SUB_BUCKET_BITS) - SUB_BUCKETS;
  return SUB_BUCKETS + (exp - SUB_BUCKET_BITS) * SUB_BUCKETS + sub;
}
function histo_record(h: Histo, d: number): void {
  const v = Math.max(d, 0); /* the model records durations >= 0 only */
  const b = bucket_of(v);
  h.counts[b] = (h.counts[b] as number) + 1;
  h.count++;
  h.total += v;
  if (v < h.min) h.min = v;
  if (v > h.max) h.max = v;
}

/* ---- preempt count ---- */
function preempt_rare_from(base: number): number {
  return base + Math.min(PREEMPT_UNIT, PREEMPT_WARN_AT);
}
function preempt_add_rare(v: number): void {
  while (v >= preempt_base + PREEMPT_UNIT) {
    preempt_overflows++;
    preempt_base += PREEMPT_UNIT;
  }
  preempt_rare_at = preempt_rare_from(preempt_base);
  if (v - preempt_base >= PREEMPT_WARN_AT) {
    preempt_debug_warnings++;
    debug_locks_off('DEBUG_PREEMPT: preempt count overflowing soon');
  }
}
function preempt_add(n: number): void {
  const v = preempt_value + n;
  preempt_value = v;
  if (v > preempt_max) preempt_max = v;
  if (v >= preempt_rare_at) preempt_add_rare(v);
}
function preempt_sub(n: number): void {
  const v = preempt_value - n;
  preempt_value = v;
  if (v < preempt_base) {
    while (v < preempt_base) preempt_base -= PREEMPT_UNIT;
    preempt_rare_at = preempt_rare_from(preempt_base);
  }
}

/* ---- lockdep ---- */
function lockdep_acquire_rest(cls: number, nest: number): void {
  if (!nest) {
    for (let i = 0; i <= ld_top; i++)
      if (ld_classes[i] === cls) {
        ld_recursion_warnings++;
        debug_locks_off('lockdep: possible recursive locking detected');
        return;
      }
  }
  const top = ld_top;
  const depth = top + 2;
  ld_top = top + 1;
  ld_classes[top + 1] = cls;
  ld_refs[top + 1] = 1;
  if (depth > ld_max_depth) ld_max_depth = depth;
  if (depth >= MAX_LOCK_DEPTH) {
    ld_overflows++;
    debug_locks_off('lockdep: BUG: MAX_LOCK_DEPTH too low!');
  }
}
function lockdep_acquire(cls: number, nest: number): void {
  if (!debug_locks_on) return;
  const top = ld_top;
  if (nest && top >= 0 && ld_classes[top] === cls) {
    const refs = (ld_refs[top] as number) + 1;
    ld_refs[top] = refs;
    if (refs >= REFERENCES_LIMIT) {
      ld_reference_overflows++;
      debug_locks_off('lockdep: held_lock.references overflow');
    }
    return;
  }
  lockdep_acquire_rest(cls, nest);
}
function lockdep_release_rest(cls: number): void {
  const top = ld_top;
  let i = top;
  while (i >= 0 && ld_classes[i] !== cls) i--;
  if (i < 0) return;
  const refs = (ld_refs[i] as number) - 1;
  ld_refs[i] = refs;
  if (refs === 0) {
    for (let j = i; j < top; j++) {
      ld_classes[j] = ld_classes[j + 1] as number;
      ld_refs[j] = ld_refs[j + 1] as number;
    }
    ld_top = top - 1;
  }
}
function lockdep_release(cls: number): void {
  if (!debug_locks_on) return;
  const top = ld_top;
  if (top >= 0 && ld_classes[top] === cls) {
    const refs = (ld_refs[top] as number) - 1;
    if (refs > 0) {
      ld_refs[top] = refs;
      return;
    }
  }
  lockdep_release_rest(cls);
}

/* ---- the lock table ---- */
function class_of(id: number): number {
  return id === page_table_lock ? CLASS_PAGE_TABLE_LOCK : CLASS_PTL;
}
function lock_try_acquire(id: number, vcpu: number): number {
  if (lock_owner[id] !== -1) die('lock busy: one vCPU never contends', id);
  lock_owner[id] = vcpu;
  lock_acquired_at[id] = ns.now_ns;
  lock_acquisitions[id] = (lock_acquisitions[id] as number) + 1;
  const cls = class_of(id);
  const s = lock_classes[cls] as LockClass;
  s.acquisitions++;
  const k = vcpu * 2 + cls;
  const h = (held[k] as number) + 1;
  held[k] = h;
  if (h > s.max_held) s.max_held = h;
  return 1;
}
function lock_release(id: number, vcpu: number): void {
  if (lock_owner[id] !== vcpu) die('release of a lock the vCPU does not hold', id);
  const cls = class_of(id);
  histo_record((lock_classes[cls] as LockClass).hold, ns.now_ns - (lock_acquired_at[id] as number));
  held[vcpu * 2 + cls] = (held[vcpu * 2 + cls] as number) - 1;
  lock_owner[id] = -1; /* no waiter on one vCPU */
}

/* ---- Xen ---- */
function type_change_flush(frame: number): void {
  const stamp = tlbflush_ts[frame] as number;
  let any = 0;
  for (let c = 0; c < VCPUS; c++) {
    if ((cpu_flush_time[c] as number) > stamp) continue;
    any = 1;
    if (c === current_vcpu) ns.xcost += TLB_FLUSH;
    else {
      ns.xcost += FLUSH_IPI;
      st_flush_ipis++;
      stolen[c] = (stolen[c] as number) + TLB_FLUSH;
    }
    cpu_flush_time[c] = ++tlb_clock;
  }
  if (any) st_type_change_flushes++;
}
function refuse(why: string): number {
  failure = why;
  return 0;
}
function remap(frame: number, rw: number, uvmf: number): number {
  ns.xcost = REMAP;
  if (frame >= frames) return refuse('update_va_mapping: not a frame of this domain');
  const f = flags[frame] as number;
  if (rw) {
    if ((type_count[frame] as number) > 0) return refuse('update_va_mapping: Bad type: cannot map a pagetable writable');
    if (!(f & FRAME_RW)) {
      if (last_type[frame] !== TYPE_WRITABLE) {
        type_change_flush(frame);
        last_type[frame] = TYPE_WRITABLE;
      }
      flags[frame] = f | FRAME_RW;
    }
  } else if (f & FRAME_RW) {
    flags[frame] = f & ~FRAME_RW;
    tlbflush_ts[frame] = tlb_clock;
  }
  if (uvmf & UVMF_TLB_FLUSH) {
    ns.xcost += TLB_FLUSH;
    st_guest_flushes++;
    cpu_flush_time[current_vcpu] = ++tlb_clock;
  }
  return 1;
}
function take_type(frame: number, level: number): number {
  if ((flags[frame] as number) & FRAME_RW) {
    refuse('Bad type: frame is still mapped writable');
    return TYPE_REFUSED;
  }
  const count = type_count[frame] as number;
  if (count > 0) {
    if (xen_level[frame] !== level || type_level[frame] !== level) {
      refuse('Bad type: wrong type');
      return TYPE_REFUSED;
    }
    type_count[frame] = count + 1;
    ns.xcost += TYPE_REF;
    return TYPE_TAKEN;
  }
  if (xen_level[frame] !== level) {
    refuse('Bad type: wrong type');
    return TYPE_REFUSED;
  }
  if (last_type[frame] !== level) {
    type_change_flush(frame);
    last_type[frame] = level;
  }
  return TYPE_VALIDATE;
}
function validated(frame: number, level: number): void {
  ns.xcost += check_ns[frame] as number;
  type_level[frame] = level;
  type_count[frame] = 1;
  validated_at[frame] = ns.op_start + ns.xcost;
  st_validated++;
}
function drop_type(frame: number): number {
  const count = (type_count[frame] as number) - 1;
  type_count[frame] = count;
  if (count > 0) {
    ns.xcost += TYPE_REF;
    return 0;
  }
  ns.xcost += check_ns[frame] as number;
  st_devalidated++;
  return 1;
}
function put_page_type(frame: number): void {
  if (!drop_type(frame)) return;
  const level = type_level[frame] as number;
  type_level[frame] = 0;
  if (level > 1) {
    const start = child_start[frame] as number;
    const end = start + (child_count[frame] as number);
    for (let i = start; i < end; i++) {
      const child = children[i] as number;
      if (level === 2) {
        if (drop_type(child)) {
          type_level[child] = 0;
          tlbflush_ts[child] = tlb_clock;
        }
      } else put_page_type(child);
    }
  }
  tlbflush_ts[frame] = tlb_clock;
}
function validate_children(frame: number, level: number): number {
  const start = child_start[frame] as number;
  const end = start + (child_count[frame] as number);
  for (let i = start; i < end; i++) {
    const child = children[i] as number;
    if (get_page_type(child, level - 1)) continue;
    for (let j = start; j < i; j++) put_page_type(children[j] as number);
    last_type[frame] = TYPE_NONE;
    return 0;
  }
  return 1;
}
function get_page_type(frame: number, level: number): number {
  const taken = take_type(frame, level);
  if (taken !== TYPE_VALIDATE) return taken === TYPE_TAKEN ? 1 : 0;
  if (level > 1 && !validate_children(frame, level)) return 0;
  validated(frame, level);
  return 1;
}
function mmuext(cmd: number, frame: number): number {
  ns.xcost = MMUEXT_OP;
  if (frame >= frames) return refuse('mmuext_op: not a frame of this domain');
  if (cmd >= PIN_L1 && cmd <= PIN_L4) {
    if (!get_page_type(frame, cmd - PIN_L1 + 1)) return 0;
    if (pinned[frame]) {
      put_page_type(frame);
      return refuse('PIN: frame already pinned');
    }
    pinned[frame] = 1;
    return 1;
  }
  if (cmd === UNPIN) {
    if (!pinned[frame]) return refuse('UNPIN_TABLE: frame not pinned');
    pinned[frame] = 0;
    put_page_type(frame);
    return 1;
  }
  return refuse('mmuext_op: command not modelled');
}
function entry_failed(): void {
  st_errors++;
  entry_errors++;
  if (!entry_first_error) entry_first_error = failure;
}
/* do_multicall's loop body for entry i, starting now. */
function execute_entry(i: number, dispatch: number): number {
  ns.entry_start = ns.now_ns;
  let cost = dispatch ? MC_ENTRY_DISPATCH : 0;
  if (entry_errors) {
    entry_errors = 0;
    entry_first_error = null;
  }
  if (e_op[i] === HC_UPDATE_VA_MAPPING) {
    if (!remap(e_frame[i] as number, (e_arg[i] as number) & 1, (e_arg[i] as number) >> 1)) entry_failed();
    return cost + ns.xcost;
  }
  if (e_op[i] === HC_MMUEXT_OP) {
    const start = e_sub_start[i] as number;
    const end = start + (e_sub_count[i] as number);
    ns.op_start = ns.entry_start + cost;
    for (let k = start; k < end; k++) {
      const ok = mmuext(s_cmd[k] as number, s_frame[k] as number);
      cost += ns.xcost;
      ns.op_start = ns.entry_start + cost;
      if (!ok) entry_failed();
    }
    return cost;
  }
  return cost;
}

/* ---- the batcher ---- */
function ROUNDUP8(x: number): number {
  return (x + 7) & ~7;
}
function try_queue_uva(frame: number, rw: number, uvmf: number): number {
  const i = mc_n;
  if (i === MC_BATCH) return 0;
  const a = ROUNDUP8(mc_argidx);
  if (a >= MC_ARGS) return 0;
  mc_argidx = a;
  mc_n = i + 1;
  e_op[i] = HC_UPDATE_VA_MAPPING;
  e_frame[i] = frame;
  e_arg[i] = (rw ? 1 : 0) | (uvmf << 1);
  pend_uvm++;
  return 1;
}
function reserve(arg_bytes: number): number {
  const i = mc_n;
  if (i === MC_BATCH) die('entry queued into a full batch', -1);
  mc_argidx = ROUNDUP8(mc_argidx) + arg_bytes;
  mc_n = i + 1;
  return i;
}
function entry_flush_reason(arg_bytes: number): number {
  if (mc_n === MC_BATCH) return R_SLOTS;
  if (ROUNDUP8(mc_argidx) + arg_bytes >= MC_ARGS) return R_ARGS;
  return R_NONE;
}
function count_pending_cmd(cmd: number): void {
  const n = pend_cmds[cmd] as number;
  pend_cmds[cmd] = n + 1;
  if (n === 0) pend_cmd_list[pend_cmd_count++] = cmd;
}
function try_queue_mmuext(cmd: number, frame: number): number {
  const last = mc_n - 1;
  if (last >= 0 && e_op[last] === HC_MMUEXT_OP && mc_argidx + MMUEXT_BYTES < MC_ARGS) {
    mc_argidx += MMUEXT_BYTES;
    e_sub_count[last] = (e_sub_count[last] as number) + 1;
  } else {
    const i = mc_n;
    if (i === MC_BATCH) return 0;
    const a = ROUNDUP8(mc_argidx) + MMUEXT_BYTES;
    if (a >= MC_ARGS) return 0;
    mc_argidx = a;
    mc_n = i + 1;
    e_op[i] = HC_MMUEXT_OP;
    e_sub_start[i] = mc_nsub;
    e_sub_count[i] = 1;
    pend_mmuext_entries++;
  }
  const s = mc_nsub++;
  s_cmd[s] = cmd;
  s_frame[s] = frame;
  count_pending_cmd(cmd);
  return 1;
}
function try_queue_callback(id: number): number {
  const k = mc_ncb;
  if (k === MC_BATCH) return 0;
  cb_kind[k] = CB_UNLOCK;
  cb_data[k] = id;
  mc_ncb = k + 1;
  return 1;
}
/* take + the taken batch's events (its trap, each entry, each unlocking callback), then recycle. */
function flush(reason: number): void {
  const n = mc_n;
  const single = n === 1 ? 1 : 0; /* flushIsSingleton: singleton bypass */
  b_batches++;
  b_entries += n;
  b_arg_bytes += mc_argidx;
  b_batch_histo[n] = (b_batch_histo[n] as number) + 1;
  if (single) b_singletons++;
  else if (n > 0) b_multicalls++;
  if (reason !== R_NONE) b_reasons[reason] = (b_reasons[reason] as number) + 1;
  if (n > 0) {
    b_uvm += pend_uvm;
    b_hypercall_histo[HC_UPDATE_VA_MAPPING] = (b_hypercall_histo[HC_UPDATE_VA_MAPPING] as number) + pend_uvm;
    b_hypercall_histo[HC_MMUEXT_OP] = (b_hypercall_histo[HC_MMUEXT_OP] as number) + pend_mmuext_entries;
    pend_uvm = pend_mmuext_entries = 0;
    for (let i = 0; i < pend_cmd_count; i++) {
      const cmd = pend_cmd_list[i] as number;
      b_mmuext_histo[cmd] = (b_mmuext_histo[cmd] as number) + (pend_cmds[cmd] as number);
      pend_cmds[cmd] = 0;
    }
    pend_cmd_count = 0;
    /* the trap pays the walk steps done so far */
    ns.now_ns += HYPERCALL_TRAP + ns.debt_ns;
    ns.debt_ns = 0;
    events++;
    current_vcpu = 0;
    for (let i = 0; i < n; i++) {
      const cost = execute_entry(i, single ? 0 : 1);
      if (entry_errors) {
        hypercall_errors += entry_errors;
        if (!first_hypercall_error) first_hypercall_error = entry_first_error ? entry_first_error : 'a sub-op failed';
      }
      ns.now_ns += cost;
      events++;
    }
  }
  const ncb = mc_ncb;
  mc_n = mc_nsub = mc_ncb = mc_argidx = 0;
  for (let k = 0; k < ncb; k++) release_now(cb_data[k] as number);
}
function uva(frame: number, rw: number, uvmf: number): void {
  if (!try_queue_uva(frame, rw, uvmf)) {
    flush(entry_flush_reason(0));
    const i = reserve(0);
    e_op[i] = HC_UPDATE_VA_MAPPING;
    e_frame[i] = frame;
    e_arg[i] = (rw ? 1 : 0) | (uvmf << 1);
    pend_uvm++;
  }
}
function ext(cmd: number, frame: number): void {
  if (!try_queue_mmuext(cmd, frame)) {
    flush(entry_flush_reason(MMUEXT_BYTES));
    if (!try_queue_mmuext(cmd, frame)) die('mmuext_op does not fit in an empty batch', frame);
  }
}
function callback_unlock(id: number): void {
  if (!try_queue_callback(id)) {
    flush(R_CALLBACKS);
    try_queue_callback(id);
  }
}

/* ---- the guest's actions ---- */
function pay_debt(): void {
  if (ns.debt_ns > 0) {
    ns.now_ns += ns.debt_ns;
    ns.debt_ns = 0;
    events++;
  }
}
function lock(id: number, nest: number): void {
  pay_debt();
  preempt_add(1);
  lockdep_acquire(class_of(id), nest);
  lock_try_acquire(id, 0);
  ns.now_ns += SPIN_ACQUIRE;
  events++;
}
function release_now(id: number): void {
  lock_release(id, 0);
  preempt_sub(1);
  lockdep_release(class_of(id));
  ns.now_ns += SPIN_RELEASE;
  events++;
}
function unlock(id: number): void {
  pay_debt();
  release_now(id);
}
function test_set_pinned(f: number): number {
  ns.debt_ns += WALK_STEP;
  if (f >= frames) die('testSetPinned: not a frame of this mm', f);
  const old = flags[f] as number;
  flags[f] = old | PG_PINNED;
  return (old & PG_PINNED) !== 0 ? 1 : 0;
}
function test_clear_pinned(f: number): number {
  ns.debt_ns += WALK_STEP;
  if (f >= frames) die('testClearPinned: not a frame of this mm', f);
  const old = flags[f] as number;
  flags[f] = old & ~PG_PINNED;
  return (old & PG_PINNED) !== 0 ? 1 : 0;
}
function remap_flags(level: number): number {
  return level === PT_PGD ? UVMF_TLB_FLUSH : UVMF_NONE;
}

/* fork-exit's pinner, one iteration: page_table_lock around per-pte-deferred's pin, then around its unpin. */
function cycle(): void {
  lock(page_table_lock, 0);
  for (let i = 0; i < walk_len; i++) {
    const f = walk_frames[i] as number;
    if (test_set_pinned(f)) continue;
    const level = walk_levels[i] as number;
    uva(f, 0, remap_flags(level));
    if (level === PT_PTE) {
      lock(f, 1);
      ext(PIN_L1, f);
      callback_unlock(f);
    }
  }
  ext(PIN_L4, PGD);
  if (!test_set_pinned(USER_PGD)) {
    uva(USER_PGD, 0, UVMF_TLB_FLUSH);
    ext(PIN_L4, USER_PGD);
  }
  flush(R_NONE);
  unlock(page_table_lock);
  lock(page_table_lock, 0);
  ext(UNPIN, PGD);
  ext(UNPIN, USER_PGD);
  if (test_clear_pinned(USER_PGD)) uva(USER_PGD, 1, UVMF_TLB_FLUSH);
  for (let i = 0; i < walk_len; i++) {
    const f = walk_frames[i] as number;
    if (!test_clear_pinned(f)) continue;
    const level = walk_levels[i] as number;
    const locked = level === PT_PTE;
    if (locked) {
      lock(f, 1);
      ext(UNPIN, f);
    }
    uva(f, 1, remap_flags(level));
    if (locked) callback_unlock(f);
  }
  flush(R_NONE);
  unlock(page_table_lock);
}

/* The dense 4level layout of src/mmu/mm.ts: frame 0 the pgd, 1 the user pgd, the rest numbered in walk order
 * (each PUD, then each PMD before its PTE pages); the user pgd shares the pgd's children. */
function build(n: number): void {
  N = n;
  U = Math.floor((N + 511) / 512);
  G = Math.floor((U + 511) / 512);
  frames = 2 + G + U + N;
  walk_len = G + U + N + 1;
  walk_frames = new Int32Array(walk_len);
  walk_levels = new Uint8Array(walk_len);
  flags = new Uint8Array(frames);
  flags.fill(FRAME_RW);
  xen_level = new Uint8Array(frames);
  const parent = new Int32Array(frames);
  const external = new Uint16Array(frames);
  for (let f = 0; f < frames; f++) parent[f] = -1;
  let next = 2;
  let w = 0;
  let pud_frame = 0;
  let pmd_frame = 0;
  let cur_pud = -1;
  let cur_pmd = -1;
  for (let i = 0; i < N; i++) {
    const pmd = Math.floor(i / 512);
    const pud = Math.floor(pmd / 512);
    if (pud !== cur_pud) {
      cur_pud = pud;
      pud_frame = next++;
      xen_level[pud_frame] = 3;
      parent[pud_frame] = PGD;
      walk_frames[w] = pud_frame;
      walk_levels[w++] = PT_PUD;
    }
    if (pmd !== cur_pmd) {
      cur_pmd = pmd;
      pmd_frame = next++;
      xen_level[pmd_frame] = 2;
      parent[pmd_frame] = pud_frame;
      walk_frames[w] = pmd_frame;
      walk_levels[w++] = PT_PMD;
    }
    const pte = next++;
    xen_level[pte] = 1;
    parent[pte] = pmd_frame;
    walk_frames[w] = pte;
    walk_levels[w++] = PT_PTE;
  }
  external[PGD] = 4; /* the kernel half's entries of the top level (kernelRefs of 4level) */
  walk_frames[w] = PGD;
  walk_levels[w] = PT_PGD;
  xen_level[PGD] = 4;
  xen_level[USER_PGD] = 4;
  child_count = new Int32Array(frames);
  child_start = new Int32Array(frames);
  children = new Int32Array(frames);
  const fill = new Int32Array(frames);
  for (let f = 0; f < frames; f++) {
    const p = parent[f] as number;
    if (p >= 0) child_count[p] = (child_count[p] as number) + 1;
  }
  let s = 0;
  for (let f = 0; f < frames; f++) {
    child_start[f] = s;
    s += child_count[f] as number;
  }
  for (let f = 0; f < frames; f++) {
    const p = parent[f] as number;
    if (p < 0) continue;
    children[(child_start[p] as number) + (fill[p] as number)] = f;
    fill[p] = (fill[p] as number) + 1;
  }
  child_start[USER_PGD] = child_start[PGD] as number;
  child_count[USER_PGD] = child_count[PGD] as number;
  /* Xen's view */
  type_level = new Uint8Array(frames);
  pinned = new Uint8Array(frames);
  last_type = new Uint8Array(frames);
  last_type.fill(TYPE_WRITABLE);
  type_count = new Uint32Array(frames);
  validated_at = new Float64Array(frames);
  tlbflush_ts = new Float64Array(frames);
  check_ns = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    const slots = f === PGD || f === USER_PGD ? 496 : 512; /* Xen's guest slots of an L4 (is_guest_l4_slot) */
    check_ns[f] = slots * VALIDATE_ENTRY + (external[f] as number) * TYPE_REF;
  }
  /* locks: one per frame, then page_table_lock */
  page_table_lock = frames;
  lock_owner = new Int16Array(frames + 1);
  for (let f = 0; f <= frames; f++) lock_owner[f] = -1;
  lock_acquired_at = new Float64Array(frames + 1);
  lock_acquisitions = new Uint32Array(frames + 1);
  for (let c = 0; c < 2; c++) {
    const k = lock_classes[c] as LockClass;
    k.hold.min = k.wait.min = Number.POSITIVE_INFINITY;
  }
  preempt_rare_at = preempt_rare_from(0);
}

/** The C's `N` and `ITER`, checked as the C checks them (exit 2 with the usage line). */
function usage(): never {
  process.stderr.write(`usage: pinref-model-port N ITER (N from 1 to ${256 * 512 * 512} PTE pages, ITER >= 1)\n`);
  process.exit(2);
}

function main(argv: string[]): void {
  const n = argv[0] === undefined ? 32768 : /^\d+$/.test(argv[0]) ? Number(argv[0]) : 0;
  const iters = argv[1] === undefined ? 50 : /^\d+$/.test(argv[1]) ? Number(argv[1]) : 0;
  if (n < 1 || n > 256 * 512 * 512 || iters < 1) usage();
  build(n);
  events = 1; /* the engine counts the vCPU's first step as an event */
  cycle();
  const hold = (lock_classes[CLASS_PTL] as LockClass).hold;
  const first = {
    N,
    slotsPerCycle: b_entries,
    batchesPerCycle: b_multicalls,
    counts: {
      ptePages: N,
      slots: b_entries,
      multicalls: b_multicalls,
      singletons: b_singletons,
      batches: b_batches,
      typeChangeFlushes: st_type_change_flushes,
      guestFlushes: st_guest_flushes,
      tablesValidated: st_validated,
      tablesDevalidated: st_devalidated,
      events,
      virtualNs: ns.now_ns,
      ptlHoldCount: hold.count,
      ptlHoldTotalNs: hold.total,
      ptlHoldMinNs: hold.count ? hold.min : 0,
      ptlHoldMaxNs: hold.max,
      ptlMaxHeld: (lock_classes[CLASS_PTL] as LockClass).max_held,
      pageTableLockHoldTotalNs: (lock_classes[CLASS_PAGE_TABLE_LOCK] as LockClass).hold.total,
      preemptMaxDepth: preempt_max,
      lockdepMaxDepth: ld_max_depth,
      hypercallErrors: hypercall_errors,
    },
  };
  for (let i = 1; i < WARMUP_CYCLES; i++) cycle();
  const a = clockMs();
  for (let i = 0; i < iters; i++) cycle();
  const b = clockMs();
  const nsPerCycle = ((b - a) * 1e6) / iters;
  /* The whole run's state, as the C prints it. */
  process.stdout.write(
    `${JSON.stringify({
      ...first,
      nsPerCycle: Math.round(nsPerCycle),
      run: {
        cycles: iters + WARMUP_CYCLES,
        events,
        virtualNs: ns.now_ns,
        lockdepOn: debug_locks_on,
        preemptOverflows: preempt_overflows,
        flushReasons: [b_reasons[R_SLOTS], b_reasons[R_ARGS], b_reasons[R_CALLBACKS]],
        argBytes: b_arg_bytes,
        batchHistogram32: b_batch_histo[MC_BATCH],
        mmuextPinL1: b_mmuext_histo[PIN_L1],
        unpins: b_mmuext_histo[UNPIN],
        lockAcquisitions0: lock_acquisitions[walk_frames[2] as number],
        holdBuckets: hold.counts[bucket_of(hold.max)],
        errors: st_errors,
      },
      /* What the C keeps but does not print (so that the port keeps it too, and nothing it writes goes unread). */
      unprinted: {
        flushIpis: st_flush_ipis,
        stolenNs: stolen[0],
        uvm: b_uvm,
        debugLocksOffBy: debug_locks_off_by,
        lockdepOverflows: ld_overflows,
        lockdepRecursionWarnings: ld_recursion_warnings,
        lockdepReferenceOverflows: ld_reference_overflows,
        preemptDebugWarnings: preempt_debug_warnings,
        firstHypercallError: first_hypercall_error,
        validatedAt0: validated_at[PGD],
        callbackKind0: cb_kind[0],
        contentions: (lock_classes[CLASS_PTL] as LockClass).contentions,
      },
    })}\n`,
  );
}

main(process.argv.slice(2));
