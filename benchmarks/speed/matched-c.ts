/**
 * The fidelity-matched C (pinref-model.c) beside the model: the check that its counts of one cycle are the model's
 * (engine-speed.ts refuses to print its time otherwise). The counts are those of floor.ts's `ModelCounts`, taken from
 * a real per-pte-deferred run of one cycle.
 */
import type { ModelCounts } from './floor.js';

/**
 * Every count of `model` that the C program's `counts` (its JSON output) does not reproduce, in words; also a
 * hypercall error in the C (the model's cycle has none). Empty when they agree.
 */
export function countMismatches(model: ModelCounts, cCounts: unknown): string[] {
  if (cCounts === null || typeof cCounts !== 'object') return [`the C program printed no counts (${JSON.stringify(cCounts)})`];
  const c = cCounts as Record<string, unknown>;
  const out: string[] = [];
  for (const [key, value] of Object.entries(model)) {
    if (!(key in c)) out.push(`${key}: the model's ${value}, the C printed none`);
    else if (c[key] !== value) out.push(`${key}: the model's ${value}, the C's ${JSON.stringify(c[key])}`);
  }
  if (c.hypercallErrors !== undefined && c.hypercallErrors !== 0)
    out.push(`hypercallErrors: the C's ${JSON.stringify(c.hypercallErrors)}, the model's cycle has none`);
  return out;
}
