/** Summary of a distribution of virtual-time durations, in nanoseconds (lockstat's columns plus percentiles). */
export interface DistSummary {
  /** Number of samples. */
  count: number;
  minNs: number;
  meanNs: number;
  /** Percentiles read from a log-linear histogram (relative error below 1/16). */
  p50Ns: number;
  p99Ns: number;
  maxNs: number;
  totalNs: number;
}

/** Whether a metric is a function of the parameters and seed (`exact`) or of the wall clock (`noisy`). */
export type MetricKind = 'exact' | 'noisy';
