import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { makeV8Tuning, V8_FLAGS, V8_FLAGS_ENV, v8FlagsFor } from '../../src/shared/v8-tuning.js';

/** A tuning function bound to a spy instead of V8, and the strings the spy received. */
function spied(): { tune: ReturnType<typeof makeV8Tuning>; calls: string[] } {
  const calls: string[] = [];
  return { tune: makeV8Tuning((flags) => calls.push(flags)), calls };
}

describe('v8-tuning', () => {
  it('sets exactly its own flags, in one call, when PINBENCH_V8_FLAGS is unset', () => {
    const { tune, calls } = spied();
    assert.ok(V8_FLAGS.length > 0);
    assert.deepEqual(tune({}), V8_FLAGS);
    assert.deepEqual(calls, [V8_FLAGS.join(' ')]);
  });

  it('sets nothing the second time it is called, and returns the flags of the first', () => {
    const { tune, calls } = spied();
    tune({});
    assert.deepEqual(tune({ [V8_FLAGS_ENV]: '--max-inlined-bytecode-size=100' }), V8_FLAGS);
    assert.equal(calls.length, 1);
  });

  it('sets no flag at all when PINBENCH_V8_FLAGS is empty or blank', () => {
    for (const value of ['', '  ']) {
      const { tune, calls } = spied();
      assert.deepEqual(tune({ [V8_FLAGS_ENV]: value }), []);
      assert.deepEqual(calls, []);
    }
  });

  it('sets the flags PINBENCH_V8_FLAGS names instead of its own', () => {
    const { tune, calls } = spied();
    const flags = tune({ [V8_FLAGS_ENV]: ' --max-inlined-bytecode-size=920  --max-inlined-bytecode-size-cumulative=2000 ' });
    assert.deepEqual(flags, ['--max-inlined-bytecode-size=920', '--max-inlined-bytecode-size-cumulative=2000']);
    assert.deepEqual(calls, ['--max-inlined-bytecode-size=920 --max-inlined-bytecode-size-cumulative=2000']);
  });

  it('rejects a word of PINBENCH_V8_FLAGS that is not a flag, naming the variable and the form', () => {
    assert.throws(
      () => v8FlagsFor({ [V8_FLAGS_ENV]: '--ok=1 rm' }),
      /PINBENCH_V8_FLAGS: "rm" is not allowed; expected .*--name=value/,
    );
  });

  it('reaches V8 in a real process, worker threads started afterwards included', () => {
    // --allow-natives-syntax is a flag whose effect a test can see: `%` calls parse only with it. The child sets it
    // through the module (PINBENCH_V8_FLAGS), then a worker thread it starts parses one.
    const moduleUrl = new URL('../../src/shared/v8-tuning.js', import.meta.url).href;
    const script = `(async () => {
      const { applyV8Tuning } = await import(${JSON.stringify(moduleUrl)});
      const { Worker } = require('node:worker_threads');
      const parses = () => { try { new Function('return %IsBeingInterpreted()'); return true; } catch { return false; } };
      const before = parses();
      applyV8Tuning();
      const inWorker = await new Promise((resolve, reject) => {
        const w = new Worker("require('node:worker_threads').parentPort.postMessage((() => { try { new Function('return %IsBeingInterpreted()'); return true; } catch { return false; } })())", { eval: true });
        w.once('message', (m) => { resolve(m); w.terminate(); });
        w.once('error', reject);
      });
      console.log(JSON.stringify({ before, main: parses(), inWorker }));
    })();`;
    const run = (value: string) => {
      const r = spawnSync(process.execPath, ['-e', script], {
        encoding: 'utf8',
        env: { ...process.env, [V8_FLAGS_ENV]: value },
      });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as { before: boolean; main: boolean; inWorker: boolean };
    };
    assert.deepEqual(run('--allow-natives-syntax'), { before: false, main: true, inWorker: true });
    assert.deepEqual(run(''), { before: false, main: false, inWorker: false });
  });
});
