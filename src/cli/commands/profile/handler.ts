import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCENARIO_PARAMS } from '../../../results/params.js';
import { planRuns } from '../../../runner/plan.js';
import { loadStrategyModules } from '../../../runner/strategy-modules.js';
import { ConfigError } from '../../../shared/errors.js';
import { v8FlagsFor } from '../../../shared/v8-tuning.js';
import { loadResultSet } from '../../../results/load.js';
import { EXIT_OK, EXIT_RUN_FAILED, type ExitCode, STOP_SIGNALS } from '../../errors.js';
import type { Io } from '../../io.js';
import { matrixFromArgs, withOptionName } from '../../matrix-options.js';
import { checkOutDir } from '../../out-dir.js';
import { strategyModulePaths } from '../../strategy-module-paths.js';
import type { ProfileArgs } from './args.js';

/** This CLI's entry, run again as the profiled child. */
const MAIN_PATH = fileURLToPath(new URL('../../main.js', import.meta.url));

/**
 * `pinbench profile`: check the inputs here (exit 2, nothing written), then run `pinbench run` in a child
 * under the profiler and print where the output went. Returns the child's failure as exit code 1.
 */
export async function runProfileCommand(args: ProfileArgs, io: Io): Promise<ExitCode> {
  const clinic = args.tool === 'flame' || args.tool === 'doctor';
  const { workers } = args;
  if (clinic && workers !== 0) {
    throw new ConfigError(
      `--workers: ${workers} is not allowed with --tool ${args.tool}; expected 0 (clinic cannot follow worker threads; use --tool cpuprofile for workers)`,
      '--workers',
    );
  }
  const modules = strategyModulePaths(args.strategyModule);
  await loadStrategyModules(modules);
  // The child runs in a scratch directory (below): a suite given as a relative path is resolved here.
  const suite = /[\\/]|\.[cm]?js$/.test(args.suite) && !isAbsolute(args.suite) ? resolve(args.suite) : args.suite;
  try {
    await planRuns(suite, matrixFromArgs(args.options, args.maxRuns), { maxRuns: args.maxRuns });
  } catch (error) {
    throw error instanceof ConfigError ? withOptionName(error) : error;
  }
  const outDir = checkOutDir(args.out, '--out', ['results.json']);
  mkdirSync(outDir, { recursive: true });

  const runArgv = [MAIN_PATH, 'run', suite, '--workers', String(workers), '--quiet', '--no-report', '--out', outDir];
  for (const [option, value] of Object.entries(args.limits)) {
    runArgv.push(`--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, String(value));
  }
  runArgv.push('--max-runs', String(args.maxRuns));
  for (const name of [...SCENARIO_PARAMS.map((p) => p.name), 'seeds']) {
    const value = args.options[name];
    if (typeof value === 'string') runArgv.push(`--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, value);
  }
  if (args.samples !== undefined) runArgv.push('--samples', String(args.samples));
  if (args.budgetMs !== undefined) runArgv.push('--budget-ms', String(args.budgetMs));
  for (const path of modules) runArgv.push('--strategy-module', path);

  const before = new Set(readdirSync(outDir));
  let command: string[];
  if (clinic) {
    const clinicBin = createRequire(import.meta.url).resolve('clinic/bin.js');
    // clinic requires the profiled command to start with `node`; --open=false: never start a browser.
    command = [process.execPath, clinicBin, args.tool, '--open=false', '--dest', outDir, '--', process.execPath, ...runArgv];
  } else {
    const profileDir = join(outDir, `cpuprofile-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    command = [process.execPath, '--cpu-prof', '--cpu-prof-dir', profileDir, ...runArgv];
  }
  // The profiled child is pinbench's own entry (main.js), which sets pinbench's V8 flags (src/shared/v8-tuning.ts) from
  // the environment it inherits: the profile shows the engine as `pinbench run` runs it.
  const v8Flags = v8FlagsFor(process.env);
  io.stderr(
    `pinbench: profiling suite ${args.suite} with ${args.tool}${workers > 0 ? ` on ${workers} workers` : ' in-process'}` +
      ` (V8 flags: ${v8Flags.length > 0 ? v8Flags.join(' ') : 'none'})\n`,
  );
  // The profilers write scratch files (V8's isolate-*.log, 10 MB and more) into their working directory: a scratch
  // directory under OUT, removed whatever happens, never the user's current directory.
  const work = mkdtempSync(join(outDir, '.profile-work-'));
  const startedAt = Date.now();
  let outcome: ChildOutcome;
  try {
    outcome = await runChild(command, work, io);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (outcome.signal !== undefined) {
    io.stderr(`pinbench: profile stopped by ${outcome.signal}; the profiler and its children were stopped too\n`);
    return STOP_SIGNALS[outcome.signal];
  }
  if (outcome.status !== 0) {
    io.stderr(`pinbench: the profiled run exited with status ${outcome.status}\n`);
    return EXIT_RUN_FAILED;
  }
  const produced = readdirSync(outDir).filter((name) => !before.has(name) && !name.startsWith('.profile-work-'));
  for (const name of produced) if (name.endsWith('.html')) makeOffline(join(outDir, name));
  // clinic reports its own success even when the profiled command failed: the results say how the runs went.
  const failure = await runFailure(join(outDir, 'results.json'), startedAt);
  if (failure !== undefined) {
    io.stderr(`pinbench: the profiled run failed: ${failure}\n`);
    return EXIT_RUN_FAILED;
  }
  const outputs = produced.flatMap((name) => {
    const path = join(outDir, name);
    if (name.endsWith('.html')) return [path];
    if (name.startsWith('cpuprofile-') && statSync(path).isDirectory()) {
      return readdirSync(path).map((file) => join(path, file));
    }
    return [];
  });
  if (outputs.length === 0) {
    io.stderr(`pinbench: the profiler wrote nothing under ${outDir}\n`);
    return EXIT_RUN_FAILED;
  }
  io.stdout(`profile:\n${outputs.map((p) => `  ${p}`).join('\n')}\nresults: ${join(outDir, 'results.json')}\n`);
  return EXIT_OK;
}

/** Why the profiled run is not a success (a missing or stale results file, failed or invalid runs), or undefined. */
async function runFailure(resultsPath: string, startedAt: number): Promise<string | undefined> {
  let mtime: number;
  try {
    mtime = statSync(resultsPath).mtimeMs;
  } catch {
    return `it wrote no ${resultsPath}`;
  }
  if (mtime < startedAt - 1000) return `${resultsPath} was not rewritten`;
  const set = await loadResultSet(resultsPath);
  const failed = set.runs.filter((r) => r.status === 'error').length;
  const invalid = set.runs.filter((r) => r.status === 'invalid').length;
  if (failed + invalid === 0 && !set.partial) return undefined;
  return `${failed} of ${set.runs.length} runs failed, ${invalid} invalid${set.partial ? ', interrupted' : ''} (see ${resultsPath})`;
}

/**
 * clinic's HTML loads its web fonts from clinicjs.org: point it at an empty style sheet, so the page opens offline
 * without a request (it falls back to the system fonts after its own 2 s font timeout).
 */
export function makeOffline(htmlPath: string): void {
  const html = readFileSync(htmlPath, 'utf8');
  const offline = html.replace(/https:\/\/clinicjs\.org\/assets\/css\/fonts\.css/g, 'data:text/css,');
  if (offline !== html) writeFileSync(htmlPath, offline);
}

/** How the profiler's process ended: its exit status, or the stop signal pinbench received and forwarded. */
interface ChildOutcome {
  status: number;
  signal?: keyof typeof STOP_SIGNALS;
}

const CLINIC_SERVER_HINT = /^To (generate the report|stop data collection) press: Ctrl \+ C/;

/**
 * Run the profiler in its own process group, in `cwd`, with our stdio. Ctrl-C, SIGTERM and SIGHUP are passed to the
 * whole group (clinic and the profiled node), which finishes up; a second signal kills the group at once, so an
 * interrupted profile never leaves clinic or its children running.
 */
function runChild(command: string[], cwd: string, io: Io): Promise<ChildOutcome> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command[0] ?? process.execPath, command.slice(1), {
      cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit'],
      // clinic asks for consent to anonymous usage statistics on first use and checks for updates; neither in a benchmark.
      env: { ...process.env, NO_INSIGHT: '1', NO_UPDATE_NOTIFIER: '1' },
    });
    // clinic says "To generate the report press: Ctrl + C", meant for servers; the run ends by itself.
    let pending = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (!CLINIC_SERVER_HINT.test(line)) io.stdout(line + '\n');
    });
    child.stdout?.on('end', () => pending && io.stdout(pending));
    let received: keyof typeof STOP_SIGNALS | undefined;
    const group = (signal: NodeJS.Signals): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // the group is gone already
      }
    };
    const onSignal = (signal: NodeJS.Signals): void => {
      if (received !== undefined) {
        group('SIGKILL');
        return;
      }
      received = signal as keyof typeof STOP_SIGNALS;
      group(signal);
    };
    const signals = Object.keys(STOP_SIGNALS);
    for (const signal of signals) process.on(signal, onSignal);
    // If pinbench itself goes away, the group goes with it.
    const onExit = (): void => group('SIGKILL');
    process.on('exit', onExit);
    const done = (): void => {
      for (const signal of signals) process.off(signal, onSignal);
      process.off('exit', onExit);
    };
    child.on('error', (error) => {
      done();
      reject(error);
    });
    child.on('close', (code, signal) => {
      done();
      // Whatever is left of the group (clinic's own children) goes too.
      group('SIGKILL');
      resolvePromise({ status: code ?? (signal ? 128 + 2 : 1), ...(received === undefined ? {} : { signal: received }) });
    });
  });
}
