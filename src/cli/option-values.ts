import { ConfigError } from '../shared/errors.js';

/** yargs `coerce` for a single-valued option given more than once: the last one wins, as in most CLIs. */
export function lastValue<T>(value: T | T[]): T {
  return Array.isArray(value) ? value[value.length - 1] : value;
}

/**
 * A numeric option's value, checked: a finite number (an integer when `integer`) of at least `min`.
 * The options are declared without a yargs type so that a bad value reaches this message as the user typed it.
 */
export function numberOption(raw: unknown, option: string, constraint: { integer: boolean; min: number; hint?: string }): number {
  const text = String(raw).trim();
  const value = /^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value) || (constraint.integer && !Number.isInteger(value)) || value < constraint.min) {
    const what = constraint.integer ? `an integer >= ${constraint.min}` : `a number >= ${constraint.min}`;
    throw new ConfigError(
      `${option}: ${JSON.stringify(text)} is not allowed; expected ${what}${constraint.hint ? ` (${constraint.hint})` : ''}`,
      option,
    );
  }
  return value;
}
