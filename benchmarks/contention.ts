import type { ScenarioSuite } from '../src/runner/types.js';

/** Writers race the pinner harder as vCPUs grow and think times shrink. */
const suite: ScenarioSuite = {
  kind: 'scenario',
  name: 'contention',
  description: 'Racing writers: 1 to 16 vCPUs and writer think times 500 ns to 50 us, 256 PTE pages, 4level, 2 seeds',
  matrices: [
    {
      mode: ['4level'],
      ptePages: [256],
      vcpus: [1, 2, 4, 8, 16],
      writerThinkNs: [500, 2000, 10_000, 50_000],
      seed: [1, 2],
    },
  ],
};

export default suite;
