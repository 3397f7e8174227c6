// What the panel says about each run besides its charts: the settings table (differing settings
// first and marked), the final x and y, the status line (a queued run reads "queued", never an
// elapsed time), the note shown before any chart exists, what "iterations to tolerance" measured, and
// the backend each run ran on. Pure, no DOM, so plain Node tests call it; main.ts draws it.
import { formatDuration, formatNumber } from '../src/common/format';
import { backendLabel, backendTooltipLines, skippedSummary, type BackendView } from '../src/protocol/backendLabel';
import { isFinished, type RunStatus, type RunSummary } from '../src/protocol/metrics';
import { formatSetting, settingsDiff, type RunSettings } from '../src/protocol/runSettings';
import type { Progress } from './state';

/** One row of the settings table: a setting's value in each run (`—` where a run lacks it). */
export interface SettingsRow {
  readonly key: string;
  readonly values: readonly string[];
  /** True when the runs do not all agree (settingsDiff): highlighted and listed first. */
  readonly differs: boolean;
}

/**
 * The settings table of the panel's runs, one value per run: the differing settings first (in their
 * display order), then the rest; with `onlyDiffering`, only the differing ones. Runs without settings
 * (not yet known) get `—` everywhere. Empty when no run has settings. A queued run knows only what it
 * was given (a seed, a few options): a setting it does not have yet does not make the row differ.
 */
export function settingsRows(runs: readonly { readonly settings?: RunSettings; readonly status?: RunStatus }[], onlyDiffering = false): SettingsRow[] {
  const known = runs.map((r) => r.settings ?? {});
  if (known.every((s) => Object.keys(s).length === 0)) return [];
  const complete = known.filter((s, i) => Object.keys(s).length > 0 && runs[i]!.status !== 'queued');
  const partial = known.filter((s, i) => Object.keys(s).length > 0 && runs[i]!.status === 'queued');
  // Complete runs by settingsDiff (a key one of them lacks differs); a queued run only by the values it has.
  const differing = new Set(settingsDiff(complete));
  for (const s of partial) for (const [k, v] of Object.entries(s)) if (!differing.has(k) && [...complete, ...partial].some((o) => k in o && !Object.is(o[k], v))) differing.add(k);
  const keys: string[] = [];
  for (const s of known) for (const k of Object.keys(s)) if (!keys.includes(k)) keys.push(k);
  const row = (key: string): SettingsRow => ({ key, values: known.map((s) => formatSetting(s[key])), differs: differing.has(key) });
  const first = keys.filter((k) => differing.has(k)).map(row);
  return onlyDiffering ? first : [...first, ...keys.filter((k) => !differing.has(k)).map(row)];
}

/** Tensors with at most this many values are shown in full; larger ones as shape and norm. */
export const FULL_TENSOR_VALUES = 12;

/** One final variable of a run: `x` (upper) or `y` (lower), its name and its value as text. */
export interface FinalValue {
  readonly side: 'x' | 'y';
  readonly name: string;
  readonly text: string;
}

/**
 * A final tensor as text: small ones in full (`[0.5, -1.25]`, a scalar as `0.5`), large ones as shape
 * and Euclidean norm (`shape [10, 784] · ‖·‖ = 3.21`); the shape is the summary's when it has one,
 * else the flat length.
 */
export function tensorText(values: readonly number[], shape?: readonly number[]): string {
  if (values.length <= FULL_TENSOR_VALUES) {
    const list = values.map(formatNumber);
    return shape !== undefined && shape.length === 0 && list.length === 1 ? list[0]! : `[${list.join(', ')}]`;
  }
  let sq = 0;
  for (const v of values) sq += v * v;
  return `shape [${(shape ?? [values.length]).join(', ')}] · ‖·‖ = ${formatNumber(Math.sqrt(sq))}`;
}

/** The final x and y of a run's summary, x first, each by name. */
export function finalValues(summary: Pick<RunSummary, 'x' | 'y' | 'shapes'> | undefined): FinalValue[] {
  if (!summary) return [];
  const out: FinalValue[] = [];
  for (const side of ['x', 'y'] as const) {
    for (const [name, values] of Object.entries(summary[side])) out.push({ side, name, text: tensorText(values, summary.shapes?.[side][name]) });
  }
  return out;
}

/**
 * A run's status line: `queued` alone for a queued run (no progress, no clock: it has not started),
 * `starting` while its worker loads, `no iteration ran` for a run that ended before its first one,
 * else how far it is toward the limit that ends it (`iteration 3 of 40`, or with an oracle-call budget
 * nearer its end `1230 of 6000 oracle calls · iteration 30`), elapsed time, and the ETA (in that unit's
 * pace) while it runs.
 */
export function statusLine(status: RunStatus, p: Progress): string {
  if (status === 'queued') return 'queued';
  if (p.iterations === 0) return status === 'running' ? `starting · elapsed ${formatDuration(p.elapsedMs)}` : 'no iteration ran';
  const count =
    p.unit === 'oracle calls' ? `${p.done} of ${p.total} oracle calls · iteration ${p.iterations}` : p.total > 0 ? `iteration ${p.done} of ${p.total}` : `iteration ${p.done}`;
  const parts = [count, `elapsed ${formatDuration(p.elapsedMs)}`];
  if (status === 'running') parts.push(`ETA ${formatDuration(p.etaMs)}`);
  return parts.join(' · ');
}

/** Whether a run's row gets a progress bar: not while queued, nor for a run that ended before any iteration. */
export function showsProgressBar(status: RunStatus, p: Progress): boolean {
  return status !== 'queued' && !(p.iterations === 0 && isFinished(status));
}

/**
 * The note shown while the panel has no chart: `No runs to show.`; while any run is queued or running,
 * that it waits; once every run ended without a record, how each ended (never a stale "Waiting…").
 */
export function emptyNoteText(runs: readonly { readonly label: string; readonly status: RunStatus; readonly message?: string }[]): string {
  if (runs.length === 0) return 'No runs to show.';
  if (runs.some((r) => r.status === 'running')) return 'Waiting for the first metrics…';
  if (runs.some((r) => !isFinished(r.status))) return 'Queued: waiting for a free worker…';
  return runs.map((r) => `${r.label} ${r.status} before its first iteration${r.message ? `: ${r.message}` : '.'}`).join('\n');
}

/** What a run's row says about its backend: the label, what `auto` skipped in short, and the whole account for the tooltip. */
export interface BackendBadge {
  /** The backend's own name (`webgpu`, `wasm`, …): the row's `data-backend-name`. */
  readonly name: string;
  /** `webgpu · NVIDIA H100`, `wasm · 8 threads, SIMD` (protocol/backendLabel.ts). */
  readonly label: string;
  /** `auto skipped tensorflow (not installed), webgpu (no adapter)`; '' when nothing was skipped. */
  readonly skipped: string;
  /** The label, the backend asked for, the whole detail and every whole skip reason, one a line. */
  readonly title: string;
}

/** The backend badge of a run, once its worker has reported the backend; undefined before (and for records that predate it). */
export function backendBadge(run: { readonly backend?: BackendView; readonly requestedBackend?: string }): BackendBadge | undefined {
  const b = run.backend;
  if (!b || b.name === '') return undefined;
  return { name: b.name, label: backendLabel(b), skipped: skippedSummary(b.skipped), title: backendTooltipLines(b, run.requestedBackend).join('\n') };
}

/** What a run's "iterations to tolerance" counted: ‖x − x*‖ when the problem knows x* (records carry upperDistance), else ‖g‖. */
export type ToleranceMeasure = 'upperDistance' | 'hypergradNorm';

/** The quantity the solver compared with the tolerance for a run whose last record is `last`. */
export function toleranceMeasure(last: { readonly upperDistance?: number } | undefined): ToleranceMeasure {
  return last?.upperDistance !== undefined ? 'upperDistance' : 'hypergradNorm';
}

/** The condition counted, in words: `‖x − x*‖ ≤ 0.001` (the tolerance from the run's settings when known). */
export function toleranceCondition(measure: ToleranceMeasure, tolerance?: number): string {
  return `${measure === 'upperDistance' ? '‖x − x*‖' : '‖g‖'} ≤ ${tolerance !== undefined ? formatNumber(tolerance) : 'tol'}`;
}

/** The summary column's header: the condition when every run counted the same quantity, else a neutral title (the cells then say which). */
export function toleranceHeader(measures: readonly ToleranceMeasure[]): string {
  const first = measures[0];
  if (first !== undefined && measures.every((m) => m === first)) return `Iter. until ${toleranceCondition(first)}`;
  return 'Iter. to tolerance';
}
