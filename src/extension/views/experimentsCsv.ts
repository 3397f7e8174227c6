// The experiments table → CSV for its "Export CSV" button: the selected runs, one row each, with the
// columns the table shows, in its order. Values are data, not display text: numbers as `String`
// gives them (shortest round-trip form), durations in ms, bytes as counts, times as ISO-8601, tags
// `;`-separated. Pure, so it is unit-tested.
import type { CellValue, ExperimentColumn, ExperimentRow } from '../../protocol/experimentsTable';
import { csvCell } from './metricsCsv';

/** RFC 4180 CSV (CRLF line ends, quotes where needed): a header of column keys, then one line per row; missing cells are empty. */
export function experimentsCsv(columns: readonly ExperimentColumn[], rows: readonly ExperimentRow[]): string {
  const lines = [columns.map((c) => csvCell(c.key)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvCell(csvValue(c, row.cells[c.key]))).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** One cell as CSV text (before quoting). */
export function csvValue(column: Pick<ExperimentColumn, 'kind'>, value: CellValue | undefined): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.join(';');
  if (column.kind === 'time' && typeof value === 'number') return Number.isFinite(value) ? new Date(value).toISOString() : String(value);
  return String(value);
}
