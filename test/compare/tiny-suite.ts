import type { ScenarioSuite } from '../../src/runner/types.js';

/** A two-run suite for the `baseline update` tests: fast, and still a real run of the model. */
const suite: ScenarioSuite = {
  kind: 'scenario',
  name: 'tiny',
  description: 'Two small runs of one strategy, for tests',
  matrices: [{ strategy: ['per-pte-deferred'], mode: ['4level'], ptePages: [16, 32], vcpus: [2], iterations: [2], seed: [1] }],
};

export default suite;
