// Metrics → CSV for `Bilevel: Export Metrics as CSV`: one row per run × outer iteration, the run's id,
// name and settings first (repeated on every row, so `pandas.read_csv` gives a tidy frame to group by),
// then the record's fields, every method statistic and every held-out evaluation seen in any of the
// runs (empty where a run or an iteration has none). Pure, so it is unit-tested.
import type { IterationRecord, StatValue } from '../../protocol/metrics';
import type { RunSettings } from '../../protocol/runSettings';

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

/** The columns that name the run, before its settings. */
export const CSV_RUN_COLUMNS = ['run_id', 'name', 'method'] as const;

/** One run to export: who it is, what it ran with (protocol/runSettings.ts) and its records. */
export interface CsvRun {
  readonly runId: string;
  readonly name?: string;
  readonly settings: RunSettings;
  readonly records: readonly IterationRecord[];
}

/**
 * RFC 4180 CSV (CRLF line ends, quotes where needed) of several runs: columns `run_id, name, method`,
 * the union of the runs' settings (first-seen order; `setting.<key>` if a key would clash with another
 * column), then the metrics. A run without records still gets one row, so it is not silently missing.
 */
export function runsToCsv(runs: readonly CsvRun[]): string {
  const records = runs.flatMap((r) => r.records);
  const statKeys = [...new Set(records.flatMap((r) => Object.keys(r.stats ?? {})))].sort();
  const evalKeys = [...new Set(records.flatMap((r) => Object.keys(r.evals ?? {})))].sort();
  const metricColumns = [...CSV_FIELDS, ...statKeys.map((k) => `stats.${k}`), ...evalKeys.map((k) => `evals.${k}`)];
  const settingKeys = [...new Set(runs.flatMap((r) => Object.keys(r.settings)))].filter((k) => k !== 'method');
  const taken = new Set<string>([...CSV_RUN_COLUMNS, ...metricColumns]);
  const settingColumns = settingKeys.map((k) => (taken.has(k) ? `setting.${k}` : k));
  const lines = [[...CSV_RUN_COLUMNS, ...settingColumns, ...metricColumns].map(csvCell).join(',')];
  for (const run of runs) {
    const lead = [run.runId, run.name ?? '', formatValue(run.settings.method), ...settingKeys.map((k) => formatValue(run.settings[k]))];
    if (run.records.length === 0) lines.push([...lead, ...metricColumns.map(() => '')].map(csvCell).join(','));
    for (const r of run.records) lines.push([...lead, ...metricCells(r, statKeys, evalKeys)].map(csvCell).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

function metricCells(r: IterationRecord, statKeys: readonly string[], evalKeys: readonly string[]): string[] {
  return [...CSV_FIELDS.map((f) => formatValue(r[f])), ...statKeys.map((k) => formatValue(r.stats?.[k])), ...evalKeys.map((k) => formatValue(r.evals?.[k]))];
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
