/** Default `--out` of `pinbench run`. */
export const DEFAULT_OUT_DIR = 'reports/latest';
/** Default `--samples`: most wall-clock samples of one run (one per round of the pass; at least 5). */
export const DEFAULT_MAX_SAMPLES = 10;
/** Default `--budget-ms`: wall time after which a run is not repeated again, ms. */
export const DEFAULT_BUDGET_MS = 250;
/** Default `--samples` of a micro-benchmark suite: tinybench samples per task, after warm-up. */
export const DEFAULT_MICRO_SAMPLES = 200;
/** Default `--max-runs`: a matrix above it is refused before anything is built (about 20 times the largest built-in suite, contention: 480 runs). */
export const DEFAULT_MAX_RUNS = 10_000;
/** `--workers` at most this many threads per core: more only share the same cores, and each holds a model. */
export const MAX_WORKERS_PER_CORE = 4;
