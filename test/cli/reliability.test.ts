// The hostile-input round (issue 13): bad output paths, unbounded sizes, invalid runs, run limits and the summary's
// width, through the CLI's own main(argv). docs/reliability.md lists every case with the test that checks it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { makeResultSet } from '../../benchmarks/speed/synthetic-results.js';
import { makeOffline } from '../../src/cli/commands/profile/handler.js';
import { progressLine } from '../../src/cli/progress.js';
import { summaryTable } from '../../src/cli/summary-table.js';
import { gitCommit } from '../../src/runner/environment.js';
import { FAST, FIXTURES, readResults, runCli, tempDir, writeFixture } from '../support/cli.js';

const BROKEN = `${FIXTURES}broken-strategies.js`;
const LOOPING = `${FIXTURES}looping-strategy.js`;

/** Exit 2, one line on stderr matching `says`, nothing on stdout. */
function assertBadInput(outcome: { code: number | null; stdout: string; stderr: string }, says: RegExp): void {
  assert.equal(outcome.code, 2, outcome.stderr);
  assert.equal(outcome.stdout, '');
  const lines = outcome.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, outcome.stderr);
  assert.match(lines[0] ?? '', /^pinbench: error: /);
  assert.match(lines[0] ?? '', says);
}

describe('output paths: one check for every command, before anything runs', { concurrency: 2 }, () => {
  const results = (): string => {
    const dir = tempDir();
    writeFixture(dir, 'results.json', makeResultSet({ micro: false }));
    return join(dir, 'results.json');
  };
  test('report --out FILE exits 2 naming --out', { timeout: 20_000 }, async () => {
    const file = writeFixture(tempDir(), 'a-file', 'x');
    assertBadInput(
      await runCli(['report', results(), '--out', file]),
      /--out: .*a-file is a file; expected a writable directory/,
    );
  });
  test('report --out /proc/x exits 2 at once instead of spinning', { timeout: 20_000 }, async () => {
    assertBadInput(await runCli(['report', results(), '--out', '/proc/x']), /--out: \/proc\/x is not writable/);
  });
  test('compare --html /proc/x exits 2 at once', { timeout: 20_000 }, async () => {
    const r = results();
    assertBadInput(await runCli(['compare', r, r, '--html', '/proc/x']), /--html: \/proc\/x is not writable/);
  });
  test('compare --markdown DIR exits 2: a file is expected', { timeout: 20_000 }, async () => {
    const r = results();
    const dir = tempDir();
    assertBadInput(await runCli(['compare', r, r, '--markdown', dir]), /--markdown: .* is a directory; expected a file path/);
  });
  test("--out '' is refused, not read as the current directory", { timeout: 20_000 }, async () => {
    assertBadInput(await runCli(['report', results(), '--out', '']), /--out: "" is not allowed; expected a directory path/);
    assertBadInput(await runCli(['run', '--pte-pages', '16', '--out', '']), /--out: "" is not allowed/);
  });
  test('run --out d where d/results.json is a directory exits 2 before running, leaving nothing', {
    timeout: 20_000,
  }, async () => {
    const out = tempDir();
    mkdirSync(join(out, 'results.json'));
    assertBadInput(
      await runCli(['run', '--strategy', 'unlocked', '--pte-pages', '16', '--out', out]),
      /--out: .* holds a directory named results\.json/,
    );
    assert.deepEqual(readdirSync(out), ['results.json']);
  });
});

describe('unbounded sizes are refused before anything is built', () => {
  test('a matrix of ten million runs exits 2 at once naming --max-runs', { timeout: 20_000 }, async () => {
    const sizes = Array.from({ length: 100 }, (_, i) => String(i + 1)).join(',');
    const vcpus = Array.from({ length: 100 }, (_, i) => String(i + 1)).join(',');
    const started = performance.now();
    const outcome = await runCli(['run', '--strategy', 'unlocked', '--pte-pages', sizes, '--vcpus', vcpus, '--seeds', '1000']);
    assertBadInput(outcome, /--max-runs: suite ad-hoc expands to 10,000,000 runs, more than --max-runs 10,000/);
    assert.ok(performance.now() - started < 5_000);
  });
  test('--seeds 1000000 exits 2 at once', { timeout: 20_000 }, async () => {
    assertBadInput(
      await runCli(['run', '--seeds', '1000000']),
      /--seeds: 1,000,000 seeds are more runs than --max-runs 10,000 allows/,
    );
  });
  test('--max-runs lets a larger matrix through', { timeout: 60_000 }, async () => {
    const out = tempDir();
    const outcome = await runCli([
      'run',
      '--strategy',
      'unlocked',
      '--pte-pages',
      '4',
      '--seeds',
      '3',
      '--max-runs',
      '3',
      '--workers',
      '0',
      '--out',
      out,
      ...FAST,
    ]);
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.equal(readResults(out).runs.length, 3);
    assertBadInput(
      await runCli(['run', '--strategy', 'unlocked', '--seeds', '4', '--max-runs', '3']),
      /more runs than --max-runs 3/,
    );
  });
  test('--workers 300 exits 2: at most 4 per core', async () => {
    assertBadInput(
      await runCli(['run', '--workers', '300']),
      /--workers: "300" is not allowed; expected an integer >= 0 and <= \d+/,
    );
  });
  test('--seeds 1.5 says an integer is expected, not a list', async () => {
    assertBadInput(
      await runCli(['run', '--seeds', '1.5']),
      /--seeds: "1\.5" is not allowed; expected an integer >= 1 \(the number of consecutive seeds\)$/,
    );
  });
});

test('invalid runs are kept, listed apart from the table, and make run exit 1', { timeout: 60_000 }, async () => {
  const out = tempDir();
  const outcome = await runCli([
    'run',
    '--strategy-module',
    BROKEN,
    '--strategy',
    'pin-writable,unlocked-claims-safe,per-pte-deferred,unlocked',
    '--pte-pages',
    '16',
    '--vcpus',
    '4',
    '--iterations',
    '2',
    '--workers',
    '0',
    '--out',
    out,
    '--samples',
    '1',
    '--no-report',
  ]);
  assert.equal(outcome.code, 1, outcome.stderr);
  assert.match(
    outcome.stderr,
    /^pinbench: 2 of 4 runs invalid \(kept, not ranked with correct runs\): pin-writable .*hypercall sub-ops failed.*; unlocked-claims-safe .*claims to be race-free/m,
  );
  const set = readResults(out);
  assert.deepEqual(
    set.runs.map((r) => [(r.params as { strategy?: string }).strategy, r.status]),
    [
      ['pin-writable', 'invalid'],
      ['unlocked-claims-safe', 'invalid'],
      ['per-pte-deferred', 'ok'],
      ['unlocked', 'ok'],
    ],
  );
  const tableRows = outcome.stdout.split('\n\n')[1] ?? '';
  assert.doesNotMatch(tableRows, /pin-writable|unlocked-claims-safe/, 'not ranked in the table');
  assert.match(
    outcome.stdout,
    /^Invalid runs \(not results: .*\):\n {2}pin-writable 4level ptePages=16 vcpus=4 iterations=2 \(1 run\): \d+ hypercall sub-ops failed/m,
  );
  assert.match(outcome.stdout, /^unlocked \(racy\)\s+4level/m);
  assert.match(outcome.stdout, /^4 runs: 2 ok, 2 invalid, 0 failed$/m);
});

test('a run that reaches a limit is an error entry naming it; the others complete; exit 1', { timeout: 60_000 }, async () => {
  const out = tempDir();
  const outcome = await runCli([
    'run',
    '--strategy-module',
    LOOPING,
    '--strategy',
    'looping-sleep,per-pte-deferred',
    '--pte-pages',
    '8',
    '--vcpus',
    '2',
    '--max-virtual-ns',
    '2e9',
    '--workers',
    '0',
    '--out',
    out,
    ...FAST,
  ]);
  assert.equal(outcome.code, 1, outcome.stderr);
  assert.match(
    outcome.stderr,
    /looping-sleep .* \(RunLimitError: run limit --max-virtual-ns reached \(2,000,000,000 ns of virtual time\)/,
  );
  const set = readResults(out);
  assert.deepEqual(set.limits, { maxEvents: 1e9, maxVirtualNs: 2e9, maxWallMs: 600_000 });
  assert.deepEqual(
    set.runs.map((r) => r.status),
    ['error', 'ok'],
  );
});

test('bad limits exit 2 naming the option', async () => {
  assertBadInput(await runCli(['run', '--max-events', '0']), /--max-events: "0" is not allowed; expected an integer >= 1/);
  assertBadInput(await runCli(['run', '--max-wall-ms', 'soon']), /--max-wall-ms: "soon" is not allowed; expected a number > 0/);
});

test('a custom suite with a misspelt axis exits 2 naming it and the nearest axis', async () => {
  const dir = tempDir();
  const suite = writeFixture(
    dir,
    'typo-suite.mjs',
    "export default { kind: 'scenario', name: 'typo', description: 'x', matrices: [{ ptePages: [16], vcpu: [4] }] };\n",
  );
  assertBadInput(
    await runCli(['run', suite, '--out', join(dir, 'out')]),
    /SUITE .*typo-suite\.mjs: matrices\[0\] has an unknown axis "vcpu"; did you mean vcpus\?/,
  );
  assert.equal(existsSync(join(dir, 'out')), false);
});

test('--strategy-module FILE SUITE takes SUITE as the suite, not as a second module', async () => {
  const outcome = await runCli(['run', '--strategy-module', BROKEN, 'nosuch-suite']);
  assertBadInput(outcome, /SUITE: unknown suite "nosuch-suite"/);
});

test('the summary fits the terminal: at 80 columns no line is wider, every metric still shown', () => {
  const set = makeResultSet({ micro: false });
  const table = summaryTable(set, { columns: 80 });
  const wide = table.split('\n').filter((line) => line.length > 80);
  assert.deepEqual(wide, []);
  for (const header of ['traps', 'TLB flushes', 'flush IPIs', 'PTE lock hold', 'writer wait', 'pins', 'wall ms', '/cycle~'])
    assert.ok(table.includes(header), header);
  const oneTable = summaryTable(set, { columns: 400 }).split('\n');
  assert.ok(oneTable[0]?.includes('traps') && oneTable[0].includes('wall ms'), 'one table when it fits');
  // Too narrow for a few columns beside the run's: a block per row, every figure named.
  const narrow = summaryTable(set, { columns: 50 });
  assert.deepEqual(
    narrow.split('\n').filter((line) => line.length > 50),
    [],
  );
  assert.match(
    narrow,
    /^unlocked \(racy\), 4level, 64 PTE pages, 1 vCPU,\s+2 seeds\n {2}traps \/cycle\* \d+; TLB flushes \/cycle\* \d+;/m,
  );
});

test('an interrupted summary says how many of the planned runs finished', () => {
  const set = { ...makeResultSet({ micro: false }), partial: true };
  const n = set.runs.length;
  const text = summaryTable({ ...set, plannedRuns: n + 47 });
  assert.match(
    text,
    new RegExp(`^${n} of ${n + 47} runs finished \\(interrupted: partial results\\): ${n} ok, 0 invalid, 0 failed$`, 'm'),
  );
});

test('the progress line fits 80 columns with the counts, the ETA and the run in progress', () => {
  const line = progressLine(
    {
      label: 'default',
      value: 33,
      total: 80,
      failed: 2,
      etaSeconds: 75,
      current: 'per-pte-deferred pae ptePages=1024 vcpus=4 profile=xeon-2007 seed=3',
    },
    80,
  );
  assert.ok(line.length <= 79, `${line.length}: ${line}`);
  assert.match(line, /^default \[#+-+\] 33\/80 2 failed ETA 1:15 per-pte-deferred pae .*…$/);
});

test("clinic's HTML is made to fetch no web font", () => {
  const file = writeFixture(
    tempDir(),
    'p.clinic-flame.html',
    "const styleSheetUrl = 'https://clinicjs.org/assets/css/fonts.css'\n",
  );
  makeOffline(file);
  assert.equal(readdirSync(join(file, '..')).length, 1);
  assert.match(execFileSync('cat', [file], { encoding: 'utf8' }), /^const styleSheetUrl = 'data:text\/css,'\n$/);
});

test("inside another project's git repository, pinbench records no commit of its own", () => {
  const repo = tempDir();
  const git = (...args: string[]): string =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: repo, encoding: 'utf8' }).trim();
  git('init', '-q');
  git('commit', '-q', '--allow-empty', '-m', 'the other project');
  const installed = join(repo, 'node_modules', 'pinbench');
  mkdirSync(installed, { recursive: true });
  writeFileSync(join(installed, 'package.json'), '{}');
  assert.equal(gitCommit(installed), null);
  assert.equal(gitCommit(repo), git('rev-parse', 'HEAD'));
});

test('compare of two different suites says why few runs paired', async () => {
  const dir = tempDir();
  const base = writeFixture(dir, 'base.json', makeResultSet({ suite: 'ci', micro: false, sizes: [64] }));
  const current = writeFixture(dir, 'current.json', makeResultSet({ suite: 'default', micro: false, sizes: [256] }));
  const { code, stdout } = await runCli(['compare', base, current, '--html', join(dir, 'html')]);
  assert.equal(code, 3);
  assert.match(
    stdout,
    /^Note: the result sets come from different suites \(baseline ci, current default\): runs are paired by their parameters, so only the 20 run\(s\) that could be paired are compared \(20 of them despite a changed parameter: see what differs\)/m,
  );
  const html = execFileSync('cat', [join(dir, 'html', 'index.html')], { encoding: 'utf8' });
  assert.match(html, /<strong>Few runs paired:<\/strong> the result sets come from different suites/);
});

test('compare --html shows the wall-clock verdicts the terminal shows', async () => {
  const dir = tempDir();
  const base = writeFixture(dir, 'base.json', makeResultSet({ micro: false, sizes: [64], strategies: ['unlocked'] }));
  const current = writeFixture(
    dir,
    'current.json',
    makeResultSet({ micro: false, sizes: [64], strategies: ['unlocked'], wallFactor: 1.5 }),
  );
  const { stdout } = await runCli(['compare', base, current, '--html', join(dir, 'html')]);
  const verdicts = [
    ...stdout.matchAll(
      /^ {2}(unlocked \S+ ptePages=64 vcpus=\d seed=\d)\s+wall\.samplesMs\s.*?\s(REGRESSED|improved|within noise)\s*$/gm,
    ),
  ];
  assert.ok(verdicts.length > 0, stdout);
  const html = execFileSync('cat', [join(dir, 'html', 'index.html')], { encoding: 'utf8' });
  assert.match(html, /<h4>Wall-clock verdicts \(noisy\)<\/h4>/);
  for (const [, id, verdict] of verdicts)
    assert.match(
      html,
      new RegExp(`<td>${(id ?? '').replace(/[.=]/g, '\\$&')}</td><td>wall\\.samplesMs</td>.*?<td class="num">${verdict}</td>`),
    );
});
