// The built-in suites, by name (`pinbench run NAME`, `pinbench list suites`). Only modules listed here are
// suites: other files in benchmarks/ (speed scripts such as report-speed.ts, speed/) are never imported by
// the CLI. To add a suite: write benchmarks/NAME.ts default-exporting a Suite, and add it here.

/** Suite name -> URL of its compiled module. */
export const SUITE_MODULES: Readonly<Record<string, string>> = {
  default: new URL('./default.js', import.meta.url).href,
  ci: new URL('./ci.js', import.meta.url).href,
  scaling: new URL('./scaling.js', import.meta.url).href,
  contention: new URL('./contention.js', import.meta.url).href,
  micro: new URL('./micro.js', import.meta.url).href,
};
