export * from './errors.js';
export { writeFileAtomic } from './write-file-atomic.js';
export { canonicalJson } from './canonical-json.js';
export { elementAt } from './element-at.js';
export { defined } from './defined.js';
