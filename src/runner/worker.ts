// piscina worker entry: message glue only. Everything it calls also runs in-process (`--workers 0`).
import { executeTask } from './execute-run.js';

export default executeTask;
