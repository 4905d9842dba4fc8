export type * from './types.js';
export { judgeAb, abOutcome, intervalText, percentText, pValueText } from './judge.js';
export {
  DEFAULT_AB_ALPHA,
  DEFAULT_AB_CONFIDENCE,
  DEFAULT_AB_CORRECTION,
  DEFAULT_AB_THRESHOLD,
  MIN_AB_ROUNDS,
  MIN_AB_RUNS,
  resolveAbOptions,
} from './options.js';
export { renderAbText, renderAbMarkdown, describeAbOutcome, describeAbSide, ratioText, AB_STATE_LABELS } from './render.js';
