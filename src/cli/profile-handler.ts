import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { planRuns } from '../runner/plan.js';
import { loadStrategyModules } from '../runner/strategy-modules.js';
import { ConfigError } from '../shared/errors.js';
import type { ProfileArgs } from './commands/profile.js';
import { EXIT_OK, EXIT_RUN_FAILED, type ExitCode } from './exit-codes.js';
import { AXIS_OPTIONS, matrixFromArgs, withOptionName } from './matrix-options.js';
import { numberOption } from './option-values.js';
import { checkOutDir } from './out-dir.js';
import { strategyModulePaths } from './strategy-module-paths.js';

/** This CLI's entry, run again as the profiled child. */
const MAIN_PATH = fileURLToPath(new URL('./main.js', import.meta.url));

/**
 * `pinbench profile`: check the inputs here (exit 2, nothing written), then run `pinbench run` in a child
 * under the profiler and print where the output went. Returns the child's failure as exit code 1.
 */
export async function runProfileCommand(args: ProfileArgs): Promise<ExitCode> {
  const clinic = args.tool === 'flame' || args.tool === 'doctor';
  const workers = numberOption(args.workers, '--workers', { integer: true, min: 0 });
  if (clinic && workers !== 0) {
    throw new ConfigError(
      `--workers: ${workers} is not allowed with --tool ${args.tool}; expected 0 (clinic cannot follow worker threads; use --tool cpuprofile for workers)`,
      '--workers',
    );
  }
  const modules = strategyModulePaths(args.strategyModule);
  await loadStrategyModules(modules);
  try {
    await planRuns(args.suite, matrixFromArgs(args));
  } catch (error) {
    throw error instanceof ConfigError ? withOptionName(error) : error;
  }
  const outDir = checkOutDir(args.out);
  mkdirSync(outDir, { recursive: true });

  const runArgv = [MAIN_PATH, 'run', args.suite, '--workers', String(workers), '--quiet', '--no-report', '--out', outDir];
  for (const o of AXIS_OPTIONS) if (args[o.option] !== undefined) runArgv.push(`--${o.option}`, listArg(args[o.option]));
  if (args.seed !== undefined) runArgv.push('--seed', listArg(args.seed));
  if (args.seeds !== undefined) runArgv.push('--seeds', listArg(args.seeds));
  if (args.samples !== undefined) runArgv.push('--samples', String(numberOption(args.samples, '--samples', { integer: true, min: 1 })));
  if (args.budgetMs !== undefined) runArgv.push('--budget-ms', String(numberOption(args.budgetMs, '--budget-ms', { integer: false, min: 0 })));
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
  process.stderr.write(`pinbench: profiling suite ${args.suite} with ${args.tool}${workers > 0 ? ` on ${workers} workers` : ' in-process'}\n`);
  const status = await runChild(command);
  if (status !== 0) {
    process.stderr.write(`pinbench: the profiled run exited with status ${status}\n`);
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
    process.stderr.write(`pinbench: the profiler wrote nothing under ${outDir}\n`);
    return EXIT_RUN_FAILED;
  }
  process.stdout.write(`profile:\n${outputs.map((p) => `  ${p}`).join('\n')}\nresults: ${join(outDir, 'results.json')}\n`);
  return EXIT_OK;
}

function listArg(value: unknown): string {
  return (Array.isArray(value) ? value : [value]).map(String).join(',');
}

const CLINIC_SERVER_HINT = /^To (generate the report|stop data collection) press: Ctrl \+ C/;

/** Run the profiler child with our stdio; Ctrl-C goes to the child (same process group), which finishes up. */
function runChild(command: string[]): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command[0], command.slice(1), {
      stdio: ['inherit', 'pipe', 'inherit'],
      // clinic asks for consent to anonymous usage statistics on first use and checks for updates; neither in a benchmark.
      env: { ...process.env, NO_INSIGHT: '1', NO_UPDATE_NOTIFIER: '1' },
    });
    // clinic says "To generate the report press: Ctrl + C", meant for servers; the run ends by itself.
    let pending = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (!CLINIC_SERVER_HINT.test(line)) process.stdout.write(line + '\n');
    });
    child.stdout!.on('end', () => pending && process.stdout.write(pending));
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
