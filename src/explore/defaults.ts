import type { ExploreOptions } from './types.js';

// Explore's defaults, apart from the search: the command line reads them for --help without loading the model.

/** Default options of an exploration. */
export const DEFAULT_EXPLORE_OPTIONS: Readonly<ExploreOptions> = Object.freeze({
  preemptionBound: 2,
  writerUpdates: 2,
  reduction: 'state-hashing',
  maxSchedules: 10_000_000,
  maxMs: 600_000,
});

/** Most PTE updates a writer may be asked to make (each one multiplies the schedules by the PTE pages). */
export const MAX_WRITER_UPDATES = 64;
