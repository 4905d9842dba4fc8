import type { ScenarioSuite } from '../src/runner/types.js';

/**
 * Small and fast (well under 20 s on 2 cores), for regression tracking against reports/baselines/ci.json: every
 * strategy in both kernel eras (2.6.24 on 2level and pae under Xen 3.1, today on pae and 4level), below and
 * above whole-lock's overflow, with and without writers.
 */
const suite: ScenarioSuite = {
  kind: 'scenario',
  name: 'ci',
  description:
    'Small and fast, for regression tracking: every strategy, both kernel eras (2.6.24: 2level, pae; current: pae, 4level), ' +
    '64 and 300 PTE pages, 1 and 4 vCPUs',
  matrices: [
    { mode: ['4level'], kernel: ['current'], ptePages: [64, 300], vcpus: [1, 4], iterations: [4], seed: [1, 2] },
    { mode: ['pae'], kernel: ['2.6.24'], profile: ['xeon-2007'], ptePages: [64, 300], vcpus: [1, 4], iterations: [4], seed: [1] },
    { mode: ['2level'], kernel: ['2.6.24'], profile: ['xeon-2007'], ptePages: [64], vcpus: [4], iterations: [4], seed: [1] },
    { mode: ['pae'], kernel: ['current'], ptePages: [64], vcpus: [4], iterations: [4], seed: [1] },
  ],
};

export default suite;
