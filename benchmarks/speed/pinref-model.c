/* pinref-model.c: the C yardstick (pinref.c, a tight C implementation of the per-pte-deferred pin+unpin cycle on
 * one vCPU) extended, tightly, with the work pinbench's model does that the yardstick leaves out, so that
 * benchmarks/speed/engine-speed.ts can say how much of the engine's ratio to C is the model's extra work and how
 * much is the engine. It follows the model's code, rule for rule (the file named in each section), on the issue's
 * cycle: a dense 4level mm, kernel `current`, one vCPU, the `modern` cost profile, fork-exit's pinner holding
 * mm->page_table_lock around the pin and the unpin.
 *
 * What it adds to pinref.c:
 * - the model's layout (src/mmu/mm.ts): frames in walk order, the children of each table (CSR), the kernel half's
 *   external references of the pgd, Xen's guest slots of the top level (496 of 512);
 * - Xen's type system (src/hv/hypervisor.ts): type level and count, last type, _PGT_pinned, recursive validation of
 *   the pinned top levels (alloc_lN_table: get_page_type of every child) and devalidation on the last reference
 *   (free_lN_table), validation-completion stamps, tlbflush_timestamp per frame and the per-vCPU flush-time filter
 *   on every type change with its flush cost, UVMF_TLB_FLUSH, the refusals and their error reporting;
 * - the batcher's statistics (src/hv/multicall-batcher.ts): batches, multicalls, singletons, entries, argument
 *   bytes, the batch-size histogram, flush reasons, sub-ops per hypercall and per mmuext command;
 * - the locks (src/mmu/spin-lock.ts): per lock acquisitions, per class (ptl, page_table_lock) acquisitions,
 *   contentions, held count and maximum, the log-linear hold histogram with count, total, min and max
 *   (src/metrics/log-linear-histogram.ts: 16 sub-buckets per power of two);
 * - lockdep (src/mmu/lockdep.ts): the held-lock stack with nest-lock merges (references) and its limits;
 *   the preempt count (src/mmu/preempt-count.ts) with its overflow and DEBUG_PREEMPT checks;
 * - the guest's accounting (src/scenarios/vcpu/guest-cpu.ts): walk steps as guest work owed, paid by the next trap
 *   or visible action; the virtual clock and one event per action, as the engine counts them.
 *
 * Usage: pinref-model N ITER -> one line of JSON: nsPerCycle (wall, the timed loop), slotsPerCycle,
 * batchesPerCycle, and `counts`: the first cycle's counts (from a fresh state, the vCPU's first step counted as an
 * event as the engine counts it), which engine-speed compares with the model's for the same cycle. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int64_t ns_t;

/* ---- the `modern` cost profile (src/hv/cost-profiles.ts), ns ---- */
static const ns_t HYPERCALL_TRAP = 450, MC_ENTRY_DISPATCH = 20, REMAP = 120, TLB_FLUSH = 300, FLUSH_IPI = 1000,
                  VALIDATE_ENTRY = 10, TYPE_REF = 20, MMUEXT_OP = 70, SPIN_ACQUIRE = 8, SPIN_RELEASE = 3, WALK_STEP = 25;

/* ---- ABI (src/hv/abi.ts) ---- */
enum { HC_MMU_UPDATE = 1, HC_UPDATE_VA_MAPPING = 14, HC_MMUEXT_OP = 26 };
enum { PIN_L1 = 0, PIN_L2, PIN_L3, PIN_L4, UNPIN = 4 };
enum { UVMF_NONE = 0, UVMF_TLB_FLUSH = 1 };
enum { PT_PGD = 0, PT_PUD, PT_PMD, PT_PTE };
#define FRAME_RW 1
#define PG_PINNED 2

/* ---- the mm (src/mmu/mm.ts, dense 4level) ---- */
static uint32_t frames, N, U, G;
static const uint32_t PGD = 0, USER_PGD = 1;
static int32_t *walk_frames;
static uint8_t *walk_levels;
static uint32_t walk_len;
static uint8_t *flags, *xen_level;
static int32_t *child_start, *child_count, *children;

/* ---- Xen (src/hv/hypervisor.ts) ---- */
#define TYPE_WRITABLE 7
#define TYPE_NONE 0
enum { TYPE_REFUSED = 0, TYPE_TAKEN = 1, TYPE_VALIDATE = 2 };
#define VCPUS 1
static uint8_t *type_level, *pinned, *last_type;
static uint32_t *type_count;
static ns_t *validated_at, *check_ns;
static double *tlbflush_ts; /* stamps of the TLB clock */
static double cpu_flush_time[VCPUS], stolen[VCPUS], tlb_clock = 1;
static int current_vcpu = 0;
static ns_t xcost, op_start, entry_start;
static const char *failure;
static uint64_t st_guest_flushes, st_type_change_flushes, st_flush_ipis, st_validated, st_devalidated, st_errors;
static uint64_t entry_errors;
static const char *entry_first_error;

/* ---- the batcher (src/hv/multicall-batcher.ts; kernel `current`: bytes, coalescing, singleton bypass) ---- */
#define MC_BATCH 32
#define MC_ARGS 512
#define MMUEXT_BYTES 24
#define SUBCAP (MC_ARGS / 12 + MC_BATCH)
enum { CB_UNLOCK = 1 };
enum { R_NONE = 0, R_SLOTS, R_ARGS, R_CALLBACKS };
static uint8_t e_op[MC_BATCH];
static int32_t e_frame[MC_BATCH], e_arg[MC_BATCH], e_sub_start[MC_BATCH], e_sub_count[MC_BATCH];
static uint8_t s_cmd[SUBCAP];
static int32_t s_frame[SUBCAP];
static uint8_t cb_kind[MC_BATCH];
static int32_t cb_data[MC_BATCH];
static int mc_n, mc_nsub, mc_ncb, mc_argidx;
static uint64_t b_batches, b_multicalls, b_singletons, b_entries, b_arg_bytes, b_reasons[4], b_uvm;
static uint64_t b_batch_histo[MC_BATCH + 1], b_hypercall_histo[64], b_mmuext_histo[32];
static uint64_t pend_uvm, pend_mmuext_entries, pend_cmds[32];
static uint8_t pend_cmd_list[32];
static int pend_cmd_count;

/* ---- locks (src/mmu/spin-lock.ts) and the log-linear histogram (src/metrics/log-linear-histogram.ts) ---- */
#define SUB_BUCKET_BITS 4
#define SUB_BUCKETS (1 << SUB_BUCKET_BITS)
#define BUCKETS (SUB_BUCKETS + (53 - SUB_BUCKET_BITS) * SUB_BUCKETS)
typedef struct {
  uint64_t counts[BUCKETS], count, min, max;
  ns_t total;
} histo_t;
typedef struct {
  uint64_t acquisitions, contentions, max_held;
  histo_t hold, wait;
} lock_class_t;
enum { CLASS_PTL = 0, CLASS_PAGE_TABLE_LOCK = 1 };
static int16_t *lock_owner;
static ns_t *lock_acquired_at;
static uint32_t *lock_acquisitions;
static uint32_t page_table_lock; /* = frames */
static lock_class_t lock_classes[2];
static int32_t held[VCPUS * 2];

/* ---- lockdep (src/mmu/lockdep.ts; `current`: MAX_LOCK_DEPTH 48, 11 reference bits) and the preempt count ---- */
#define MAX_LOCK_DEPTH 48
#define REFERENCES_LIMIT (1 << 11)
static int debug_locks_on = 1;
static const char *debug_locks_off_by;
static int32_t ld_classes[MAX_LOCK_DEPTH];
static double ld_refs[MAX_LOCK_DEPTH];
static int ld_top = -1, ld_max_depth, ld_overflows, ld_recursion_warnings, ld_reference_overflows;
#define PREEMPT_BITS 8
#define PREEMPT_WARN_MARGIN 10
static const int64_t PREEMPT_UNIT = 1 << PREEMPT_BITS, PREEMPT_WARN_AT = (1 << PREEMPT_BITS) - 1 - PREEMPT_WARN_MARGIN;
static int64_t preempt_value, preempt_max, preempt_base, preempt_rare_at, preempt_overflows, preempt_debug_warnings;

/* ---- the guest vCPU (src/scenarios/vcpu/guest-cpu.ts) and the engine's clock and event count ---- */
static ns_t now_ns, debt_ns;
static uint64_t events, hypercall_errors;
static const char *first_hypercall_error;

static void die(const char *what, long frame) {
  fprintf(stderr, "pinref-model: %s (frame %ld)\n", what, frame);
  exit(1);
}

static int debug_locks_off(const char *reason) {
  if (!debug_locks_on) return 0;
  debug_locks_on = 0;
  debug_locks_off_by = reason;
  return 1;
}

/* ---- histogram ---- */
static inline int bucket_of(uint64_t v) {
  if (v < SUB_BUCKETS) return (int)v;
  int exp = 63 - __builtin_clzll(v);
  int sub = (int)(v >> (exp - SUB_BUCKET_BITS)) - SUB_BUCKETS;
  return SUB_BUCKETS + (exp - SUB_BUCKET_BITS) * SUB_BUCKETS + sub;
}
static inline void histo_record(histo_t *h, ns_t v) {
  if (v < 0) v = 0; /* the model records durations >= 0 only */
  h->counts[bucket_of((uint64_t)v)]++;
  h->count++;
  h->total += v;
  if ((uint64_t)v < h->min) h->min = (uint64_t)v;
  if ((uint64_t)v > h->max) h->max = (uint64_t)v;
}

/* ---- preempt count ---- */
static inline int64_t preempt_rare_from(int64_t base) {
  return base + (PREEMPT_UNIT < PREEMPT_WARN_AT ? PREEMPT_UNIT : PREEMPT_WARN_AT);
}
static void preempt_add_rare(int64_t v) {
  while (v >= preempt_base + PREEMPT_UNIT) {
    preempt_overflows++;
    preempt_base += PREEMPT_UNIT;
  }
  preempt_rare_at = preempt_rare_from(preempt_base);
  if (v - preempt_base >= PREEMPT_WARN_AT) {
    preempt_debug_warnings++;
    debug_locks_off("DEBUG_PREEMPT: preempt count overflowing soon");
  }
}
static inline void preempt_add(int64_t n) {
  int64_t v = preempt_value + n;
  preempt_value = v;
  if (v > preempt_max) preempt_max = v;
  if (v >= preempt_rare_at) preempt_add_rare(v);
}
static inline void preempt_sub(int64_t n) {
  int64_t v = preempt_value - n;
  preempt_value = v;
  if (v < preempt_base) {
    while (v < preempt_base) preempt_base -= PREEMPT_UNIT;
    preempt_rare_at = preempt_rare_from(preempt_base);
  }
}

/* ---- lockdep ---- */
static void lockdep_acquire_rest(int cls, int nest) {
  if (!nest) {
    for (int i = 0; i <= ld_top; i++)
      if (ld_classes[i] == cls) {
        ld_recursion_warnings++;
        debug_locks_off("lockdep: possible recursive locking detected");
        return;
      }
  }
  int top = ld_top, depth = top + 2;
  ld_top = top + 1;
  ld_classes[top + 1] = cls;
  ld_refs[top + 1] = 1;
  if (depth > ld_max_depth) ld_max_depth = depth;
  if (depth >= MAX_LOCK_DEPTH) {
    ld_overflows++;
    debug_locks_off("lockdep: BUG: MAX_LOCK_DEPTH too low!");
  }
}
static inline void lockdep_acquire(int cls, int nest) {
  if (!debug_locks_on) return;
  int top = ld_top;
  if (nest && top >= 0 && ld_classes[top] == cls) {
    double refs = ld_refs[top] + 1;
    ld_refs[top] = refs;
    if (refs >= REFERENCES_LIMIT) {
      ld_reference_overflows++;
      debug_locks_off("lockdep: held_lock.references overflow");
    }
    return;
  }
  lockdep_acquire_rest(cls, nest);
}
static void lockdep_release_rest(int cls) {
  int top = ld_top, i = top;
  while (i >= 0 && ld_classes[i] != cls) i--;
  if (i < 0) return;
  double refs = ld_refs[i] - 1;
  ld_refs[i] = refs;
  if (refs == 0) {
    for (int j = i; j < top; j++) {
      ld_classes[j] = ld_classes[j + 1];
      ld_refs[j] = ld_refs[j + 1];
    }
    ld_top = top - 1;
  }
}
static inline void lockdep_release(int cls) {
  if (!debug_locks_on) return;
  int top = ld_top;
  if (top >= 0 && ld_classes[top] == cls) {
    double refs = ld_refs[top] - 1;
    if (refs > 0) {
      ld_refs[top] = refs;
      return;
    }
  }
  lockdep_release_rest(cls);
}

/* ---- the lock table ---- */
static inline int class_of(uint32_t id) { return id == page_table_lock ? CLASS_PAGE_TABLE_LOCK : CLASS_PTL; }
static inline int lock_try_acquire(uint32_t id, int vcpu) {
  if (lock_owner[id] != -1) die("lock busy: one vCPU never contends", id);
  lock_owner[id] = (int16_t)vcpu;
  lock_acquired_at[id] = now_ns;
  lock_acquisitions[id]++;
  int cls = class_of(id);
  lock_class_t *s = &lock_classes[cls];
  s->acquisitions++;
  int k = vcpu * 2 + cls;
  int32_t h = held[k] + 1;
  held[k] = h;
  if ((uint64_t)h > s->max_held) s->max_held = (uint64_t)h;
  return 1;
}
static inline void lock_release(uint32_t id, int vcpu) {
  if (lock_owner[id] != vcpu) die("release of a lock the vCPU does not hold", id);
  int cls = class_of(id);
  histo_record(&lock_classes[cls].hold, now_ns - lock_acquired_at[id]);
  held[vcpu * 2 + cls]--;
  lock_owner[id] = -1; /* no waiter on one vCPU */
}

/* ---- Xen ---- */
static void type_change_flush(uint32_t frame) {
  double stamp = tlbflush_ts[frame];
  int any = 0;
  for (int c = 0; c < VCPUS; c++) {
    if (cpu_flush_time[c] > stamp) continue;
    any = 1;
    if (c == current_vcpu) xcost += TLB_FLUSH;
    else {
      xcost += FLUSH_IPI;
      st_flush_ipis++;
      stolen[c] += TLB_FLUSH;
    }
    cpu_flush_time[c] = ++tlb_clock;
  }
  if (any) st_type_change_flushes++;
}
static int refuse(const char *why) {
  failure = why;
  return 0;
}
static int remap(uint32_t frame, int rw, int uvmf) {
  xcost = REMAP;
  if (frame >= frames) return refuse("update_va_mapping: not a frame of this domain");
  uint8_t f = flags[frame];
  if (rw) {
    if (type_count[frame] > 0) return refuse("update_va_mapping: Bad type: cannot map a pagetable writable");
    if (!(f & FRAME_RW)) {
      if (last_type[frame] != TYPE_WRITABLE) {
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
    xcost += TLB_FLUSH;
    st_guest_flushes++;
    cpu_flush_time[current_vcpu] = ++tlb_clock;
  }
  return 1;
}
static int take_type(uint32_t frame, int level) {
  if (flags[frame] & FRAME_RW) return refuse("Bad type: frame is still mapped writable"), TYPE_REFUSED;
  uint32_t count = type_count[frame];
  if (count > 0) {
    if (xen_level[frame] != level || type_level[frame] != level) return refuse("Bad type: wrong type"), TYPE_REFUSED;
    type_count[frame] = count + 1;
    xcost += TYPE_REF;
    return TYPE_TAKEN;
  }
  if (xen_level[frame] != level) return refuse("Bad type: wrong type"), TYPE_REFUSED;
  if (last_type[frame] != level) {
    type_change_flush(frame);
    last_type[frame] = (uint8_t)level;
  }
  return TYPE_VALIDATE;
}
static inline void validated(uint32_t frame, int level) {
  xcost += check_ns[frame];
  type_level[frame] = (uint8_t)level;
  type_count[frame] = 1;
  validated_at[frame] = op_start + xcost;
  st_validated++;
}
static inline int drop_type(uint32_t frame) {
  uint32_t count = type_count[frame] - 1;
  type_count[frame] = count;
  if (count > 0) {
    xcost += TYPE_REF;
    return 0;
  }
  xcost += check_ns[frame];
  st_devalidated++;
  return 1;
}
static void put_page_type(uint32_t frame) {
  if (!drop_type(frame)) return;
  int level = type_level[frame];
  type_level[frame] = 0;
  if (level > 1) {
    int32_t start = child_start[frame], end = start + child_count[frame];
    for (int32_t i = start; i < end; i++) {
      uint32_t child = (uint32_t)children[i];
      if (level == 2) {
        if (drop_type(child)) {
          type_level[child] = 0;
          tlbflush_ts[child] = tlb_clock;
        }
      } else put_page_type(child);
    }
  }
  tlbflush_ts[frame] = tlb_clock;
}
static int get_page_type(uint32_t frame, int level);
static int validate_children(uint32_t frame, int level) {
  int32_t start = child_start[frame], end = start + child_count[frame];
  for (int32_t i = start; i < end; i++) {
    uint32_t child = (uint32_t)children[i];
    if (get_page_type(child, level - 1)) continue;
    for (int32_t j = start; j < i; j++) put_page_type((uint32_t)children[j]);
    last_type[frame] = TYPE_NONE;
    return 0;
  }
  return 1;
}
static int get_page_type(uint32_t frame, int level) {
  int taken = take_type(frame, level);
  if (taken != TYPE_VALIDATE) return taken == TYPE_TAKEN;
  if (level > 1 && !validate_children(frame, level)) return 0;
  validated(frame, level);
  return 1;
}
static int mmuext(int cmd, uint32_t frame) {
  xcost = MMUEXT_OP;
  if (frame >= frames) return refuse("mmuext_op: not a frame of this domain");
  if (cmd >= PIN_L1 && cmd <= PIN_L4) {
    if (!get_page_type(frame, cmd - PIN_L1 + 1)) return 0;
    if (pinned[frame]) {
      put_page_type(frame);
      return refuse("PIN: frame already pinned");
    }
    pinned[frame] = 1;
    return 1;
  }
  if (cmd == UNPIN) {
    if (!pinned[frame]) return refuse("UNPIN_TABLE: frame not pinned");
    pinned[frame] = 0;
    put_page_type(frame);
    return 1;
  }
  return refuse("mmuext_op: command not modelled");
}
static inline void entry_failed(void) {
  st_errors++;
  entry_errors++;
  if (!entry_first_error) entry_first_error = failure;
}
/* do_multicall's loop body for entry i, starting now. */
static ns_t execute_entry(int i, int dispatch) {
  entry_start = now_ns;
  ns_t cost = dispatch ? MC_ENTRY_DISPATCH : 0;
  if (entry_errors) {
    entry_errors = 0;
    entry_first_error = NULL;
  }
  if (e_op[i] == HC_UPDATE_VA_MAPPING) {
    if (!remap((uint32_t)e_frame[i], e_arg[i] & 1, e_arg[i] >> 1)) entry_failed();
    return cost + xcost;
  }
  if (e_op[i] == HC_MMUEXT_OP) {
    int32_t start = e_sub_start[i], end = start + e_sub_count[i];
    op_start = entry_start + cost;
    for (int32_t k = start; k < end; k++) {
      int ok = mmuext(s_cmd[k], (uint32_t)s_frame[k]);
      cost += xcost;
      op_start = entry_start + cost;
      if (!ok) entry_failed();
    }
    return cost;
  }
  return cost;
}

/* ---- the batcher ---- */
#define ROUNDUP8(x) (((x) + 7) & ~7)
static inline int try_queue_uva(uint32_t frame, int rw, int uvmf) {
  int i = mc_n;
  if (i == MC_BATCH) return 0;
  int a = ROUNDUP8(mc_argidx);
  if (a >= MC_ARGS) return 0;
  mc_argidx = a;
  mc_n = i + 1;
  e_op[i] = HC_UPDATE_VA_MAPPING;
  e_frame[i] = (int32_t)frame;
  e_arg[i] = (rw ? 1 : 0) | (uvmf << 1);
  pend_uvm++;
  return 1;
}
static inline int reserve(int arg_bytes) {
  int i = mc_n;
  if (i == MC_BATCH) die("entry queued into a full batch", -1);
  mc_argidx = ROUNDUP8(mc_argidx) + arg_bytes;
  mc_n = i + 1;
  return i;
}
static inline int entry_flush_reason(int arg_bytes) {
  if (mc_n == MC_BATCH) return R_SLOTS;
  if (ROUNDUP8(mc_argidx) + arg_bytes >= MC_ARGS) return R_ARGS;
  return R_NONE;
}
static inline void count_pending_cmd(int cmd) {
  if (pend_cmds[cmd]++ == 0) pend_cmd_list[pend_cmd_count++] = (uint8_t)cmd;
}
static inline int try_queue_mmuext(int cmd, uint32_t frame) {
  int last = mc_n - 1;
  if (last >= 0 && e_op[last] == HC_MMUEXT_OP && mc_argidx + MMUEXT_BYTES < MC_ARGS) {
    mc_argidx += MMUEXT_BYTES;
    e_sub_count[last]++;
  } else {
    int i = mc_n;
    if (i == MC_BATCH) return 0;
    int a = ROUNDUP8(mc_argidx) + MMUEXT_BYTES;
    if (a >= MC_ARGS) return 0;
    mc_argidx = a;
    mc_n = i + 1;
    e_op[i] = HC_MMUEXT_OP;
    e_sub_start[i] = mc_nsub;
    e_sub_count[i] = 1;
    pend_mmuext_entries++;
  }
  int s = mc_nsub++;
  s_cmd[s] = (uint8_t)cmd;
  s_frame[s] = (int32_t)frame;
  count_pending_cmd(cmd);
  return 1;
}
static inline int try_queue_callback(uint32_t id) {
  int k = mc_ncb;
  if (k == MC_BATCH) return 0;
  cb_kind[k] = CB_UNLOCK;
  cb_data[k] = (int32_t)id;
  mc_ncb = k + 1;
  return 1;
}
/* take + the taken batch's events (its trap, each entry, each unlocking callback), then recycle. */
static void release_now(uint32_t id);
static void flush(int reason) {
  int n = mc_n, single = n == 1; /* flushIsSingleton: singleton bypass */
  b_batches++;
  b_entries += (uint64_t)n;
  b_arg_bytes += (uint64_t)mc_argidx;
  b_batch_histo[n]++;
  if (single) b_singletons++;
  else if (n > 0) b_multicalls++;
  if (reason != R_NONE) b_reasons[reason]++;
  if (n > 0) {
    b_uvm += pend_uvm;
    b_hypercall_histo[HC_UPDATE_VA_MAPPING] += pend_uvm;
    b_hypercall_histo[HC_MMUEXT_OP] += pend_mmuext_entries;
    pend_uvm = pend_mmuext_entries = 0;
    for (int i = 0; i < pend_cmd_count; i++) {
      int cmd = pend_cmd_list[i];
      b_mmuext_histo[cmd] += pend_cmds[cmd];
      pend_cmds[cmd] = 0;
    }
    pend_cmd_count = 0;
    /* the trap pays the walk steps done so far */
    now_ns += HYPERCALL_TRAP + debt_ns;
    debt_ns = 0;
    events++;
    current_vcpu = 0;
    for (int i = 0; i < n; i++) {
      ns_t cost = execute_entry(i, !single);
      if (entry_errors) {
        hypercall_errors += entry_errors;
        if (!first_hypercall_error) first_hypercall_error = entry_first_error ? entry_first_error : "a sub-op failed";
      }
      now_ns += cost;
      events++;
    }
  }
  int ncb = mc_ncb;
  mc_n = mc_nsub = mc_ncb = mc_argidx = 0;
  for (int k = 0; k < ncb; k++) release_now((uint32_t)cb_data[k]);
}
static inline void uva(uint32_t frame, int rw, int uvmf) {
  if (!try_queue_uva(frame, rw, uvmf)) {
    flush(entry_flush_reason(0));
    int i = reserve(0);
    e_op[i] = HC_UPDATE_VA_MAPPING;
    e_frame[i] = (int32_t)frame;
    e_arg[i] = (rw ? 1 : 0) | (uvmf << 1);
    pend_uvm++;
  }
}
static inline void ext(int cmd, uint32_t frame) {
  if (!try_queue_mmuext(cmd, frame)) {
    flush(entry_flush_reason(MMUEXT_BYTES));
    if (!try_queue_mmuext(cmd, frame)) die("mmuext_op does not fit in an empty batch", frame);
  }
}
static inline void callback_unlock(uint32_t id) {
  if (!try_queue_callback(id)) {
    flush(R_CALLBACKS);
    try_queue_callback(id);
  }
}

/* ---- the guest's actions ---- */
static inline void pay_debt(void) {
  if (debt_ns > 0) {
    now_ns += debt_ns;
    debt_ns = 0;
    events++;
  }
}
static inline void lock(uint32_t id, int nest) {
  pay_debt();
  preempt_add(1);
  lockdep_acquire(class_of(id), nest);
  lock_try_acquire(id, 0);
  now_ns += SPIN_ACQUIRE;
  events++;
}
static void release_now(uint32_t id) {
  lock_release(id, 0);
  preempt_sub(1);
  lockdep_release(class_of(id));
  now_ns += SPIN_RELEASE;
  events++;
}
static inline void unlock(uint32_t id) {
  pay_debt();
  release_now(id);
}
static inline int test_set_pinned(uint32_t f) {
  debt_ns += WALK_STEP;
  if (f >= frames) die("testSetPinned: not a frame of this mm", f);
  uint8_t old = flags[f];
  flags[f] = old | PG_PINNED;
  return (old & PG_PINNED) != 0;
}
static inline int test_clear_pinned(uint32_t f) {
  debt_ns += WALK_STEP;
  if (f >= frames) die("testClearPinned: not a frame of this mm", f);
  uint8_t old = flags[f];
  flags[f] = old & ~PG_PINNED;
  return (old & PG_PINNED) != 0;
}
static inline int remap_flags(int level) { return level == PT_PGD ? UVMF_TLB_FLUSH : UVMF_NONE; }

/* fork-exit's pinner, one iteration: page_table_lock around per-pte-deferred's pin, then around its unpin. */
static void cycle(void) {
  lock(page_table_lock, 0);
  for (uint32_t i = 0; i < walk_len; i++) {
    uint32_t f = (uint32_t)walk_frames[i];
    if (test_set_pinned(f)) continue;
    int level = walk_levels[i];
    uva(f, 0, remap_flags(level));
    if (level == PT_PTE) {
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
  for (uint32_t i = 0; i < walk_len; i++) {
    uint32_t f = (uint32_t)walk_frames[i];
    if (!test_clear_pinned(f)) continue;
    int level = walk_levels[i];
    int locked = level == PT_PTE;
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
static void build(uint32_t n) {
  N = n;
  U = (N + 511) / 512;
  G = (U + 511) / 512;
  frames = 2 + G + U + N;
  walk_len = G + U + N + 1;
  walk_frames = calloc(walk_len, sizeof *walk_frames);
  walk_levels = calloc(walk_len, 1);
  flags = malloc(frames);
  memset(flags, FRAME_RW, frames);
  xen_level = calloc(frames, 1);
  int32_t *parent = malloc(frames * sizeof *parent);
  uint16_t *external = calloc(frames, sizeof *external);
  for (uint32_t f = 0; f < frames; f++) parent[f] = -1;
  uint32_t next = 2, w = 0, pud_frame = 0, pmd_frame = 0;
  int64_t cur_pud = -1, cur_pmd = -1;
  for (uint32_t i = 0; i < N; i++) {
    int64_t pmd = i / 512, pud = pmd / 512;
    if (pud != cur_pud) {
      cur_pud = pud;
      pud_frame = next++;
      xen_level[pud_frame] = 3;
      parent[pud_frame] = PGD;
      walk_frames[w] = (int32_t)pud_frame;
      walk_levels[w++] = PT_PUD;
    }
    if (pmd != cur_pmd) {
      cur_pmd = pmd;
      pmd_frame = next++;
      xen_level[pmd_frame] = 2;
      parent[pmd_frame] = (int32_t)pud_frame;
      walk_frames[w] = (int32_t)pmd_frame;
      walk_levels[w++] = PT_PMD;
    }
    uint32_t pte = next++;
    xen_level[pte] = 1;
    parent[pte] = (int32_t)pmd_frame;
    walk_frames[w] = (int32_t)pte;
    walk_levels[w++] = PT_PTE;
  }
  external[PGD] = 4; /* the kernel half's entries of the top level (kernelRefs of 4level) */
  walk_frames[w] = PGD;
  walk_levels[w] = PT_PGD;
  xen_level[PGD] = 4;
  xen_level[USER_PGD] = 4;
  child_count = calloc(frames, sizeof *child_count);
  child_start = calloc(frames, sizeof *child_start);
  children = calloc(frames, sizeof *children);
  int32_t *fill = calloc(frames, sizeof *fill);
  for (uint32_t f = 0; f < frames; f++)
    if (parent[f] >= 0) child_count[parent[f]]++;
  int32_t s = 0;
  for (uint32_t f = 0; f < frames; f++) {
    child_start[f] = s;
    s += child_count[f];
  }
  for (uint32_t f = 0; f < frames; f++) {
    int32_t p = parent[f];
    if (p < 0) continue;
    children[child_start[p] + fill[p]++] = (int32_t)f;
  }
  child_start[USER_PGD] = child_start[PGD];
  child_count[USER_PGD] = child_count[PGD];
  /* Xen's view */
  type_level = calloc(frames, 1);
  pinned = calloc(frames, 1);
  last_type = malloc(frames);
  memset(last_type, TYPE_WRITABLE, frames);
  type_count = calloc(frames, sizeof *type_count);
  validated_at = calloc(frames, sizeof *validated_at);
  tlbflush_ts = calloc(frames, sizeof *tlbflush_ts);
  check_ns = calloc(frames, sizeof *check_ns);
  for (uint32_t f = 0; f < frames; f++) {
    ns_t slots = (f == PGD || f == USER_PGD) ? 496 : 512; /* Xen's guest slots of an L4 (is_guest_l4_slot) */
    check_ns[f] = slots * VALIDATE_ENTRY + (ns_t)external[f] * TYPE_REF;
  }
  /* locks: one per frame, then page_table_lock */
  page_table_lock = frames;
  lock_owner = malloc((frames + 1) * sizeof *lock_owner);
  for (uint32_t f = 0; f <= frames; f++) lock_owner[f] = -1;
  lock_acquired_at = calloc(frames + 1, sizeof *lock_acquired_at);
  lock_acquisitions = calloc(frames + 1, sizeof *lock_acquisitions);
  for (int c = 0; c < 2; c++) lock_classes[c].hold.min = lock_classes[c].wait.min = UINT64_MAX;
  preempt_rare_at = preempt_rare_from(0);
  free(parent);
  free(external);
  free(fill);
}

int main(int argc, char **argv) {
  uint32_t n = argc > 1 ? (uint32_t)atoi(argv[1]) : 32768;
  int iters = argc > 2 ? atoi(argv[2]) : 50;
  if (n < 1 || n > 256u * 512 * 512 || iters < 1) {
    fprintf(stderr, "usage: pinref-model N ITER (N from 1 to %u PTE pages, ITER >= 1)\n", 256u * 512 * 512);
    return 2;
  }
  build(n);
  events = 1; /* the engine counts the vCPU's first step as an event */
  cycle();
  histo_t *hold = &lock_classes[CLASS_PTL].hold;
  printf("{\"N\":%u,\"slotsPerCycle\":%llu,\"batchesPerCycle\":%llu,\"counts\":{\"ptePages\":%u,\"slots\":%llu,"
         "\"multicalls\":%llu,\"singletons\":%llu,\"batches\":%llu,\"typeChangeFlushes\":%llu,\"guestFlushes\":%llu,"
         "\"tablesValidated\":%llu,\"tablesDevalidated\":%llu,\"events\":%llu,\"virtualNs\":%lld,\"ptlHoldCount\":%llu,"
         "\"ptlHoldTotalNs\":%lld,\"ptlHoldMinNs\":%llu,\"ptlHoldMaxNs\":%llu,\"ptlMaxHeld\":%llu,"
         "\"pageTableLockHoldTotalNs\":%lld,\"preemptMaxDepth\":%lld,\"lockdepMaxDepth\":%d,\"hypercallErrors\":%llu}",
         N, (unsigned long long)b_entries, (unsigned long long)b_multicalls, N, (unsigned long long)b_entries,
         (unsigned long long)b_multicalls, (unsigned long long)b_singletons, (unsigned long long)b_batches,
         (unsigned long long)st_type_change_flushes, (unsigned long long)st_guest_flushes,
         (unsigned long long)st_validated, (unsigned long long)st_devalidated, (unsigned long long)events,
         (long long)now_ns, (unsigned long long)hold->count, (long long)hold->total,
         (unsigned long long)(hold->count ? hold->min : 0), (unsigned long long)hold->max,
         (unsigned long long)lock_classes[CLASS_PTL].max_held,
         (long long)lock_classes[CLASS_PAGE_TABLE_LOCK].hold.total, (long long)preempt_max, ld_max_depth,
         (unsigned long long)hypercall_errors);
  fflush(stdout);
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (int i = 0; i < iters; i++) cycle();
  clock_gettime(CLOCK_MONOTONIC, &b);
  double ns = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / iters;
  /* The whole run's state, so that the compiler keeps every statistic (and a reader sees they stay sane). */
  printf(",\"nsPerCycle\":%.0f,\"run\":{\"cycles\":%d,\"events\":%llu,\"virtualNs\":%lld,\"lockdepOn\":%d,"
         "\"preemptOverflows\":%lld,\"flushReasons\":[%llu,%llu,%llu],\"argBytes\":%llu,\"batchHistogram32\":%llu,"
         "\"mmuextPinL1\":%llu,\"unpins\":%llu,\"lockAcquisitions0\":%u,\"holdBuckets\":%llu,\"errors\":%llu}}\n",
         ns, iters + 1, (unsigned long long)events, (long long)now_ns, debug_locks_on, (long long)preempt_overflows,
         (unsigned long long)b_reasons[R_SLOTS], (unsigned long long)b_reasons[R_ARGS],
         (unsigned long long)b_reasons[R_CALLBACKS], (unsigned long long)b_arg_bytes,
         (unsigned long long)b_batch_histo[MC_BATCH], (unsigned long long)b_mmuext_histo[PIN_L1],
         (unsigned long long)b_mmuext_histo[UNPIN], lock_acquisitions[walk_frames[2]],
         (unsigned long long)hold->counts[bucket_of(hold->max)], (unsigned long long)st_errors);
  return 0;
}
