import cliProgress from 'cli-progress';

/** Reports progress of a pass over the runs. */
export interface Progress {
  start(total: number, label: string): void;
  /** One run finished; `failed` when it is an error entry. */
  tick(id: string, failed: boolean): void;
  stop(): void;
}

const SILENT: Progress = { start() {}, tick() {}, stop() {} };

/**
 * A progress bar on stderr when stderr is a terminal and `quiet` is off; silent otherwise (CI logs and
 * pipes get the summary only).
 */
export function createProgress(quiet: boolean): Progress {
  if (quiet || !process.stderr.isTTY) return SILENT;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format:
        '{label} [{bar}] {value}/{total} runs | {failed} failed | {duration_formatted} elapsed, eta {eta_formatted} | {last}',
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  let failed = 0;
  return {
    start(total, label) {
      failed = 0;
      bar.start(total, 0, { label, failed, last: '' });
    },
    tick(id, isFailure) {
      if (isFailure) failed++;
      bar.increment(1, { failed, last: id.length > 40 ? `${id.slice(0, 39)}…` : id });
    },
    stop() {
      bar.stop();
    },
  };
}
