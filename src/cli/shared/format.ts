/**
 * @module
 * Human-readable numbers for terminal output (JSON output keeps raw numbers).
 */

/** `$0.0123`: four decimals, enough to tell one cheap prompt from another. */
export function formatUsd(usd: number): string {
  return `$${usd.toFixed(4)}`;
}

/** `840 ms`, `12.3 s`, `4m 05s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes}m ${String(seconds).padStart(2, '0')}s`;
}

/**
 * Lay out rows as aligned columns, left-aligned except the column indexes in `rightAligned`
 * (numbers read best right-aligned).
 */
export function formatTable(
  rows: readonly (readonly string[])[],
  rightAligned: readonly number[] = [],
): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) =>
          rightAligned.includes(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
