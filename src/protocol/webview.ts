// The host ↔ webview channel of the live run panel. Shared by src/extension and webview/.
import type { BackendView } from './backendLabel';
import type { IterationRecord, RunStatus, RunSummary } from './metrics';
import type { RunSettings } from './runSettings';

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
  /** The method's hypergradient check: run with a comparison, or stored with the run (summary table column). */
  readonly check?: CheckView;
  /** What the run was asked to do (problem parameters, method, every resolved option, seed, backend); see protocol/runSettings.ts. */
  readonly settings?: RunSettings;
  /** True when another run of this window was running at the same time: its times are not its own. */
  readonly concurrent?: boolean;
  /** True when the panel was asked for a run the store no longer has (deleted, or the store moved): shown as "deleted", not as failed. */
  readonly missing?: boolean;
  /** When the run was queued (ms since epoch); a queued run shows this, not an elapsed time. */
  readonly queuedAt?: number;
  /** The tfjs backend that runs it (the worker's `ready`, or run.json's `backend`); absent until the worker has set one up. */
  readonly backend?: BackendView;
  /** The backend the run asked for (`auto`, `wasm`, … : bilevel.backend when it was queued, run.json's config.backend). */
  readonly requestedBackend?: string;
}

/** A hypergradient check as the summary table shows it (from the worker's `checkResult`). */
export interface CheckView {
  /** `approximate`: the method is not exact for φ_K by design, so the errors are shown, not judged. */
  readonly verdict: 'pass' | 'fail' | 'approximate';
  readonly maxRelativeError: number;
  readonly relativeErrorVsRhg: number;
  /** Relative tolerance the verdict used (the absolute part is 3·fdError per direction, protocol/checkRule.ts). */
  readonly rtol?: number;
  /** Per-direction details, for the check details view. */
  readonly directions?: readonly CheckDirection[];
  /** When the check ran (ISO-8601). */
  readonly checkedAt?: string;
}

/** One direction of a hypergradient check: g·d, the central finite difference, its step and estimated error. */
export interface CheckDirection {
  readonly analytic: number;
  readonly finiteDifference: number;
  readonly epsilon: number;
  readonly relativeError: number;
  readonly fdError?: number;
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

/** Webview: the user pressed Cancel all: cancel every unfinished run of the panel (queued ones never start). */
export interface WebviewCancelAllMessage {
  readonly type: 'cancelAll';
}

/** Webview: the user clicked a run's check result: show its per-direction details. */
export interface WebviewShowCheckMessage {
  readonly type: 'showCheck';
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
export type WebviewToHost = WebviewReadyMessage | WebviewCancelMessage | WebviewCancelAllMessage | WebviewShowCheckMessage | WebviewExportMessage | WebviewDrawnMessage;
