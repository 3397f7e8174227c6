// The experiments table as data: one row per run of the run stores, plus this window's queued and
// running runs the stores do not list yet; columns for the run, every resolved setting (the union
// over the runs, protocol/runSettings.ts) and the final metrics. Pure but for `readCheckVerdicts`,
// which reads check.json files; the panel (experimentsPanel.ts) only sends what this computes.
import * as path from 'node:path';
import { overlapsAnother, type Span } from '../../common/overlaps';
import { problemDisplayName } from '../../common/problemId';
import type { CellValue, ExperimentColumn, ExperimentRow } from '../../protocol/experimentsTable';
import type { IterationRecord } from '../../protocol/metrics';
import { runSettings } from '../../protocol/runSettings';
import type { CheckView } from '../../protocol/webview';
import { readRunCheck } from '../../store/checkStore';
import type { LiveRunInfo, StoredRun } from './historyModel';

/** What the rows are made of. */
export interface ExperimentSources {
  readonly stored: readonly StoredRun[];
  /** This window's queued and running runs (RunController.liveInfo()). */
  readonly live: readonly LiveRunInfo[];
  /** The verdict of each run's hypergradient check, by run id. */
  readonly checks?: ReadonlyMap<string, CheckView['verdict']>;
  /** Runs of this window that ran beside another run, so their times are not their own. */
  readonly concurrent?: ReadonlySet<string>;
}

/** The table's columns and rows. */
export interface ExperimentTable {
  readonly columns: readonly ExperimentColumn[];
  readonly rows: readonly ExperimentRow[];
}

/** The run's own columns, always present, in this order. */
export const RUN_COLUMNS: readonly ExperimentColumn[] = [
  { key: 'status', label: 'status', kind: 'text', group: 'run', description: 'queued, running, completed, diverged, failed, cancelled or interrupted' },
  { key: 'name', label: 'name', kind: 'text', group: 'run', description: 'the run\u2019s name, else its method' },
  { key: 'method', label: 'method', kind: 'text', group: 'run' },
  { key: 'problem', label: 'problem', kind: 'text', group: 'run' },
  { key: 'created', label: 'created', kind: 'time', group: 'run', description: 'when the run started (queued runs: when they were queued)' },
  { key: 'duration', label: 'duration', kind: 'duration', group: 'run', description: 'wall time of a finished run' },
  { key: 'check', label: 'check', kind: 'text', group: 'run', description: 'verdict of the hypergradient check kept with the run (pass, fail, approximate)' },
  { key: 'concurrent', label: 'concurrent', kind: 'text', group: 'run', description: 'true when the run shared its machine with another run (this window\u2019s workers, or stored runs of the same host whose times overlap), so its times are not its own' },
  { key: 'note', label: 'note', kind: 'text', group: 'run' },
  { key: 'tags', label: 'tags', kind: 'text', group: 'run', description: 'the paper preset the run came from and its name' },
];

/** Final metrics (`summary.last` and the summary's costs), in this order; a column appears when some run has it. */
const METRIC_COLUMNS: readonly (ExperimentColumn & { readonly from: keyof IterationRecord | 'msPerIteration' | 'peakBytes' })[] = [
  { key: 'upperLoss', label: 'upperLoss', kind: 'number', group: 'metric', from: 'upperLoss', description: 'final upper objective F(x, y_K)' },
  { key: 'lowerLoss', label: 'lowerLoss', kind: 'number', group: 'metric', from: 'lowerLoss', description: 'final lower objective f(x, y_K)' },
  { key: 'hypergradNorm', label: 'hypergradNorm', kind: 'number', group: 'metric', from: 'hypergradNorm', description: 'final hypergradient norm' },
  { key: 'upperDistance', label: 'upperDistance', kind: 'number', group: 'metric', from: 'upperDistance', description: 'final ‖x − x*‖' },
  { key: 'lowerDistance', label: 'lowerDistance', kind: 'number', group: 'metric', from: 'lowerDistance', description: 'final ‖y_K − y*‖' },
  { key: 'lowerStationarity', label: 'lowerStationarity', kind: 'number', group: 'metric', from: 'lowerStationarity', description: 'final ‖∇_y f(x, y_K)‖' },
  { key: 'msPerIteration', label: 'msPerIteration', kind: 'duration', group: 'metric', from: 'msPerIteration', description: 'median wall time of one outer iteration' },
  { key: 'peakBytes', label: 'peakBytes', kind: 'bytes', group: 'metric', from: 'peakBytes', description: 'peak bytes held by live tensors' },
];

/** The table of the given runs: stored runs in the order given, then live runs the stores do not list yet. */
export function experimentRows(sources: ExperimentSources): ExperimentTable {
  const rows: ExperimentRow[] = [];
  const settingKeys: string[] = [];
  const seenSettings = new Set<string>();
  const evalKeys = new Set<string>();
  const reserved = new Set([...RUN_COLUMNS, ...METRIC_COLUMNS].map((c) => c.key));
  // A setting whose key is also a column of the run or a metric keeps its value under `option.<key>`.
  const settingKey = (k: string): string => (reserved.has(k) ? `option.${k}` : k);
  const addSettings = (cells: Record<string, CellValue>, settings: Readonly<Record<string, number | string | boolean>>): void => {
    for (const [k, v] of Object.entries(settings)) {
      // The method is a column of the run already.
      if (k === 'method') continue;
      const key = settingKey(k);
      cells[key] = v;
      if (!seenSettings.has(key)) {
        seenSettings.add(key);
        settingKeys.push(key);
      }
    }
  };

  const storedIds = new Set<string>();
  for (const { record: r } of sources.stored) {
    storedIds.add(r.id);
    const cells: Record<string, CellValue> = { status: r.status, name: r.name ?? r.config.method, method: r.config.method, problem: problemDisplayName(r.config.problem) };
    const created = Date.parse(r.createdAt);
    if (Number.isFinite(created)) cells.created = created;
    const ended = r.endedAt !== undefined ? Date.parse(r.endedAt) : NaN;
    const duration = r.durationMs ?? (Number.isFinite(ended) && Number.isFinite(created) ? ended - created : undefined);
    if (duration !== undefined && r.status !== 'running') cells.duration = duration;
    addCommon(cells, r.id, sources, r.note, [r.config.preset, r.name]);
    addSettings(cells, runSettings(r.config));
    const s = r.summary;
    if (s) {
      for (const m of METRIC_COLUMNS) {
        const v = m.from === 'msPerIteration' || m.from === 'peakBytes' ? s[m.from] : s.last?.[m.from];
        if (typeof v === 'number') cells[m.key] = v;
      }
      for (const [k, v] of Object.entries(s.evals ?? {})) {
        // The 95% half-widths belong with their value in the panel; here they would double the columns.
        if (k.endsWith('.ci95') || typeof v !== 'number') continue;
        cells[`evals.${k}`] = v;
        evalKeys.add(k);
      }
    }
    rows.push({ runId: r.id, cells });
  }
  for (const l of sources.live) {
    if (storedIds.has(l.runId)) continue;
    const cells: Record<string, CellValue> = { status: l.status, name: l.name ?? l.method, method: l.method, problem: problemDisplayName(l.problem), created: l.queuedAt };
    addCommon(cells, l.runId, sources, undefined, [l.name]);
    rows.push({ runId: l.runId, cells });
  }

  const present = (key: string): boolean => rows.some((row) => row.cells[key] !== undefined);
  const columns: ExperimentColumn[] = [
    ...RUN_COLUMNS,
    ...settingKeys.map((key): ExperimentColumn => ({ key, label: key, kind: 'text', group: 'setting', description: `resolved setting ${key.replace(/^option\./, '')}` })),
    ...METRIC_COLUMNS.filter((m) => present(m.key)).map(({ from: _from, ...column }) => column),
    ...[...evalKeys].sort().map((k): ExperimentColumn => ({ key: `evals.${k}`, label: `evals.${k}`, kind: 'number', group: 'metric', description: `last held-out evaluation ${k}` })),
  ];
  // Settings are scalars of any type; a column whose values are all numbers sorts and compares as numbers.
  return { columns: columns.map((c) => (c.group === 'setting' && rows.every((row) => row.cells[c.key] === undefined || typeof row.cells[c.key] === 'number') && present(c.key) ? { ...c, kind: 'number' } : c)), rows };
}

function addCommon(cells: Record<string, CellValue>, runId: string, sources: ExperimentSources, note: string | undefined, tags: readonly (string | undefined)[]): void {
  const verdict = sources.checks?.get(runId);
  if (verdict !== undefined) cells.check = verdict;
  if (sources.concurrent?.has(runId)) cells.concurrent = true;
  if (note !== undefined && note !== '') cells.note = note;
  const list = tags.filter((t): t is string => t !== undefined && t !== '');
  if (list.length > 0) cells.tags = list;
}

/**
 * The stored runs that ran while another stored run of the same host ran (their createdAt–endedAt
 * spans overlap; a running run's span ends at its last update): their times are not their own.
 */
export function overlappingStoredRuns(stored: readonly StoredRun[]): Set<string> {
  const out = new Set<string>();
  const byHost = new Map<string, StoredRun[]>();
  for (const s of stored) byHost.set(s.record.hostname, [...(byHost.get(s.record.hostname) ?? []), s]);
  for (const runs of byHost.values()) {
    const spans = runs.map(({ record: r }): Span => {
      const start = Date.parse(r.createdAt);
      const end = Date.parse(r.endedAt ?? (r.status === 'running' ? r.updatedAt : ''));
      return Number.isFinite(start) && Number.isFinite(end) ? [start, end] : undefined;
    });
    overlapsAnother(spans).forEach((o, i) => o && out.add(runs[i]!.record.id));
  }
  return out;
}

/** The verdicts of the check.json files kept with the runs; an unreadable one goes to `onBad` and has none. */
export function readCheckVerdicts(stored: readonly StoredRun[], onBad: (runId: string, error: string) => void = () => undefined): Map<string, CheckView['verdict']> {
  const out = new Map<string, CheckView['verdict']>();
  for (const { record, storeDir } of stored) {
    try {
      const check = readRunCheck(path.join(storeDir, record.id));
      if (check) out.set(record.id, check.check.verdict);
    } catch (err) {
      onBad(record.id, err instanceof Error ? err.message : String(err));
    }
  }
  return out;
}
