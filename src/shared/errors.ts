/** Bad input from a user: a parameter, a file, an option. The CLI turns it into exit code 2. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  /** The option or field at fault, e.g. `--pte-pages` or `params.mode`. */
  readonly field: string | undefined;
  constructor(message: string, field?: string) {
    super(message);
    this.field = field;
  }
}

/** The model reached a state Linux or Xen would not (a broken invariant, a misused context). */
export class ModelError extends Error {
  override name = 'ModelError';
}

/** A run or a pool was stopped (Ctrl-C). */
export class AbortError extends Error {
  override name = 'AbortError';
}
