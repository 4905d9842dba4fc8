export { Engine, BLOCKED, DONE } from './engine.js';
export type { Process } from './engine.js';
export { RngStream } from './rng.js';
