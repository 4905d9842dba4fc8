import { z } from 'zod';
import { RESULTS_SCHEMA } from '../runner/types.js';

// The report reads result files written by other versions of pinbench, so it checks the shape of every
// field it draws and lets unknown fields through: a newer writer may add metrics, never remove them.

const dist = z.object({
  count: z.number(),
  minNs: z.number(),
  meanNs: z.number(),
  p50Ns: z.number(),
  p99Ns: z.number(),
  maxNs: z.number(),
  totalNs: z.number(),
});

const lockClass = z.object({
  acquisitions: z.number(),
  contentions: z.number(),
  maxHeld: z.number(),
  holdNs: dist,
  waitNs: dist,
});

const metrics = z.object({
  hypercalls: z.object({
    traps: z.number(),
    multicalls: z.number(),
    singletons: z.number().optional(),
    entries: z.number(),
    argBytes: z.number(),
    batches: z.number(),
    subops: z.object({
      update_va_mapping: z.number(),
      mmu_update: z.number(),
      mmuext_op: z.record(z.string(), z.number()),
    }),
    batchHistogram: z.array(z.number()),
    flushReasons: z.object({ slots: z.number(), args: z.number(), callbacks: z.number() }),
  }),
  locks: z.object({ ptl: lockClass, page_table_lock: lockClass }),
  // Absent in results written before kernel eras and Xen's type-change flushes were modelled.
  xen: z
    .object({ tlbFlushes: z.number(), flushIpis: z.number(), guestFlushes: z.number(), bigLock: lockClass })
    .optional(),
  preempt: z.object({ maxDepth: z.number(), overflows: z.number(), debugWarnings: z.number().optional() }),
  lockdep: z.object({
    maxDepth: z.number(),
    overflows: z.number(),
    recursionWarnings: z.number().optional(),
    referenceOverflows: z.number().optional(),
    disabled: z.number().optional(),
  }),
  writes: z.object({ direct: z.number(), emulated: z.number(), staleTlb: z.number().optional() }),
  faults: z.object({
    writeProtect: z.number(),
    hypercallErrors: z.number(),
    details: z.array(
      z.object({ vcpu: z.number(), frame: z.number(), atNs: z.number(), pinner: z.string() }),
    ),
  }),
  counts: z.object({ pins: z.number(), unpins: z.number(), writes: z.number(), events: z.number() }),
  throughput: z.object({ pinsPerSec: z.number(), unpinsPerSec: z.number(), writesPerSec: z.number() }),
  virtualNs: z.number(),
});

const wall = z.object({
  durationMs: z.number(),
  eventsPerSec: z.number().optional(),
  normalisedPerEvent: z.number().optional(),
  samplesMs: z.array(z.number()).optional(),
  meanMs: z.number().optional(),
  p50Ms: z.number().optional(),
  p99Ms: z.number().optional(),
  rme: z.number().optional(),
  samples: z.number().optional(),
});

const scenarioParams = z.looseObject({
  scenario: z.string(),
  strategy: z.string(),
  mode: z.string(),
  kernel: z.string().optional(),
  ptePages: z.number(),
  vcpus: z.number(),
  iterations: z.number(),
  seed: z.number(),
  profile: z.string(),
  preemptBits: z.number(),
});

const okRun = z.discriminatedUnion('kind', [
  z.looseObject({
    id: z.string(),
    kind: z.literal('scenario'),
    status: z.literal('ok'),
    params: scenarioParams,
    metrics,
    wall,
  }),
  z.looseObject({
    id: z.string(),
    kind: z.literal('micro'),
    status: z.literal('ok'),
    params: z.looseObject({ name: z.string() }),
    wall,
  }),
]);

const run = z.discriminatedUnion('status', [
  okRun,
  z.looseObject({
    id: z.string(),
    kind: z.enum(['scenario', 'micro']),
    status: z.literal('error'),
    params: z.record(z.string(), z.unknown()),
    error: z.string(),
  }),
]);

/** Shape of a `pinbench.results/v1` document, as far as the report reads it. */
export const resultSetSchema = z.looseObject({
  schema: z.literal(RESULTS_SCHEMA),
  tool: z.looseObject({ name: z.literal('pinbench'), version: z.string(), commit: z.string().nullable() }),
  environment: z.looseObject({
    node: z.string(),
    os: z.string(),
    cpuModel: z.string(),
    cores: z.number(),
    memoryBytes: z.number(),
  }),
  suite: z.string(),
  profiles: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  partial: z.boolean(),
  runs: z.array(run),
});
