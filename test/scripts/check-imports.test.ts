import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../support/temp.js';

const SCRIPT = fileURLToPath(new URL('../../../scripts/check-imports.mjs', import.meta.url));

/** A source tree of `files` (path -> text) checked by scripts/check-imports.mjs. */
function check(files: Record<string, string>): { code: number | null; out: string } {
  const root = tempDir();
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const result = spawnSync(process.execPath, [SCRIPT, '--root', root], { encoding: 'utf8' });
  return { code: result.status, out: result.stdout + result.stderr };
}

test('a tree that follows the layers passes', () => {
  const { code, out } = check({
    'src/cli/main.ts': "import { run } from '../runner/run.js';\nimport type { X } from '../shared/x.js';\n",
    'src/runner/run.ts': "import { x } from '../shared/x.js';\nexport const run = x;\n",
    'src/shared/x.ts': 'export const x = 1;\nexport type X = number;\n',
  });
  assert.equal(code, 0, out);
  assert.match(out, /3 files, 0 violation\(s\)/);
});

test('an import cycle fails, named file by file', () => {
  const { code, out } = check({
    'src/results/a.ts': "import { b } from './b.js';\nexport const a = b;\n",
    'src/results/b.ts': "import type { a } from './a.js';\nexport const b = 1;\n",
  });
  assert.equal(code, 1);
  assert.match(out, /cycle: src\/results\/a\.ts -> src\/results\/b\.ts -> src\/results\/a\.ts/);
});

test('an upward import fails, naming both layers', () => {
  const { code, out } = check({
    'src/results/load.ts': "const report = await import('../report/render.js');\n",
    'src/report/render.ts': 'export {};\n',
  });
  assert.equal(code, 1);
  assert.match(out, /upward: src\/results\/load\.ts \(results\) -> src\/report\/render\.ts \(report\)/);
});

test('src importing test, benchmarks importing test, and clinic outside the profile command fail', () => {
  const { code, out } = check({
    'src/runner/x.ts': "import { y } from '../../test/y.js';\nimport 'clinic';\n",
    'benchmarks/b.ts': "import { y } from '../test/y.js';\n",
  });
  assert.equal(code, 1);
  assert.match(out, /outside: src\/runner\/x\.ts -> test\/y\.ts/);
  assert.match(out, /outside: benchmarks\/b\.ts -> test\/y\.ts/);
  assert.match(out, /package: src\/runner\/x\.ts imports clinic/);
});
