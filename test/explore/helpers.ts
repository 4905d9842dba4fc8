import { resolveParams } from '../../src/scenarios/params.js';
import type { ForkExitParams } from '../../src/scenarios/types.js';
import type { PinContext, Program } from '../../src/strategies/types.js';
import type { Workload } from '../../src/explore/types.js';

/** A configuration of fork-exit as explore resolves it (2 vCPUs, 1 cycle unless given). */
export function config(params: Partial<ForkExitParams>): ForkExitParams {
  return resolveParams({ vcpus: 2, iterations: 1, ptePages: 2, ...params });
}

/** C(n, k). */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

/**
 * A program of `steps` steps that touches nothing another vCPU can see: steps - 1 sleeps, then its end (a program's
 * end is a step of its own: the code after its last yield runs there).
 */
export function* sleeper(ctx: PinContext, steps: number): Program {
  for (let i = 0; i < steps - 1; i++) yield ctx.sleep(1);
}

/** vCPU v sleeps through `steps[v]` steps. */
export function sleepers(steps: readonly number[]): Workload {
  return (ctx) => sleeper(ctx, steps[ctx.vcpu] ?? 1);
}
