import type { ScenarioSuite } from '../src/runner/types.js';

/**
 * The seed patch's story: every strategy on x86-64 at sizes around whole-lock's preempt-count overflow
 * (PREEMPT_BITS 8: 256 nested locks; 300 PTE pages overflow it), alone (1 vCPU) and raced by 3 writers.
 */
const suite: ScenarioSuite = {
  kind: 'scenario',
  name: 'default',
  description: "Every strategy, 4level, 64/256/300/1024 PTE pages, 1 and 4 vCPUs, 3 seeds: the seed patch's story (300 overflows whole-lock)",
  matrices: [
    {
      // No strategy axis: every registered strategy.
      mode: ['4level'],
      ptePages: [64, 256, 300, 1024],
      vcpus: [1, 4],
      seed: [1, 2, 3],
    },
  ],
};

export default suite;
