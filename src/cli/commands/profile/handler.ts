import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCENARIO_PARAMS } from '../../../results/params.js';
import { planRuns } from '../../../runner/plan.js';
import { loadStrategyModules } from '../../../runner/strategy-modules.js';
import { ConfigError } from '../../../shared/errors.js';
import { EXIT_OK, EXIT_RUN_FAILED, type ExitCode } from '../../errors.js';
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
  try {
    await planRuns(args.suite, matrixFromArgs(args.options));
  } catch (error) {
    throw error instanceof ConfigError ? withOptionName(error) : error;
  }
  const outDir = checkOutDir(args.out);
  mkdirSync(outDir, { recursive: true });

  const runArgv = [MAIN_PATH, 'run', args.suite, '--workers', String(workers), '--quiet', '--no-report', '--out', outDir];
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
  io.stderr(
    `pinbench: profiling suite ${args.suite} with ${args.tool}${workers > 0 ? ` on ${workers} workers` : ' in-process'}\n`,
  );
  const status = await runChild(command, io);
  if (status !== 0) {
    io.stderr(`pinbench: the profiled run exited with status ${status}\n`);
    return EXIT_RUN_FAILED;
  }
  const produced = readdirSync(outDir).filter((name) => !before.has(name));
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

const CLINIC_SERVER_HINT = /^To (generate the report|stop data collection) press: Ctrl \+ C/;

/** Run the profiler child with our stdio; Ctrl-C goes to the child (same process group), which finishes up. */
function runChild(command: string[], io: Io): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command[0], command.slice(1), {
      stdio: ['inherit', 'pipe', 'inherit'],
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
    const ignoreSigint = (): void => {};
    process.on('SIGINT', ignoreSigint);
    child.on('error', (error) => {
      process.off('SIGINT', ignoreSigint);
      reject(error);
    });
    child.on('close', (code, signal) => {
      process.off('SIGINT', ignoreSigint);
      resolvePromise(code ?? (signal ? 128 + 2 : 1));
    });
  });
}
