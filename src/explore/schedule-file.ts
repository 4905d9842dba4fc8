import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { checkDocument } from '../results/load.js';
import { resolveParams } from '../scenarios/params.js';
import type { ForkExitParams } from '../scenarios/types.js';
import { ConfigError } from '../shared/errors.js';
import { writeFileAtomic } from '../shared/write-file-atomic.js';
import { MAX_WRITER_UPDATES } from './defaults.js';
import type { StepRecord } from './step-record.js';
import { type Counterexample, type Schedule, VIOLATION_KINDS, type Violation } from './types.js';

/** The value of a schedule file's `schema` field. */
export const SCHEDULE_SCHEMA = 'pinbench.schedule/v1';

const count = z.number().int().min(0);

const scheduleFileSchema = z.looseObject({
  schema: z.literal(SCHEDULE_SCHEMA),
  tool: z.looseObject({ name: z.string(), version: z.string(), commit: z.string().nullable() }),
  createdAt: z.string(),
  /** The configuration, as run: every parameter of the fork-exit scenario (resolveParams checks it). */
  params: z.record(z.string(), z.unknown()),
  /** PTE updates of each racing writer. */
  writerUpdates: count.max(MAX_WRITER_UPDATES),
  /** The bound the search that found it covered. */
  preemptionBound: count,
  violation: z.looseObject({ kind: z.enum(VIOLATION_KINDS), message: z.string(), step: count, expected: z.boolean() }),
  preemptions: count,
  /** The vCPU of each step, and each program choice (a writer's PTE page, an index into the PTE pages with a present PTE in walk order). */
  schedule: z.looseObject({ steps: z.array(count), choices: z.array(count) }),
  /** The schedule as a readable trace, one line per step (informative: replay recomputes it). */
  trace: z.array(z.string()).optional(),
});

/** A schedule file: a counterexample that `pinbench replay` runs again. */
export interface ScheduleFile {
  schema: typeof SCHEDULE_SCHEMA;
  tool: { name: string; version: string; commit: string | null };
  createdAt: string;
  params: ForkExitParams;
  writerUpdates: number;
  preemptionBound: number;
  violation: Violation;
  preemptions: number;
  schedule: Schedule;
  trace?: string[];
}

/** The document for a counterexample. */
export function scheduleFile(
  params: ForkExitParams,
  counterexample: Counterexample,
  info: {
    tool: ScheduleFile['tool'];
    createdAt: Date;
    writerUpdates: number;
    preemptionBound: number;
    records: readonly StepRecord[];
  },
): ScheduleFile {
  return {
    schema: SCHEDULE_SCHEMA,
    tool: info.tool,
    createdAt: info.createdAt.toISOString(),
    params,
    writerUpdates: info.writerUpdates,
    preemptionBound: info.preemptionBound,
    violation: counterexample.violation,
    preemptions: counterexample.preemptions,
    schedule: counterexample.schedule,
    trace: info.records.map((r) => `${r.step} v${r.vcpu}${r.preemption ? ' (preempts)' : ''}: ${r.action}`),
  };
}

/** Write a schedule file atomically (2-space JSON). */
export async function writeScheduleFile(path: string, file: ScheduleFile): Promise<void> {
  // Arrays of numbers (the schedule) on one line each: a schedule of 300 steps stays a screenful.
  const text = JSON.stringify(file, null, 2).replace(
    /\[\s+(-?\d+(?:,\s+-?\d+)*)\s+\]/g,
    (_, inner: string) => `[${inner.split(/,\s+/).join(', ')}]`,
  );
  await writeFileAtomic(path, `${text}\n`);
}

/**
 * Check a parsed schedule file: the schema, every field, the parameters (as `run` checks them: the strategy must be
 * registered, the kernel and mode must pair), and that every step names one of its vCPUs. ConfigError naming the file
 * and the field otherwise.
 */
export function parseScheduleFile(doc: unknown, source: string): ScheduleFile {
  const data = checkDocument(doc, source, SCHEDULE_SCHEMA, scheduleFileSchema, 'a pinbench schedule');
  let params: ForkExitParams;
  try {
    params = resolveParams(data.params as Partial<ForkExitParams>);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(`${source}: params.${error.message}`, `params.${error.field ?? ''}`);
    throw error;
  }
  const bad = data.schedule.steps.findIndex((v) => v >= params.vcpus);
  if (bad >= 0) {
    throw new ConfigError(
      `${source}: schedule.steps[${bad}] is vCPU ${data.schedule.steps[bad]}, but params.vcpus is ${params.vcpus}`,
      `schedule.steps[${bad}]`,
    );
  }
  return { ...(data as unknown as ScheduleFile), params };
}

/** Read and check a schedule file; ConfigError naming the file and the problem (missing, not JSON, a bad field). */
export async function loadScheduleFile(path: string): Promise<ScheduleFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message.split('\n')[0];
    throw new ConfigError(`${path}: cannot read schedule file: ${why}`);
  }
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path}: not JSON (${(error as Error).message.split('\n')[0]})`);
  }
  return parseScheduleFile(doc, path);
}
