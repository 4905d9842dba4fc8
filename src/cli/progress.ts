import cliProgress from 'cli-progress';

/** Reports progress of a pass over the runs. */
export interface Progress {
  start(total: number, label: string): void;
  /** A run started (the bar names the latest). */
  started(id: string): void;
  /** One run finished; `failed` when it is not a result (an error or an invalid run). */
  tick(id: string, failed: boolean): void;
  stop(): void;
}

const SILENT: Progress = { start() {}, started() {}, tick() {}, stop() {} };

/** What one line of the bar shows. */
export interface ProgressLine {
  label: string;
  value: number;
  total: number;
  failed: number;
  /** Seconds to go (NaN or Infinity when unknown). */
  etaSeconds: number;
  current: string;
}

/** `1:05`, `12s`, `?`. */
function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}:${String(s % 60).padStart(2, '0')}` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}`;
}

/**
 * One line of the progress bar fitted to `columns`: the counts and the ETA always, then the bar and the run in
 * progress with what room is left (the run's id cut with an ellipsis). Never wider than `columns - 1`, so a
 * terminal does not wrap it.
 */
export function progressLine(line: ProgressLine, columns: number): string {
  const width = Math.max(20, columns) - 1;
  const counts = `${line.value}/${line.total}${line.failed > 0 ? ` ${line.failed} failed` : ''} ETA ${formatEta(line.etaSeconds)}`;
  const head = `${line.label} `;
  const room = width - head.length - counts.length - 1;
  const barSize = Math.max(0, Math.min(30, Math.floor(room / 3)));
  const done = line.total > 0 ? Math.round((barSize * line.value) / line.total) : 0;
  const bar = barSize > 0 ? `[${'#'.repeat(done)}${'-'.repeat(barSize - done)}] ` : '';
  const fixed = `${head}${bar}${counts}`;
  const left = width - fixed.length - 1;
  if (line.current === '' || left < 8) return fixed.slice(0, width);
  const current = line.current.length > left ? `${line.current.slice(0, left - 1)}…` : line.current;
  return `${fixed} ${current}`;
}

/**
 * A progress bar on stderr when stderr is a terminal and `quiet` is off; silent otherwise (CI logs and
 * pipes get the summary only). It fits the terminal's width (80 columns and up show the ETA and the run in
 * progress) and follows a resize.
 */
export function createProgress(quiet: boolean): Progress {
  if (quiet || !process.stderr.isTTY) return SILENT;
  let failed = 0;
  let current = '';
  let label = '';
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: (_options, params) =>
        progressLine(
          { label, value: params.value, total: params.total, failed, etaSeconds: params.eta, current },
          process.stderr.columns || 80,
        ),
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 20,
      linewrap: false,
    },
    cliProgress.Presets.shades_classic,
  );
  return {
    start(total, name) {
      failed = 0;
      current = '';
      label = name;
      bar.start(total, 0);
    },
    started(id) {
      current = id;
      bar.update({});
    },
    tick(_id, isFailure) {
      if (isFailure) failed++;
      bar.increment(1);
    },
    stop() {
      bar.stop();
    },
  };
}
