// Plain-text tables for terminal output, and the shared number formats (src/common/format.ts).

/** Left-aligned columns separated by two spaces, with a rule under the header. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c + ' '.repeat(widths[i]! - width(c)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Display width; every character here is one column (no wide CJK in our output). */
function width(s: string): number {
  return [...s].length;
}

// The number, byte and duration formats are the ones of every view; re-exported here so the
// commands keep importing them from this file.
export { formatBytes, formatDuration, formatNumber } from '../common/format';
