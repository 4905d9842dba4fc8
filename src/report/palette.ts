import { elementAt } from '../shared/element-at.js';

// Okabe & Ito (2008), "Color Universal Design": eight colours distinguishable under the common forms of
// colour blindness. Each strategy also gets its own marker symbol and dash, so no chart relies on hue alone.

/** The Okabe-Ito palette, by name. */
export const OKABE_ITO = {
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
  black: '#000000',
} as const;

/** Fixed colours of the built-in strategies, the same in every chart and report. */
export const STRATEGY_COLOURS: Readonly<Record<string, string>> = {
  unlocked: OKABE_ITO.vermillion,
  'mm-lock': OKABE_ITO.blue,
  'whole-lock': OKABE_ITO.orange,
  'per-pte-deferred': OKABE_ITO.bluishGreen,
  unbatched: OKABE_ITO.reddishPurple,
  'per-pte-early-unlock': OKABE_ITO.skyBlue,
};

/** Colours for strategies registered by users, in order; yellow last as it is faint on white. */
const EXTRA_COLOURS = [OKABE_ITO.black, OKABE_ITO.yellow, OKABE_ITO.skyBlue];

/** Plotly marker symbols, one per strategy in order. */
const SYMBOLS = ['circle', 'square', 'diamond', 'triangle-up', 'cross', 'triangle-down', 'star', 'hexagon'];

/** The order the built-in strategies are listed in: the 2007 code, its alternatives, the patch, then its broken variant. */
export const STRATEGY_ORDER = ['unlocked', 'mm-lock', 'whole-lock', 'per-pte-deferred', 'unbatched', 'per-pte-early-unlock'];

/** Known strategies first in STRATEGY_ORDER, then the others by name. */
export function orderStrategies(names: Iterable<string>): string[] {
  const all = [...new Set(names)];
  const rank = (s: string): number => {
    const i = STRATEGY_ORDER.indexOf(s);
    return i < 0 ? STRATEGY_ORDER.length : i;
  };
  return all.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** Colour and marker symbol for each strategy, stable for the five known ones. */
export function strategyStyles(strategies: string[]): { colours: Record<string, string>; symbols: Record<string, string> } {
  const colours: Record<string, string> = {};
  const symbols: Record<string, string> = {};
  let extra = 0;
  strategies.forEach((s, i) => {
    colours[s] = STRATEGY_COLOURS[s] ?? elementAt(EXTRA_COLOURS, extra++ % EXTRA_COLOURS.length, 'colour');
    const known = STRATEGY_ORDER.indexOf(s);
    symbols[s] = elementAt(SYMBOLS, (known >= 0 ? known : i) % SYMBOLS.length, 'symbol');
  });
  return { colours, symbols };
}
