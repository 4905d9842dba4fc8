import type { ScenarioSuite } from '../src/runner/types.js';

/**
 * The seed patch's story, in its own configuration and today's: every strategy on Linux 2.6.24 / pae / Xen 3.1
 * (`xeon-2007`, the seed as it shipped) and on today's kernel / 4level / current Xen (`modern`), at sizes around
 * whole-lock's preempt-count overflow (PREEMPT_BITS 8: 256 nested locks; 300 PTE pages overflow it), alone (1 vCPU)
 * and raced by 3 writers.
 */
const SIZES = [64, 256, 300, 1024];

const suite: ScenarioSuite = {
  kind: 'scenario',
  name: 'default',
  description:
    "Every strategy, the seed's own configuration (2.6.24, pae, xeon-2007) beside today's (current, 4level, modern), " +
    '64/256/300/1024 PTE pages, 1 and 4 vCPUs, 3 seeds (300 overflows whole-lock)',
  matrices: [
    // No strategy axis: every registered strategy.
    { mode: ['pae'], kernel: ['2.6.24'], profile: ['xeon-2007'], ptePages: SIZES, vcpus: [1, 4], seed: [1, 2, 3] },
    { mode: ['4level'], kernel: ['current'], profile: ['modern'], ptePages: SIZES, vcpus: [1, 4], seed: [1, 2, 3] },
  ],
};

export default suite;
