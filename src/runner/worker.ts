// piscina worker entry: message glue only. Everything it calls also runs in-process (`--workers 0`).
import { executeRun } from './execute-run.js';

export default executeRun;
