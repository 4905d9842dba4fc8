#!/usr/bin/env node
// The `pinbench` executable: only glue. Everything it does is `main` (program.ts), which tests call in-process.
import { main } from './program.js';

process.exitCode = await main(process.argv.slice(2));
