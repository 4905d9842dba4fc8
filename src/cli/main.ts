#!/usr/bin/env node
// The `pinbench` executable: only glue. Everything it does is `main` (program.ts), which tests call in-process.
// First pinbench's V8 flags (src/shared/v8-tuning.ts; PINBENCH_V8_FLAGS= turns them off), before any model code is
// hot: they are process-wide, so the worker threads started later run with them too.
import { applyV8Tuning } from '../shared/v8-tuning.js';
import { EXIT_BAD_INPUT } from './errors.js';
import { main } from './program.js';

let tuned = true;
try {
  applyV8Tuning();
} catch (error) {
  process.stderr.write(`pinbench: ${(error as Error).message}\n`);
  tuned = false;
}
process.exitCode = tuned ? await main(process.argv.slice(2)) : EXIT_BAD_INPUT;
