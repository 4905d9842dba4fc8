import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../support/temp.js';

// The package as a user gets it: `npm pack`, installed from the tarball into a new project (from npm's cache,
// as `npm ci` filled it; the registry only if something is missing there), then the examples of
// docs/strategies.md run against it exactly as written there.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The ```js blocks of a doc whose first line names a file (`// flush-per-pte.mjs`), by file name. */
function documentedFiles(doc: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const match of readFileSync(join(ROOT, doc), 'utf8').matchAll(/```js\n\/\/ (\S+\.mjs)\n([\s\S]*?)```/g)) {
    files.set(match[1] ?? '', match[2] ?? '');
  }
  return files;
}

function npm(args: string[], cwd: string): void {
  execFileSync(NPM, args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false' },
  });
}

test('the packed package installs in a new project and runs the documented examples', async () => {
  const work = tempDir();
  // dist/ is already built (npm run test:e2e builds first): skip the prepare script.
  npm(['pack', '--ignore-scripts', '--pack-destination', work], ROOT);
  const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
  assert.ok(tarball !== undefined, 'npm pack wrote a tarball');

  const listing = execFileSync('tar', ['-tzf', join(work, tarball)], { encoding: 'utf8' })
    .trim()
    .split('\n');
  assert.ok(listing.includes('package/dist/src/index.js'));
  assert.ok(listing.includes('package/schema/results.v1.json'));
  assert.ok(listing.includes('package/dist/benchmarks/default.js'), 'the built-in suites ship');
  assert.ok(listing.includes('package/docs/strategies.md'));
  assert.ok(listing.includes('package/dist/src/report/vendor/plotly.js'), "the build's minified plotly.js ships");
  assert.deepEqual(
    listing.filter((f) => /\/test\/|\.map$|\/speed\/|\.ts$/.test(f) && !f.endsWith('.d.ts')),
    [],
    'no tests, maps, speed scripts or sources',
  );

  const project = join(work, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'uses-pinbench', private: true, type: 'module' }));
  const install = ['install', '--no-audit', '--no-fund', '--ignore-scripts', join(work, tarball)];
  try {
    npm([...install, '--offline'], project);
  } catch {
    npm([...install, '--prefer-offline'], project);
  }

  const examples = documentedFiles('docs/strategies.md');
  assert.deepEqual([...examples.keys()].sort(), ['compare-strategies.mjs', 'flush-per-pte.mjs']);
  for (const [name, text] of examples) writeFileSync(join(project, name), text);

  const script = spawnSync(process.execPath, ['compare-strategies.mjs'], { cwd: project, encoding: 'utf8' });
  assert.equal(script.status, 0, script.stderr);
  // flush-per-pte flushes once per PTE page in the pin and once in the unpin, plus the final xen_mc_issue of
  // each: 2 * (N + 1) traps per cycle; the lock is held until its page is validated, so no fault.
  for (const ptePages of [64, 512]) {
    assert.match(script.stdout, new RegExp(`^flush-per-pte ${ptePages}: ${2 * (ptePages + 1)} traps/cycle, 0 WP faults$`, 'm'));
  }

  const bin = join(project, 'node_modules', '.bin', 'pinbench');
  const version = spawnSync(bin, ['--version'], { cwd: project, encoding: 'utf8' });
  assert.equal(
    version.stdout.trim(),
    (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version,
  );
  const run = spawnSync(
    bin,
    [
      'run',
      '--strategy-module',
      './flush-per-pte.mjs',
      '--strategy',
      'flush-per-pte',
      '--pte-pages',
      '64',
      '--vcpus',
      '4',
      '--workers',
      '1',
      '--samples',
      '1',
      '--out',
      'out',
      '--quiet',
    ],
    { cwd: project, encoding: 'utf8' },
  );
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(readdirSync(join(project, 'out')).sort(), ['index.html', 'plotly.js', 'results.json']);
  // The report ships the minified copy of the installed plotly.js-dist, not its 10 MB file.
  assert.match(
    readFileSync(join(project, 'out', 'plotly.js'), 'utf8').slice(0, 200),
    /^\/\*! pinbench: minified from plotly\.js-dist \S+ \(\d+ bytes\) with esbuild@/,
  );
});
