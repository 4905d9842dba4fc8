#!/usr/bin/env node
// Run one of the two test suites with Node's test runner, after `npm run build`:
//   node scripts/run-tests.mjs unit   every dist/test/**/*.test.js outside dist/test/e2e/ (npm test)
//   node scripts/run-tests.mjs e2e    dist/test/e2e/ (npm run test:e2e): the spawned CLI, the worker pool,
//                                     Chromium, the packed package
// Extra arguments go to `node --test` (e.g. --test-name-pattern). Node 20's runner takes no globs, hence this.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Per-test timeouts, ms: a hung test fails instead of hanging CI. */
const TIMEOUT_MS = { unit: 60_000, e2e: 300_000 };

const [suite, ...extra] = process.argv.slice(2);
if (suite !== 'unit' && suite !== 'e2e') {
  console.error('usage: node scripts/run-tests.mjs unit|e2e [node --test options]');
  process.exit(2);
}
const root = fileURLToPath(new URL('../dist/test/', import.meta.url));

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.js') ? [path] : [];
  });
}

const all = testFiles(root).sort();
const isE2e = (file) => relative(root, file).split(sep)[0] === 'e2e';
const files = all.filter((file) => (suite === 'e2e' ? isE2e(file) : !isE2e(file)));
if (files.length === 0) {
  console.error(`no ${suite} test files under ${root}: run npm run build first`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--test', `--test-timeout=${TIMEOUT_MS[suite]}`, '--test-reporter=spec', ...extra, ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
