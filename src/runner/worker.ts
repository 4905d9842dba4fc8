// piscina worker entry: message glue only. Everything it calls also runs in-process (`--workers 0`).
import { executeRun } from './execute-run.js';
import type { RunResult } from '../results/types.js';
import type { RunTask } from './types.js';

/** One pool task is a few runs (schedule.ts, chunkByCost): run them one after another, results in the same order. */
export default async function runTasks(tasks: RunTask[]): Promise<RunResult[]> {
  const results: RunResult[] = [];
  for (const task of tasks) results.push(await executeRun(task));
  return results;
}
