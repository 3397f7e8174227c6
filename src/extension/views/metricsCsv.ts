// Metrics → CSV for `Bilevel: Export Metrics as CSV`: one row per outer iteration, the record's
// fields first, then every method statistic and every held-out evaluation seen in the run (empty on
// iterations without an evaluation). Pure, so it is unit-tested.
import type { IterationRecord, StatValue } from '../../protocol/metrics';

/** The record fields, in column order (stats and evals follow, as `stats.<key>` and `evals.<name>`). */
export const CSV_FIELDS = [
  'iteration',
  'upperLoss',
  'lowerLoss',
  'hypergradNorm',
  'lowerStationarity',
  'upperDistance',
  'lowerDistance',
  'forwardMs',
  'backwardMs',
  'gradientEvals',
  'hvpEvals',
  'numTensors',
  'numBytes',
] as const satisfies readonly (keyof IterationRecord)[];

/**
 * RFC 4180 CSV (CRLF line ends, quotes where needed) with a header row. Absent values are empty
 * cells; NaN and ±Infinity are written as `NaN`, `Infinity`, `-Infinity` (spreadsheets read them);
 * array statistics become one quoted cell of `;`-separated numbers.
 */
export function metricsToCsv(records: readonly IterationRecord[]): string {
  const statKeys = [...new Set(records.flatMap((r) => Object.keys(r.stats ?? {})))].sort();
  const evalKeys = [...new Set(records.flatMap((r) => Object.keys(r.evals ?? {})))].sort();
  const header = [...CSV_FIELDS, ...statKeys.map((k) => `stats.${k}`), ...evalKeys.map((k) => `evals.${k}`)];
  const lines = [header.map(csvCell).join(',')];
  for (const r of records) {
    const cells = [...CSV_FIELDS.map((f) => formatValue(r[f])), ...statKeys.map((k) => formatValue(r.stats?.[k])), ...evalKeys.map((k) => formatValue(r.evals?.[k]))];
    lines.push(cells.map(csvCell).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/**
 * One value as CSV text (before quoting). Numbers are written with `String`, the shortest text that
 * reads back as the same double (`NaN`, `Infinity` and `-Infinity` included), never the rounded
 * display format of src/common/format.ts: a CSV is data.
 */
export function formatValue(value: StatValue | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v) => String(v)).join(';');
  // Not a StatValue (a record from outside the store's checks): its JSON, never a crash of the export.
  return JSON.stringify(value) ?? '';
}

/** Quotes a cell when it holds a comma, quote, CR/LF or a leading/trailing space. */
export function csvCell(text: string): string {
  return /[",\r\n;]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
