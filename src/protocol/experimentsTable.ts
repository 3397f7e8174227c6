// The host ↔ webview channel of the experiments table (`bilevel.experiments`): one row per run of
// the workspace's run stores (and this window's queued and running runs). Shared by src/extension
// (src/extension/views/experimentsPanel.ts) and webview/experiments/.

/** A cell's value: raw, never formatted (the webview formats for display, the CSV writes it as data); a list for tags. */
export type CellValue = number | string | boolean | readonly string[];

/**
 * How a column's values are shown and compared: `number` (4 significant digits), `duration` (ms,
 * shown as `4.2 s`), `bytes`, `time` (ms since epoch, shown as local date and time; ISO-8601 in the
 * CSV), `text` (everything else, tags included).
 */
export type ColumnKind = 'text' | 'number' | 'duration' | 'bytes' | 'time';

/** Where a column comes from: the run itself, its resolved settings (protocol/runSettings.ts), or its final metrics. */
export type ColumnGroup = 'run' | 'setting' | 'metric';

/** One column of the table. */
export interface ExperimentColumn {
  /** Unique; what a filter term names (`method=rhg`, `upperLoss<0.1`), the header's `data-key` and the CSV header. */
  readonly key: string;
  /** Header text. */
  readonly label: string;
  readonly kind: ColumnKind;
  readonly group: ColumnGroup;
  /** Header tooltip: what the column holds. */
  readonly description?: string;
}

/** One run; a cell absent from `cells` is missing (shown as —, sorted last, an empty CSV cell). */
export interface ExperimentRow {
  readonly runId: string;
  readonly cells: Readonly<Record<string, CellValue>>;
}

/** Host → table: every column and row, sent on `ready` and whenever runs change. */
export interface ExperimentsSnapshotMessage {
  readonly type: 'snapshot';
  readonly columns: readonly ExperimentColumn[];
  readonly rows: readonly ExperimentRow[];
}

/** Messages the host sends to the table. */
export type HostToExperiments = ExperimentsSnapshotMessage;

/** Table → host: the page has loaded and wants its snapshot. */
export interface ExperimentsReadyMessage {
  readonly type: 'ready';
}

/** Table → host: "Compare selected" with the selected runs, in table order (two or more). */
export interface ExperimentsCompareMessage {
  readonly type: 'compare';
  readonly runIds: readonly string[];
}

/** Table → host: "Export CSV" of the selected runs, with the columns shown, in table order. */
export interface ExperimentsExportMessage {
  readonly type: 'exportCsv';
  readonly runIds: readonly string[];
  readonly columns: readonly string[];
}

/** Table → host: a run's name was clicked; open its panel. */
export interface ExperimentsOpenRunMessage {
  readonly type: 'openRun';
  readonly runId: string;
}

/** Messages the table sends to the host. */
export type ExperimentsToHost = ExperimentsReadyMessage | ExperimentsCompareMessage | ExperimentsExportMessage | ExperimentsOpenRunMessage;
