import { z } from 'zod';
import { COST_PROFILES } from '../hv/cost-profiles.js';
import { MC_ARGS_BYTES_PER_SLOT } from '../hv/multicall-batcher.js';
import { allowedKernelModePairs, defaultKernelFor, KERNEL_ERAS, KERNEL_VERSIONS } from '../mmu/kernel-era.js';
import { MODE_MAX_PTE_PAGES, PAGING_MODE_NAMES } from '../mmu/paging-mode.js';
import { ConfigError } from '../shared/errors.js';
import { listStrategies } from '../strategies/registry.js';
import { DEFAULT_PARAMS, SCENARIOS } from './defaults.js';
import type { ForkExitParams } from './types.js';

export { DEFAULT_PARAMS, SCENARIOS } from './defaults.js';

/** Largest vCPU count accepted (lock owners are kept in 16 bits; larger is no longer a PV guest anyone runs). */
export const MAX_VCPUS = 512;

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max);

const schema = z
  .object({
    scenario: z.enum(SCENARIOS),
    strategy: z.string(),
    mode: z.enum(PAGING_MODE_NAMES as [string, ...string[]]),
    kernel: z.enum(KERNEL_VERSIONS as [string, ...string[]]),
    ptePages: int(1),
    vmas: z
      .array(z.object({ start: int(0), length: int(1) }).strict())
      .min(1)
      .optional(),
    vcpus: int(1, MAX_VCPUS),
    iterations: int(1),
    dwellNs: int(0),
    writerThinkNs: int(0),
    seed: int(0, 2 ** 32 - 1),
    profile: z.string(),
    mcBatch: int(1, 4096),
    mcArgs: int(32, 1 << 20),
    preemptBits: int(1, 24),
  })
  .strict();

/** What a field accepts, for error messages. */
function allowed(field: string): string {
  switch (field) {
    case 'scenario':
      return SCENARIOS.join(', ');
    case 'mode':
      return PAGING_MODE_NAMES.join(', ');
    case 'kernel':
      return `${KERNEL_VERSIONS.join(', ')} (pairs with the mode that shipped: ${allowedKernelModePairs().join(', ')})`;
    case 'ptePages':
      return `an integer from 1 to the mode's maximum (2level ${MODE_MAX_PTE_PAGES['2level']}, pae ${MODE_MAX_PTE_PAGES.pae}, 4level ${MODE_MAX_PTE_PAGES['4level']})`;
    case 'vcpus':
      return `an integer from 1 to ${MAX_VCPUS}`;
    case 'iterations':
      return 'an integer of at least 1';
    case 'dwellNs':
    case 'writerThinkNs':
      return 'an integer number of nanoseconds, at least 0';
    case 'seed':
      return 'an integer from 0 to 4294967295';
    case 'mcBatch':
      return 'an integer from 1 to 4096 (Linux: 32)';
    case 'mcArgs':
      return 'an integer number of bytes from 32 to 1048576 (Linux: 16 x MC_BATCH = 512)';
    case 'preemptBits':
      return 'an integer from 1 to 24 (Linux: 8)';
    default:
      return 'see pinbench run --help';
  }
}

/**
 * The value `field` takes when it is not given, for these (otherwise resolved) parameters: `kernel` follows the
 * mode and `mcArgs` the batch size; the others are DEFAULT_PARAMS. Run ids name only the fields that differ.
 */
export function defaultParamValue<K extends keyof ForkExitParams>(field: K, params: ForkExitParams): ForkExitParams[K] {
  if (field === 'kernel') return defaultKernelFor(params.mode) as ForkExitParams[K];
  if (field === 'mcArgs') return (params.mcBatch * MC_ARGS_BYTES_PER_SLOT) as ForkExitParams[K];
  return DEFAULT_PARAMS[field];
}

/** Check a kernel name alone (the CLI checks each value of a list before pairing it with the modes). */
export function checkKernelName(value: unknown): void {
  if (!(KERNEL_VERSIONS as unknown[]).includes(value)) {
    throw new ConfigError(`kernel: ${JSON.stringify(value)} is not allowed; expected ${allowed('kernel')}`, 'kernel');
  }
}

/**
 * Validate and complete user parameters (defaults from DEFAULT_PARAMS; `kernel` from the mode and `mcArgs` from
 * `mcBatch` when not given). Throws ConfigError naming the field, the value and what is allowed; a (kernel, mode)
 * pair that never shipped names both values and the allowed pairs.
 */
export function resolveParams(input: Partial<ForkExitParams>): ForkExitParams {
  const given = stripUndefined(input);
  const merged = { ...DEFAULT_PARAMS, ...given };
  if (given.kernel === undefined && typeof merged.mode === 'string' && (PAGING_MODE_NAMES as string[]).includes(merged.mode)) {
    merged.kernel = defaultKernelFor(merged.mode);
  }
  if (given.mcArgs === undefined && Number.isInteger(merged.mcBatch)) merged.mcArgs = merged.mcBatch * MC_ARGS_BYTES_PER_SLOT;
  const r = schema.safeParse(merged);
  if (!r.success) {
    const issue = r.error.issues[0];
    if (issue === undefined) throw new ConfigError('params: rejected by the schema without a reason', 'params');
    const field = issue.path.map(String).join('.') || '(params)';
    const top = String(issue.path[0] ?? '');
    const value = issue.path.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k as string], merged);
    if (issue.code === 'unrecognized_keys') {
      throw new ConfigError(
        `params: unknown field(s) ${issue.keys.join(', ')}; allowed: ${Object.keys(DEFAULT_PARAMS).join(', ')}, vmas`,
        'params',
      );
    }
    throw new ConfigError(`${field}: ${JSON.stringify(value)} is not allowed; expected ${allowed(top)}`, field);
  }
  const p = r.data as ForkExitParams;
  if (!KERNEL_ERAS[p.kernel].modes.includes(p.mode)) {
    throw new ConfigError(
      `kernel: ${p.kernel} with mode ${p.mode} never shipped; allowed (kernel/mode) pairs: ${allowedKernelModePairs().join(', ')}`,
      'kernel',
    );
  }
  if (!listStrategies().includes(p.strategy)) {
    throw new ConfigError(`strategy: unknown strategy '${p.strategy}'; allowed: ${listStrategies().join(', ')}`, 'strategy');
  }
  if (!(p.profile in COST_PROFILES)) {
    throw new ConfigError(
      `profile: unknown cost profile '${p.profile}'; allowed: ${Object.keys(COST_PROFILES).join(', ')}`,
      'profile',
    );
  }
  if (!p.vmas && p.ptePages > MODE_MAX_PTE_PAGES[p.mode]) {
    throw new ConfigError(
      `ptePages: ${p.ptePages} exceeds the maximum for mode ${p.mode}; allowed: 1 to ${MODE_MAX_PTE_PAGES[p.mode]}`,
      'ptePages',
    );
  }
  return p;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
