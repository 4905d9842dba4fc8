import type { ScenarioSuite } from '../src/runner/types.js';

/**
 * Small and fast (well under 20 s on 2 cores), for regression tracking against reports/baselines/ci.json:
 * every strategy on each paging mode, below and above whole-lock's overflow, with and without writers.
 */
const suite: ScenarioSuite = {
  kind: 'scenario',
  name: 'ci',
  description: 'Small and fast, for regression tracking: every strategy, 3 modes, 64 and 300 PTE pages, 1 and 4 vCPUs, 2 seeds',
  matrices: [
    { mode: ['4level'], ptePages: [64, 300], vcpus: [1, 4], iterations: [4], seed: [1, 2] },
    { mode: ['2level', 'pae'], ptePages: [64], vcpus: [4], iterations: [4], seed: [1] },
  ],
};

export default suite;
