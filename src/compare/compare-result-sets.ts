import { compareEnvironments } from './compare-environments.js';
import { diffExact } from '../results/diff-exact.js';
import { describeCauses } from './causes.js';
import { correctNoisyVerdicts, judgeWall } from './judge-noisy.js';
import { resolveCompareOptions } from './options.js';
import { pairRuns } from './pair-runs.js';
import type { CompareOptions, Comparison, ComparisonSummary, LabelledResultSet, RunComparison, SideInfo } from './types.js';

/**
 * Compare a current result set with a baseline: pair runs by parameters (and, when a parameter changed in the
 * whole suite, on the others), list the exact metrics that changed and what differs between the sets that may
 * explain them, and judge the wall clock (see `judgeWall`), the p-values corrected over the runs. Pure: no I/O,
 * no clock.
 */
export function compareResultSets(
  baseline: LabelledResultSet,
  current: LabelledResultSet,
  options: CompareOptions = {},
): Comparison {
  const resolved = resolveCompareOptions(options);
  const environment = compareEnvironments(baseline.resultSet.environment, current.resultSet.environment);
  const pairing = pairRuns(baseline.resultSet.runs, current.resultSet.runs);

  const runs: RunComparison[] = pairing.pairs.map(({ key, baseline: before, current: after, paramChanges }) => {
    const exact = diffExact(before, after);
    const noisy =
      resolved.wall && before.status === 'ok' && after.status === 'ok'
        ? judgeWall(before.wall, after.wall, environment, resolved)
        : [];
    return {
      key,
      id: after.id,
      baselineId: before.id,
      paramChanges,
      exactChanges: exact.changes,
      exactUnchanged: exact.unchanged,
      noisy,
    };
  });
  // One test per run and metric: the runs are the family whose error rate the correction controls.
  correctNoisyVerdicts(
    runs.flatMap((run) => run.noisy),
    resolved,
  );

  return {
    baseline: sideInfo(baseline),
    current: sideInfo(current),
    options: resolved,
    environment,
    runs,
    missing: pairing.missing,
    added: pairing.added,
    causes: describeCauses(baseline.resultSet, current.resultSet, pairing.pairs),
    summary: summarise(runs, pairing.missing.length, pairing.added.length),
  };
}

function sideInfo({ source, resultSet }: LabelledResultSet): SideInfo {
  return {
    source,
    suite: resultSet.suite,
    commit: resultSet.tool.commit,
    version: resultSet.tool.version,
    createdAt: resultSet.createdAt,
    partial: resultSet.partial,
    environment: resultSet.environment,
  };
}

function summarise(runs: readonly RunComparison[], missing: number, added: number): ComparisonSummary {
  const summary: ComparisonSummary = {
    paired: runs.length,
    missing,
    added,
    paramChanged: 0,
    exactChanges: 0,
    runsWithExactChanges: 0,
    regressed: 0,
    improved: 0,
    withinNoise: 0,
    insufficientSamples: 0,
    notComparable: 0,
    noSamples: 0,
  };
  for (const run of runs) {
    summary.exactChanges += run.exactChanges.length;
    if (run.paramChanges.length > 0) summary.paramChanged++;
    if (run.exactChanges.length > 0) summary.runsWithExactChanges++;
    for (const verdict of run.noisy) {
      if (verdict.state === 'regressed') summary.regressed++;
      else if (verdict.state === 'improved') summary.improved++;
      else if (verdict.state === 'within-noise') summary.withinNoise++;
      else if (verdict.state === 'insufficient-samples') summary.insufficientSamples++;
      else if (verdict.state === 'not-comparable') summary.notComparable++;
      else summary.noSamples++;
    }
  }
  return summary;
}
