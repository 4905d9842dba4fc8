// Types of the report layer. The page's data model (ReportData) is embedded in the HTML as JSON and read
// by the in-page script, so everything here must survive JSON.stringify.

/** `pinbench compare`'s own verdicts for the page of `compare --html`, as display strings. */
export interface CompareVerdicts {
  /** The rule the verdicts follow, one sentence. */
  caption: string;
  headers: string[];
  rows: string[][];
  /** Rows left out beyond the table's cap. */
  omitted: number;
  /** Noisy figures not judged, one line per reason. */
  notJudged: string[];
  /** Why few runs were paired (different suites, a changed matrix), when that is the likely cause. */
  hint?: string;
}

/** A distribution pooled over the seeds of a group (results' seed rule), ns. */
export interface DistAgg {
  /** Samples over all seeds. */
  count: number;
  /** Smallest min over seeds. */
  minNs: number;
  /** Largest of the seeds' p50 and p99: upper bounds of the pooled percentiles. */
  p50Ns: number;
  p99Ns: number;
  /** Mean of the pooled samples. */
  meanNs: number;
  /** Largest max over seeds. */
  maxNs: number;
}

/** One lock class, aggregated over seeds. */
export interface LockAgg {
  /** Acquisitions per pin/unpin cycle. */
  acquisitionsPerCycle: number;
  /** Contended acquisitions, total over seeds. */
  contentions: number;
  /** Most held at once, max over seeds. */
  maxHeld: number;
  hold: DistAgg;
  wait: DistAgg;
}

/** A write-protect fault with the seed it happened under. */
export interface FaultRow {
  seed: number;
  vcpu: number;
  frame: number;
  atNs: number;
  pinner: string;
}

/**
 * One group of scenario runs: the same parameters except the seed, pooled by results' one seed aggregation.
 * Counts are per pin/unpin cycle (total over the seeds / their pins) unless the field says otherwise.
 */
export interface ReportRow {
  /** Index of the result set in the report's list. */
  set: number;
  strategy: string;
  /** The row's label in legends, chart categories and tables: the strategy, marked ` (racy)` or ` ✗ invalid`. */
  series: string;
  /** Whether the strategy claims to be race-free (false: a deliberately racy variant, its faults expected). */
  raceFree: boolean;
  /** Why the row's runs are invalid (not results; drawn apart, never ranked); empty for correct runs. */
  invalid: string[];
  /** Parameter values except strategy and seed, as display strings keyed by parameter name. */
  key: Record<string, string>;
  mode: string;
  ptePages: number;
  vcpus: number;
  /** Seeds in the group. */
  seeds: number[];
  /** Pin/unpin cycles per run (counts.pins of the first seed). */
  cycles: number;
  trapsPerCycle: number;
  /** TLB flushes Xen performed for page type changes (xen.tlbFlushes), per cycle. */
  tlbFlushesPerCycle: number;
  /** Remote vCPUs those flushes reached with an IPI (xen.flushIpis), per cycle. */
  flushIpisPerCycle: number;
  entriesPerCycle: number;
  multicallsPerCycle: number;
  batchesPerCycle: number;
  argBytesPerCycle: number;
  /** Index k: multicalls with k entries, per cycle. */
  batchHistogramPerCycle: number[];
  flushPerCycle: { slots: number; args: number; callbacks: number };
  /** Max over seeds. */
  preemptMaxDepth: number;
  /** Sum over seeds. */
  preemptOverflows: number;
  /** 2^preemptBits: a depth at or above it overflows into the softirq field. */
  preemptLimit: number;
  lockdepMaxDepth: number;
  ptl: LockAgg;
  pageTableLock: LockAgg;
  /** Which lock class racing writers take, from the runs' `splitPtlocks`: the split PTE lock, or page_table_lock when split locks are off. */
  writerLock: 'ptl' | 'page_table_lock';
  /** Writes per run, mean over seeds. */
  writesDirect: number;
  writesEmulated: number;
  /** Write-protect faults, total over seeds. */
  faults: number;
  /** Seeds with at least one write-protect fault. */
  faultySeeds: number;
  /** Failed hypercalls, total over seeds. */
  hypercallErrors: number;
  /** Xen's reason for the first failed hypercall, when the result set records it. */
  firstHypercallError: string | null;
  /** Kernel warnings the model recorded (lockdep, preempt count, failed hypercalls), totals over seeds; empty when none. */
  warnings: Array<{ label: string; count: number }>;
  faultDetails: FaultRow[];
  /** Pins per virtual second, mean over seeds (a rate). */
  pinsPerSec: number;
  unpinsPerSec: number;
  writesPerSec: number;
  /** Wall ms per pin/unpin cycle (noisy): the median sample (`wall.durationMs`) per cycle, mean over seeds. */
  wallMsPerCycle: number;
  /** tinybench relative margin of error, percent, mean over seeds; null without tinybench statistics. */
  wallRmePct: number | null;
  /** Simulated events per wall second (noisy), mean over seeds; null when not recorded. */
  eventsPerSec: number | null;
}

/** A tinybench micro-benchmark run. */
export interface MicroRow {
  set: number;
  name: string;
  meanMs: number;
  /** Relative margin of error, percent; null when absent. */
  rmePct: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  samples: number | null;
}

/** A run that is not a result: it failed (`error`), or completed but is `invalid`. */
export interface ErrorRow {
  set: number;
  id: string;
  kind: string;
  status: 'error' | 'invalid';
  /** The run's strategy and vCPUs, when its parameters have them (the race banner counts racing runs that failed). */
  strategy: string | null;
  vcpus: number | null;
  params: string;
  /** The error, or the reasons the run is invalid. */
  error: string;
}

/** A parameter that varies across the scenario runs of the report, with its sorted values. */
export interface ReportFilter {
  /** Parameter name, e.g. `vcpus`. */
  name: string;
  /** Label with unit, e.g. `vCPUs`. */
  label: string;
  values: string[];
  /** Value selected when the page opens. */
  initial: string;
}

/** What the header says about one result set. */
export interface SetHeader {
  label: string;
  suite: string;
  createdAt: string;
  tool: string;
  machine: string;
  node: string;
  partial: boolean;
  runs: number;
  /** Runs the command set out to run (recorded by pinbench 0.2 and later), or null. */
  plannedRuns: number | null;
  okRuns: number;
  errorRuns: number;
  invalidRuns: number;
  profiles: Record<string, unknown>;
  /** Parameters with one value across the set's scenario runs. */
  fixed: Record<string, string>;
  /** Parameters with several values, and the values. */
  varying: Record<string, string[]>;
}

/** One metric of one run pair that differs between baseline and current. */
export interface ChangedMetric {
  /** The current run's id. */
  run: string;
  strategy: string;
  /** Flattened exact metric name (`hypercalls.traps`), or `status`. */
  metric: string;
  /** A number, a status, or null when the metric is absent on that side. */
  baseline: number | string | null;
  current: number | string | null;
  /** current / baseline; null when either is not a number or baseline is 0. */
  ratio: number | null;
}

/** Geometric-mean ratio (current / baseline) of one headline metric for one strategy. */
export interface RatioCell {
  strategy: string;
  /** Metric label as the chart shows it, e.g. `traps`. */
  metric: string;
  kind: 'exact' | 'noisy';
  ratio: number;
  /** Run pairs the mean is over. */
  pairs: number;
}

/** Wall time of one run pair (noisy). */
export interface WallRatio {
  run: string;
  strategy: string;
  baselineMs: number;
  currentMs: number;
  /** currentMs / baselineMs: above 1 is slower. */
  ratio: number;
}

/** A later result set measured against the first. */
export interface ComparisonData {
  baseline: number;
  current: number;
  matched: number;
  onlyBaseline: string[];
  onlyCurrent: string[];
  /** Run pairs with at least one changed exact metric. */
  changedRuns: number;
  /** Changed exact metrics in all (the table may list fewer). */
  changedExact: number;
  changed: ChangedMetric[];
  ratios: RatioCell[];
  /** Wall-clock ratios (noisy), one per matched ok pair: scenario runs by strategy, micro runs as `micro`. */
  wall: WallRatio[];
  /** compare's own verdicts (`compare --html`), or null. */
  verdicts: CompareVerdicts | null;
}

/** Everything the page draws. */
export interface ReportData {
  title: string;
  view: 'full' | 'comparison';
  sets: SetHeader[];
  strategies: string[];
  /** Row labels (ReportRow.series) in legend order: each strategy, then its invalid rows. */
  series: string[];
  /** Colour and marker symbol per strategy and per series (Okabe-Ito); an invalid series has its strategy's colour and an x. */
  colours: Record<string, string>;
  symbols: Record<string, string>;
  /** Series of invalid rows. */
  invalidSeries: string[];
  filters: ReportFilter[];
  rows: ReportRow[];
  micro: MicroRow[];
  errors: ErrorRow[];
  comparisons: ComparisonData[];
  /** The charts on the page, in page order, as data (charts.ts); the client draws each by its kind. */
  charts: ChartSpec[];
}

/** ReportRow fields that hold one number per row: what a `lines` chart can draw. */
export type NumericRowField = {
  [K in keyof ReportRow]: ReportRow[K] extends number ? K : never;
}[keyof ReportRow];

/** What every chart spec has: its element id, section, title, what to look for, and the filters it ignores. */
interface ChartBase {
  id: string;
  /** Section of the page (SECTIONS) the chart sits in. */
  section: string;
  title: string;
  /** The one sentence under the chart that says what to look for. */
  lookFor: string;
  /** Parameters the chart draws along an axis or sums over, so the filters do not apply to them; `*` for all. */
  free: string[];
}

/**
 * A chart of the report, as data: `kind` picks the browser client's renderer, the other fields what it draws.
 * `lines`: one line per strategy of a row field against PTE pages or vCPUs, on log axes.
 */
export type ChartSpec =
  | (ChartBase & { kind: 'lines'; axis: 'ptePages' | 'vcpus'; value: NumericRowField; yName: string; yTitle: string })
  | (ChartBase & { kind: 'lock-hold'; lock: 'ptl' | 'pageTableLock'; lockName: string; emptyText: string })
  | (ChartBase & { kind: 'comparison'; comparison: number })
  | (ChartBase & { kind: 'batch-histogram' | 'flush-reasons' | 'preempt' | 'writer-wait' | 'faults' | 'wall' | 'micro' });
