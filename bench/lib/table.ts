/** Aligned Markdown tables: readable as printed to a terminal and as rendered from the results file. */

export type Align = 'left' | 'right';

function pad(text: string, width: number, align: Align): string {
  return align === 'right' ? text.padStart(width) : text.padEnd(width);
}

export function markdownTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  align?: readonly Align[],
): string {
  const widths = headers.map((header, column) =>
    Math.max(3, header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const alignOf = (column: number): Align => align?.[column] ?? (column === 0 ? 'left' : 'right');
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, column) => pad(cell, widths[column], alignOf(column))).join(' | ')} |`;
  const rule = `| ${widths
    .map((width, column) => (alignOf(column) === 'right' ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width)))
    .join(' | ')} |`;
  return [
    line(headers),
    rule,
    ...rows.map((row) => line(headers.map((_, column) => row[column] ?? ''))),
  ].join('\n');
}

/** Milliseconds for a table cell: "850 ms", "12.3 s", "n/a". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms === 0) return '0 s';
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(0)} ms`;
  return `${(ms / 1000).toFixed(ms < 100_000 ? 1 : 0)} s`;
}

/** A ratio for a table cell: "1.53x". */
export function formatRatio(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return `${value.toFixed(value < 10 ? 2 : 1)}x`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
