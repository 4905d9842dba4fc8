import { defaultKernelFor } from '../src/mmu/kernel-era.js';
import { MODE_MAX_PTE_PAGES, PAGING_MODE_NAMES } from '../src/mmu/paging-mode.js';
import type { ParamMatrix, ScenarioSuite } from '../src/runner/types.js';
import { defined } from '../src/shared/defined.js';

/** Sizes from 16 to 65,536 PTE pages, by factors of 4. */
const SIZES = [16, 64, 256, 1024, 4096, 16384, 65536];

/** Each mode takes the sizes within its maximum, and the maximum itself when it is not one of them. */
function sizesFor(max: number): number[] {
  const sizes = SIZES.filter((n) => n <= max);
  if (max < defined(SIZES[SIZES.length - 1]) && !sizes.includes(max)) sizes.push(max);
  return sizes;
}

const suite: ScenarioSuite = {
  kind: 'scenario',
  name: 'scaling',
  description:
    "PTE pages from 16 to 65,536 in all three paging modes (up to each mode's maximum), each with its default kernel " +
    '(2.6.24 on 2level and pae, current on 4level), 1 vCPU: cost against size',
  matrices: PAGING_MODE_NAMES.map(
    (mode): ParamMatrix => ({
      mode: [mode],
      kernel: [defaultKernelFor(mode)],
      ptePages: sizesFor(MODE_MAX_PTE_PAGES[mode]),
      vcpus: [1],
      iterations: [4],
      seed: [1],
    }),
  ),
};

export default suite;
