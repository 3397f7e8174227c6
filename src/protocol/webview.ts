// The host ↔ webview channel of the live run panel. Shared by src/extension and webview/.
import type { IterationRecord, RunStatus, RunSummary } from './metrics';

/** A run as the panel shows it. */
export interface RunView {
  readonly runId: string;
  /** Label in legends: method (and the run name, if any). */
  readonly label: string;
  readonly method: string;
  readonly problem: string;
  readonly status: RunStatus;
  readonly message?: string;
  /** Total outer iterations planned (for progress and ETA). */
  readonly iterations: number;
  /** Wall-clock start (ms since epoch), for elapsed time and ETA. */
  readonly startedAt: number;
  /** Wall-clock end (ms since epoch) of a finished run, so its elapsed time stops there. */
  readonly endedAt?: number;
  readonly records: readonly IterationRecord[];
  readonly summary?: RunSummary;
  /** The method's hypergradient check, when the comparison ran one (summary table column). */
  readonly check?: CheckView;
}

/** A hypergradient check as the summary table shows it (from the worker's `checkResult`). */
export interface CheckView {
  /** `approximate`: the method is not exact for φ_K by design, so the errors are shown, not judged. */
  readonly verdict: 'pass' | 'fail' | 'approximate';
  readonly maxRelativeError: number;
  readonly relativeErrorVsRhg: number;
}

/** The formats the panel exports charts in (its PNG and SVG buttons, the Export Chart command). */
export const CHART_EXPORT_FORMATS = ['png', 'svg'] as const;

/** One of {@link CHART_EXPORT_FORMATS}. */
export type ChartExportFormat = (typeof CHART_EXPORT_FORMATS)[number];

/** Chart settings from the configuration (bilevel.charts.*). */
export interface ChartDefaults {
  readonly logScaleY: boolean;
  readonly smoothing: number;
  readonly maxPointsPerSeries: number;
}

// ---- host → webview ---------------------------------------------------------------------------

/** Host, answering `ready`: everything the panel shows (runs to overlay, chart defaults). */
export interface SnapshotMessage {
  readonly type: 'snapshot';
  readonly title: string;
  readonly runs: readonly RunView[];
  readonly chartDefaults: ChartDefaults;
}

/** Host: new records of a run shown in the panel. */
export interface AppendMessage {
  readonly type: 'append';
  readonly runId: string;
  readonly records: readonly IterationRecord[];
}

/** Host: a run's status changed (finished, cancelled, failed). */
export interface StatusMessage {
  readonly type: 'status';
  readonly runId: string;
  readonly status: RunStatus;
  readonly message?: string;
  readonly summary?: RunSummary;
}

/** Host (Export Chart command): export every chart; answered by one `export` message per chart. */
export interface ExportRequestMessage {
  readonly type: 'exportRequest';
  /** Echoed in the answers, so the host can tell them from exports the user started in the panel. */
  readonly requestId: number;
  readonly format: ChartExportFormat;
}

/** Every message the host sends to the panel. */
export type HostToWebview = SnapshotMessage | AppendMessage | StatusMessage | ExportRequestMessage;

// ---- webview → host ---------------------------------------------------------------------------

/** Webview, once its script has loaded: send me a snapshot. */
export interface WebviewReadyMessage {
  readonly type: 'ready';
}

/** Webview: the user pressed Cancel on a running run. */
export interface WebviewCancelMessage {
  readonly type: 'cancel';
  readonly runId: string;
}

/** Webview: an exported chart image (PNG data URL or SVG text) to save. */
export interface WebviewExportMessage {
  readonly type: 'export';
  readonly format: ChartExportFormat;
  readonly chart: string;
  readonly data: string;
  /** Set when answering an `exportRequest`: its id and how many charts the answer has in all. */
  readonly requestId?: number;
  readonly total?: number;
}

/** Webview, after drawing (tests wait for it): how many charts have non-blank pixels. */
export interface WebviewDrawnMessage {
  readonly type: 'drawn';
  readonly charts: number;
  readonly points: number;
}

/** Every message the panel sends to the host. */
export type WebviewToHost = WebviewReadyMessage | WebviewCancelMessage | WebviewExportMessage | WebviewDrawnMessage;
