import { z } from 'zod';

// The one definition of the `pinbench.results/v1` document. The TypeScript types (types.ts) are inferred from
// it, the committed JSON Schema (schema/results.v1.json) is generated from it (`npm run schema`), `load`
// checks a file against it and `write` validates every document before writing.
//
// Every object is loose: fields this version does not declare are kept, never dropped, so a result set
// written by a newer pinbench (a new metric, a new parameter) loads, compares and is written back whole.
// Everything under `metrics` is exact (a function of the parameters and seed); everything under `wall` is
// noisy (wall clock). A new exact metric needs no change here: it flows through load, write, the exact diff
// and compare as it is; declare it here (optional, so older files still load) only to check its type.

/** The value of the `schema` field. */
export const RESULTS_SCHEMA = 'pinbench.results/v1';

const count = z.number().int().min(0);
const ns = z.number().min(0);

/** lockstat's columns plus percentiles of one distribution, virtual ns. */
const distSummary = z.looseObject({
  count,
  minNs: ns,
  meanNs: ns,
  p50Ns: ns,
  p99Ns: ns,
  maxNs: ns,
  totalNs: ns,
});

const lockClass = z.looseObject({
  acquisitions: count,
  contentions: count,
  maxHeld: count,
  holdNs: distSummary,
  waitNs: distSummary,
});

/** The exact metrics of a scenario run (src/scenarios/types.ts `RunMetrics` must stay assignable to this). */
export const metricsSchema = z
  .looseObject({
    hypercalls: z.looseObject({
      traps: count,
      multicalls: count,
      entries: count,
      argBytes: count,
      batches: count,
      subops: z.looseObject({
        update_va_mapping: count,
        mmu_update: count,
        mmuext_op: z.record(z.string(), count),
      }),
      batchHistogram: z.array(count),
      flushReasons: z.looseObject({ slots: count, args: count, callbacks: count }),
    }),
    locks: z.looseObject({ ptl: lockClass, page_table_lock: lockClass }),
    preempt: z.looseObject({ maxDepth: count, overflows: count }),
    lockdep: z.looseObject({ maxDepth: count, overflows: count }),
    writes: z.looseObject({ direct: count, emulated: count }),
    faults: z.looseObject({
      writeProtect: count,
      hypercallErrors: count,
      firstHypercallError: z
        .string()
        .nullable()
        .optional()
        .meta({ description: "Xen's reason for the first failed hypercall sub-op, null when none failed." }),
      details: z.array(z.looseObject({ vcpu: count, frame: count, atNs: ns, pinner: z.string() })),
    }),
    counts: z.looseObject({ pins: count, unpins: count, writes: count, events: count }),
    throughput: z.looseObject({ pinsPerSec: z.number(), unpinsPerSec: z.number(), writesPerSec: z.number() }),
    virtualNs: ns,
  })
  .meta({ description: 'Exact metrics: functions of the parameters and the seed, bit-identical on any machine.' });

/** Wall-clock measurements of a run: noisy. */
export const wallSchema = z
  .looseObject({
    durationMs: z.number().min(0).meta({ description: 'Wall time of one run of the scenario (the median sample), ms.' }),
    eventsPerSec: z.number().min(0).optional().meta({ description: 'Simulated events per wall second.' }),
    normalisedPerEvent: z
      .number()
      .min(0)
      .optional()
      .meta({ description: 'Wall ns per simulated event divided by the calibration loop’s ns per iteration.' }),
    samplesMs: z.array(z.number().min(0)).optional().meta({ description: 'Raw wall-clock samples, ms.' }),
    sampleOrder: z
      .enum(['time', 'sorted'])
      .optional()
      .meta({
        description:
          'Order of samplesMs: "time", as taken (pinbench 0.2: one sample per round of the pass, spread over the job); ' +
          'absent or "sorted" in older files, whose samples were back-to-back repeats stored sorted.',
      }),
    meanMs: z.number().min(0).optional(),
    p50Ms: z.number().min(0).optional(),
    p99Ms: z.number().min(0).optional(),
    rme: z.number().min(0).optional().meta({ description: 'tinybench relative margin of error, percent.' }),
    samples: count.optional(),
    calibrationNsPerIter: z
      .number()
      .min(0)
      .optional()
      .meta({ description: 'ns per iteration of the calibration loop, same thread.' }),
  })
  .meta({ description: 'Noisy: wall clock of the machine in `environment`.' });

/** Parameters of a scenario run (src/scenarios `ForkExitParams`); new parameters pass through. */
export const scenarioParamsSchema = z.looseObject({
  scenario: z.string(),
  strategy: z.string(),
  mode: z.string(),
  ptePages: count,
  vmas: z.array(z.looseObject({ start: count, length: count })).optional(),
  vcpus: count,
  iterations: count,
  dwellNs: ns,
  writerThinkNs: ns,
  seed: count,
  profile: z.string(),
  mcBatch: count,
  mcArgs: count,
  preemptBits: count,
});

const runId = z.string().min(1).meta({ description: 'Stable, readable id, unique within the set.' });

export const scenarioRunSchema = z.looseObject({
  id: runId,
  kind: z.literal('scenario'),
  status: z.literal('ok'),
  params: scenarioParamsSchema,
  splitPtlocks: z
    .boolean()
    .optional()
    .meta({
      description:
        'Whether split PTE locks were on, i.e. which lock racing PTE writers take: the split PTE lock (true) or ' +
        'mm->page_table_lock (false). Absent in files of pinbench 0.1: true, the Strategy default.',
    }),
  raceFree: z
    .boolean()
    .optional()
    .meta({
      description:
        'Whether the strategy claims to be race-free (false: a deliberately racy variant, whose write-protect faults are ' +
        'expected). Absent in files of pinbench 0.1: true, the Strategy default.',
    }),
  metrics: metricsSchema,
  wall: wallSchema,
  trace: z
    .looseObject({
      file: z.string().nullable().meta({
        description: 'The trace file, relative to the directory of this results.json; null when it could not be written.',
      }),
      events: count.meta({ description: 'Trace events in the file.' }),
      bytes: count,
      truncated: z
        .boolean()
        .meta({ description: 'The trace stopped at its size limit before the run ended (its otherData says where).' }),
      error: z.string().optional().meta({ description: 'Why the trace was not written.' }),
    })
    .optional()
    .meta({
      description: 'The Chrome trace-event file of this run (`run --trace DIR`), for Perfetto, chrome://tracing or speedscope.',
    }),
});

/**
 * A run that completed but must not be read as a result: a hypercall failed, an end-of-run invariant broke, or a
 * strategy that claims to be race-free let a write-protect fault through. Its metrics are kept (they show what
 * happened) and compared like any run's, but no table or chart ranks it with correct runs.
 */
export const invalidRunSchema = scenarioRunSchema.extend({
  status: z.literal('invalid'),
  reasons: z
    .array(z.string())
    .min(1)
    .meta({ description: 'Why the run is invalid, one sentence each (src/runner/validity.ts).' }),
});

export const microRunSchema = z.looseObject({
  id: runId,
  kind: z.literal('micro'),
  status: z.literal('ok'),
  params: z.looseObject({ name: z.string() }),
  wall: wallSchema,
});

export const errorRunSchema = z.looseObject({
  id: runId,
  kind: z.enum(['scenario', 'micro']),
  status: z.literal('error'),
  params: z.record(z.string(), z.unknown()),
  error: z.string().meta({ description: 'What went wrong: the exception, or the limit or invariant that failed.' }),
});

export const runResultSchema = z.discriminatedUnion('status', [
  z.discriminatedUnion('kind', [scenarioRunSchema, microRunSchema]),
  invalidRunSchema,
  errorRunSchema,
]);

export const environmentSchema = z.looseObject({
  node: z.string(),
  os: z.string(),
  cpuModel: z.string(),
  cores: count,
  memoryBytes: count,
});

export const toolSchema = z.looseObject({
  name: z.literal('pinbench'),
  version: z.string().min(1),
  commit: z.string().nullable().meta({ description: 'git commit of pinbench, null outside a git checkout.' }),
  dirty: z
    .boolean()
    .optional()
    .meta({ description: "Whether pinbench's tracked files had uncommitted changes (absent when unknown, or in older files)." }),
});

/** The whole document. */
export const resultSetSchema = z
  .looseObject({
    schema: z.literal(RESULTS_SCHEMA),
    tool: toolSchema,
    environment: environmentSchema,
    suite: z.string().min(1),
    profiles: z.record(z.string(), z.unknown()).meta({ description: 'Cost profiles used, by name, with every number.' }),
    createdAt: z.string().meta({ description: 'When the run started, ISO 8601.' }),
    partial: z.boolean().meta({ description: 'True when interrupted: only the finished runs are present.' }),
    argv: z.array(z.string()).optional().meta({ description: 'The command line after `pinbench`, for reproduction.' }),
    workers: count.optional().meta({ description: 'Worker threads of the pool (0: in-process).' }),
    plannedRuns: count
      .optional()
      .meta({ description: 'Runs the command set out to run; fewer are present when `partial` (interrupted).' }),
    limits: z
      .looseObject({ maxEvents: count, maxVirtualNs: ns, maxWallMs: ns })
      .optional()
      .meta({ description: 'Per-run limits in force (run --max-events, --max-virtual-ns, --max-wall-ms).' }),
    determinism: z
      .looseObject({
        checked: z.boolean(),
        passed: z.boolean(),
        differences: count.meta({ description: 'Exact values that differed between the two passes.' }),
        examples: z
          .array(z.looseObject({ id: z.string(), metric: z.string(), first: z.unknown(), second: z.unknown() }))
          .optional()
          .meta({ description: 'The first differences, run by run.' }),
      })
      .optional()
      .meta({
        description:
          'The outcome of `--check-determinism` (every run twice, in reverse order on a fresh pool). passed: false means the exact metrics are not reproducible.',
      }),
    shard: z
      .looseObject({
        index: count.min(1),
        count: count.min(1),
        plan: z.string().meta({ description: 'sha256 of the whole plan: suite name, every run id and parameters, in order.' }),
        planRuns: count.meta({ description: 'Runs of the whole plan, every part together.' }),
        positions: z.array(count).meta({ description: 'Position in the whole plan of each run assigned to this part.' }),
        ids: z.array(z.string()).meta({ description: 'Id of each run assigned to this part (same order as positions).' }),
        estimatedMs: z.number().min(0),
        largestPartMs: z.number().min(0),
      })
      .optional()
      .meta({
        description: 'This set is part `index` of `count` of a plan (`run --shard i/n`); `pinbench merge` joins the parts.',
      }),
    merged: z
      .looseObject({
        plan: z.string(),
        shards: count.min(1),
        parts: z.array(
          z.looseObject({ file: z.string(), index: count.min(1), createdAt: z.string(), partial: z.boolean(), runs: count }),
        ),
        missing: z.looseObject({ shards: z.array(count), runs: count }),
      })
      .optional()
      .meta({
        description: 'This set was merged from the parts of a sharded run (`pinbench merge`): which parts, and what is missing.',
      }),
    runs: z.array(runResultSchema),
  })
  .meta({
    title: RESULTS_SCHEMA,
    description:
      'One run of a pinbench suite: tool, environment, cost profiles and one entry per run. Everything under `metrics` ' +
      'is exact (a function of the parameters and seed); everything under `wall` is noisy (wall clock). Every object ' +
      'accepts additional properties: a newer writer may add fields, never remove or rename one.',
  });
