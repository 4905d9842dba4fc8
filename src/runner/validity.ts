import type { RunMetrics } from '../scenarios/types.js';

// When a completed scenario run is not a result but an `invalid` entry (results' InvalidRun): its metrics are kept
// and compared, but no table or chart ranks it with correct runs, and `run` exits 1. docs/reliability.md explains
// the rules.

/** Invariant breaches named in an invalid run's reasons before "and N more". */
const PROBLEMS_NAMED = 5;

/**
 * Why a completed run is invalid (empty: it is a result): a hypercall sub-op failed (Xen refused what the strategy
 * asked: the strategy is broken, whatever it claims), or a strategy that claims to be race-free let racing writers
 * take write-protect faults. A deliberately racy strategy (`raceFree: false`) faulting is its expected behaviour,
 * not a reason.
 */
export function invalidReasons(metrics: RunMetrics, strategy: { name: string; raceFree: boolean }): string[] {
  const reasons: string[] = [];
  const { hypercallErrors, firstHypercallError, writeProtect } = metrics.faults;
  if (hypercallErrors > 0) {
    reasons.push(
      `${hypercallErrors} hypercall sub-op${hypercallErrors === 1 ? '' : 's'} failed${firstHypercallError ? ` (the first: ${firstHypercallError})` : ''}`,
    );
  }
  if (strategy.raceFree && writeProtect > 0) {
    reasons.push(
      `strategy ${strategy.name} claims to be race-free, but racing writers took ${writeProtect} write-protect fault${writeProtect === 1 ? '' : 's'}`,
    );
  }
  return reasons;
}

/** The reasons of a run whose end-of-run invariants broke, one per breach (the first few). */
export function invariantReasons(problems: readonly string[]): string[] {
  const named = problems.slice(0, PROBLEMS_NAMED).map((p) => `end-of-run invariant broken: ${p}`);
  if (problems.length > PROBLEMS_NAMED) named.push(`and ${problems.length - PROBLEMS_NAMED} more invariant breaches`);
  return named;
}
