/** Integers as they are (with thousands separators), other numbers to 4 significant digits. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '-';
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  return Number(value.toPrecision(4)).toString();
}

/**
 * A plain-text table: header, a rule, rows; numeric columns right-aligned. A header cell may hold line breaks
 * (`traps\n/cycle`): the header then takes several lines, bottom-aligned, and the column is only as wide as its
 * longest line.
 */
export function renderTable(header: string[], rows: string[][], rightAligned: (column: number) => boolean): string {
  const headerLines = header.map((h) => h.split('\n'));
  const depth = Math.max(1, ...headerLines.map((l) => l.length));
  const widths = header.map((_, i) =>
    Math.max(...(headerLines[i] ?? ['']).map((l) => l.length), ...rows.map((r) => (r[i] ?? '').length)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (rightAligned(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const heads = Array.from({ length: depth }, (_, d) => line(headerLines.map((l) => l[d - (depth - l.length)] ?? '')));
  return [...heads, widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Rows as left-aligned columns separated by two spaces, without header. */
export function renderColumns(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
