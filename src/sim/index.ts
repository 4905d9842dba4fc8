export { Engine, BLOCKED, DONE } from './engine.js';
export type { EngineWatch, Process } from './engine.js';
export { RngStream } from './rng.js';
