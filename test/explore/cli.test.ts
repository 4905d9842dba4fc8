import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FIXTURES, runCli, tempDir } from '../support/cli.js';

// `pinbench explore` and `pinbench replay` as a user runs them (in-process, through the CLI's own main): the files
// they write, their exit codes (0 no violation, 5 a violation, 1 a limit before the bound, 2 bad input).

// biome-ignore lint/suspicious/noExplicitAny: the files are read as written, and the asserts check their shape
const readJson = (path: string): any => JSON.parse(readFileSync(path, 'utf8'));

describe('pinbench explore', () => {
  it('finds the race of unlocked: exit 5, explore.json, the schedule, a Chrome trace and a timeline page', async () => {
    const out = join(tempDir(), 'out');
    const { code, stdout, stderr } = await runCli(['explore', '--strategy', 'unlocked', '--writer-updates', '1', '--out', out]);
    assert.equal(code, 5, stderr);
    assert.match(
      stdout,
      /unlocked 4level ptePages=2 vcpus=2 iterations=1 \(racy\)\s+violation\s+yes\s+write-protect-fault\s+1\s+7/,
    );
    const summary = readJson(join(out, 'explore.json'));
    assert.equal(summary.schema, 'pinbench.explore/v1');
    const [entry] = summary.results;
    assert.equal(entry.verdict, 'violation');
    assert.equal(entry.expected, true);
    assert.equal(entry.counterexample.preemptions, 1);
    assert.equal(entry.counterexample.scheduleFile, 'unlocked.schedule.json');
    const schedule = readJson(join(out, 'unlocked.schedule.json'));
    assert.equal(schedule.schema, 'pinbench.schedule/v1');
    assert.deepEqual(schedule.schedule.steps, [0, 0, 0, 0, 0, 1, 1]);
    const trace = readJson(join(out, 'unlocked.trace.json'));
    assert.equal(trace.traceEvents.filter((e: { ph: string }) => e.ph === 'X').length, 7);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    assert.match(html, /<svg/);
    assert.match(html, /vCPU 0 \(pinner\)/);
    assert.match(html, /vCPU 1 \(writer\)/);
  });

  it('finds nothing in the seed patch: exit 0, no schedule written', async () => {
    const out = join(tempDir(), 'out');
    const { code, stdout, stderr } = await runCli([
      'explore',
      '--strategy',
      'per-pte-deferred',
      '--mode',
      '2level,4level',
      '--out',
      out,
    ]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /per-pte-deferred 2level .*none up to bound 2\s+yes/);
    assert.match(stdout, /per-pte-deferred 4level .*none up to bound 2\s+yes/);
    const summary = readJson(join(out, 'explore.json'));
    assert.deepEqual(
      summary.results.map((r: { verdict: string; boundCovered: number }) => [r.verdict, r.boundCovered]),
      [
        ['no-violation', 2],
        ['no-violation', 2],
      ],
    );
    assert.equal(existsSync(join(out, 'per-pte-deferred.schedule.json')), false);
  });

  it('stops at --max-schedules before covering the bound: exit 1, incomplete, the bound covered so far', async () => {
    const out = join(tempDir(), 'out');
    const { code, stdout } = await runCli([
      'explore',
      '--strategy',
      'per-pte-deferred',
      '--max-schedules',
      '5',
      '--out',
      out,
      '--json',
    ]);
    assert.equal(code, 1);
    const summary = JSON.parse(stdout);
    const [entry] = summary.results;
    assert.equal(entry.verdict, 'incomplete');
    assert.equal(entry.limitHit, 'max-schedules');
    assert.equal(entry.schedules, 5);
    assert.ok(entry.boundCovered < 2);
    assert.deepEqual(readJson(join(out, 'explore.json')), summary);
  });

  it('a strategy module of the user: its unexpected violation exits 5 and says UNEXPECTED', async () => {
    const out = join(tempDir(), 'out');
    const { code, stdout } = await runCli([
      'explore',
      '--strategy-module',
      join(FIXTURES, 'broken-strategies.js'),
      '--strategy',
      'unlocked-claims-safe',
      '--writer-updates',
      '1',
      '--out',
      out,
    ]);
    assert.equal(code, 5);
    assert.match(stdout, /unlocked-claims-safe .*violation\s+NO\s+write-protect-fault/);
    assert.match(stdout, /unexpected: the strategy claims to be race-free/);
  });

  const BAD: Array<[string, string[], RegExp]> = [
    [
      'a negative preemption bound',
      ['--preemption-bound', '-1'],
      /--preemption-bound: "-1" is not allowed; expected an integer >= 0/,
    ],
    ['an unknown reduction', ['--reduction', 'dpor'], /--reduction: "dpor" is not allowed; expected one of state-hashing, none/],
    [
      'too many writer updates',
      ['--writer-updates', '65'],
      /--writer-updates: "65" is not allowed; expected an integer >= 0 and <= 64/,
    ],
    ['a seed (nothing is random under explore)', ['--seed', '3'], /unknown option --seed/],
    ['an unknown strategy', ['--strategy', 'nope'], /--strategy: unknown strategy 'nope'/],
    [
      'a kernel with a mode it never shipped with',
      ['--kernel', '2.6.24', '--mode', '4level'],
      /--kernel: 2\.6\.24 with mode 4level never shipped/,
    ],
    ['zero seconds', ['--max-seconds', '0'], /--max-seconds: "0" is not allowed; expected a number > 0/],
  ];
  for (const [name, args, message] of BAD) {
    it(`${name} exits 2 with one line naming the option, and writes nothing`, async () => {
      const out = join(tempDir(), 'out');
      const { code, stdout, stderr } = await runCli(['explore', ...args, '--out', out]);
      assert.equal(code, 2, stderr);
      assert.equal(stdout, '');
      assert.equal(stderr.trimEnd().split('\n').length, 1, stderr);
      assert.match(stderr, message);
      assert.equal(existsSync(out), false);
    });
  }

  it('an --out that is a file exits 2', async () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'x');
    const { code, stderr } = await runCli(['explore', '--strategy', 'unlocked', '--out', file]);
    assert.equal(code, 2);
    assert.match(stderr, /--out: .*a-file is a file; expected a writable directory/);
  });
});

describe('pinbench replay', () => {
  let found: Promise<string> | undefined;
  /** The counterexample of per-pte-early-unlock (found once for every test here). */
  function counterexample(): Promise<string> {
    found ??= (async () => {
      const out = join(tempDir(), 'out');
      const { code } = await runCli([
        'explore',
        '--strategy',
        'per-pte-early-unlock',
        '--writer-updates',
        '1',
        '--out',
        out,
        '--quiet',
      ]);
      assert.equal(code, 5);
      return join(out, 'per-pte-early-unlock.schedule.json');
    })();
    return found;
  }

  it('shows the violation again, step by step: exit 5', async () => {
    const file = await counterexample();
    const { code, stdout } = await runCli(['replay', file]);
    assert.equal(code, 5);
    assert.match(stdout, /schedule: 13 steps, 1 preemption: v0 x11, v1 x2 \(preempts\)/);
    assert.match(stdout, /spin_unlock\(ptl\(4\)\)\s+page_table_lock:v0\s+4:RW 5:RW/);
    assert.match(stdout, /batch 1 entry 3\/10: Xen runs update_va_mapping\(frame 4 -> RO\)/);
    assert.match(stdout, />v1\s+spin_lock\(ptl\(4\)\): taken\s+ptl\(4\):v1 page_table_lock:v0\s+4:RO 5:RW/);
    assert.match(stdout, /!!13\s+v1\s+PTE store into frame 4: WRITE-PROTECT FAULT/);
    assert.match(stdout, /violation shows again: write-protect-fault at step 13/);
  });

  it('writes the Chrome trace and the timeline page when asked', async () => {
    const file = await counterexample();
    const dir = tempDir();
    const { code } = await runCli(['replay', file, '--trace', join(dir, 't.json'), '--html', join(dir, 'page')]);
    assert.equal(code, 5);
    assert.equal(readJson(join(dir, 't.json')).traceEvents.filter((e: { ph: string }) => e.ph === 'X').length, 13);
    assert.match(readFileSync(join(dir, 'page', 'index.html'), 'utf8'), /<svg/);
  });

  it('exits 0 when the schedule no longer shows the violation: the seed patch run on the same schedule', async () => {
    const file = await counterexample();
    const doc = readJson(file);
    doc.params.strategy = 'per-pte-deferred';
    const fixed = join(tempDir(), 'fixed.schedule.json');
    writeFileSync(fixed, JSON.stringify(doc));
    const { code, stdout } = await runCli(['replay', fixed]);
    assert.equal(code, 0);
    assert.match(stdout, /no violation: the schedule ran \d+ of its 13 steps without one/);
  });

  it('says where a schedule stops applying: a step of a vCPU that cannot run', async () => {
    const file = await counterexample();
    const doc = readJson(file);
    doc.schedule.steps = [1, 1, 1, 1, 1, 0];
    const bent = join(tempDir(), 'bent.schedule.json');
    writeFileSync(bent, JSON.stringify(doc));
    const { code, stdout } = await runCli(['replay', bent]);
    assert.equal(code, 0);
    assert.match(stdout, /the schedule no longer applies: at step \d+ the schedule runs vCPU 1, which cannot run there/);
  });

  const BAD: Array<[string, (dir: string) => string, RegExp]> = [
    ['a missing file', (dir) => join(dir, 'none.json'), /none\.json: cannot read schedule file: no such file/],
    ['a file that is not JSON', (dir) => write(dir, 'not json'), /: not JSON/],
    [
      'another schema',
      (dir) => write(dir, JSON.stringify({ schema: 'pinbench.results/v1' })),
      /wrong schema "pinbench\.results\/v1", expected "pinbench\.schedule\/v1"/,
    ],
    [
      'a step naming a vCPU the configuration does not have',
      (dir) => write(dir, JSON.stringify({ ...validDoc(), schedule: { steps: [0, 7], choices: [] } })),
      /schedule\.steps\[1\] is vCPU 7, but params\.vcpus is 2/,
    ],
    [
      'a strategy that is not registered',
      (dir) => write(dir, JSON.stringify({ ...validDoc(), params: { ...validDoc().params, strategy: 'mine' } })),
      /params\.strategy: unknown strategy 'mine'.*--strategy-module/,
    ],
  ];
  for (const [name, make, message] of BAD) {
    it(`${name} exits 2 with one line naming the file and the field`, async () => {
      const { code, stdout, stderr } = await runCli(['replay', make(tempDir())]);
      assert.equal(code, 2, stderr);
      assert.equal(stdout, '');
      assert.match(stderr, message);
    });
  }
});

function write(dir: string, text: string): string {
  const path = join(dir, 'x.schedule.json');
  writeFileSync(path, text);
  return path;
}

// biome-ignore lint/suspicious/noExplicitAny: a document to break field by field
function validDoc(): Record<string, any> {
  return {
    schema: 'pinbench.schedule/v1',
    tool: { name: 'pinbench', version: '0.1.0', commit: null },
    createdAt: '2026-01-01T00:00:00.000Z',
    params: { strategy: 'unlocked', mode: '4level', ptePages: 2, vcpus: 2, iterations: 1 },
    writerUpdates: 1,
    preemptionBound: 2,
    violation: { kind: 'write-protect-fault', message: 'x', step: 7, expected: true },
    preemptions: 1,
    schedule: { steps: [0, 0, 0, 0, 0, 1, 1], choices: [0] },
  };
}
