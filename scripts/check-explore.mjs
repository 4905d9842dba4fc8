#!/usr/bin/env node
// CI's check of `pinbench explore` (issue 14): every configuration explored must end with the verdict its strategy
// declares, its bound fully covered. A race-free strategy with any violation, a racy one (`raceFree: false`) found
// clean, a violation other than a write-protect fault, or a search stopped by a limit fails CI.
//   node scripts/check-explore.mjs OUT/explore.json EXIT_CODE     (EXIT_CODE: what `pinbench explore` exited with)
// Exit 1 naming each configuration that fails, 2 when the file cannot be read.
import { readFileSync } from 'node:fs';

const [file, rcText] = process.argv.slice(2);
if (file === undefined || rcText === undefined) {
  process.stderr.write('usage: node scripts/check-explore.mjs OUT/explore.json EXIT_CODE\n');
  process.exit(2);
}
let summary;
try {
  summary = JSON.parse(readFileSync(file, 'utf8'));
} catch (err) {
  process.stderr.write(`check-explore: cannot read ${file}: ${err.message}\n`);
  process.exit(2);
}
const results = Array.isArray(summary.results) ? summary.results : [];
const failures = [];
if (results.length === 0) failures.push('explore.json has no results');
if (summary.partial) failures.push('the exploration was interrupted (partial: true)');
for (const r of results) {
  const cx = r.counterexample;
  const found = cx ? `${cx.violation.kind} at step ${cx.violation.step}, ${cx.preemptions} preemption(s)` : 'no violation';
  const line = `${r.id}: ${r.raceFree ? 'race-free' : 'racy'}, ${r.verdict} (${found}), bound ${r.boundCovered}/${r.bound} covered, ${r.schedules} schedules`;
  process.stdout.write(`check-explore: ${line}\n`);
  if (r.expected !== true) failures.push(`${line}: not what the strategy declares`);
  else if (r.boundCovered !== r.bound) failures.push(`${line}: the bound was not covered`);
}
// 5 when a racy strategy was caught (as it must be), 0 when every strategy explored is race-free.
const rc = Number(rcText);
const racy = results.some((r) => r.raceFree === false);
if (rc !== (racy ? 5 : 0)) failures.push(`pinbench explore exited ${rc}, expected ${racy ? 5 : 0}`);
for (const f of failures) process.stderr.write(`check-explore: FAIL ${f}\n`);
process.exit(failures.length > 0 ? 1 : 0);
