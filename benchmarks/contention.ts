import type { ScenarioSuite } from '../src/runner/types.js';

/**
 * Writers race the pinner harder as vCPUs grow and think times shrink: today's kernel on 4level, and the seed's own
 * configuration (2.6.24, pae, Xen 3.1), where the domain big lock makes the writers' trapped stores and the pinner's
 * sub-ops wait for each other. More vCPUs also mean more flush IPIs per type change.
 */
const AXES = { ptePages: [256], vcpus: [1, 2, 4, 8, 16], writerThinkNs: [500, 2000, 10_000, 50_000], seed: [1, 2] };

const suite: ScenarioSuite = {
  kind: 'scenario',
  name: 'contention',
  description:
    'Racing writers: 1 to 16 vCPUs and writer think times 500 ns to 50 us, 256 PTE pages, 2 seeds; ' +
    'current/4level/modern and 2.6.24/pae/xeon-2007',
  matrices: [
    { mode: ['4level'], kernel: ['current'], profile: ['modern'], ...AXES },
    { mode: ['pae'], kernel: ['2.6.24'], profile: ['xeon-2007'], ...AXES },
  ],
};

export default suite;
