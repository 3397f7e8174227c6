// The experiment history as data: runs grouped by problem, newest first, with labels, status icons
// and context values. Pure (the tree provider in historyTree.ts only wraps it in TreeItems), so the
// grouping, sorting and labels are unit-tested.
import { formatDuration, formatNumber } from '../../common/format';
import { problemDisplayName } from '../../common/problemId';
import { backendTooltipLines, type BackendView } from '../../protocol/backendLabel';
import type { RunStatus, RunSummary } from '../../protocol/metrics';
import type { RunRecord } from '../../protocol/runRecord';
import { formatSetting, runSettings } from '../../protocol/runSettings';
import type { CheckView } from '../../protocol/webview';
import { TreeItemContext } from '../ids';
import type { SweepTag } from '../../protocol/sweep';
import { sweepItem, sweepOfRun, type HistorySweepItem, type SweepInfo } from './sweepModel';
import { STATUS_ICONS, type StatusIcon } from './statusIcons';

/** A run read from a runs folder. */
export interface StoredRun {
  readonly record: RunRecord;
  /** The runs folder it was read from. */
  readonly storeDir: string;
  /** The hypergradient check kept with the run (check.json), if any. */
  readonly check?: CheckView;
  /** Why the run's check.json could not be read, if it could not. */
  readonly checkError?: string;
}

/** A run of this window that the store may not show yet (queued) or whose progress only the host knows. */
export interface LiveRunInfo {
  /** The run's one id, from the moment it was queued. */
  readonly runId: string;
  /** True once the worker created run.json under that id. */
  readonly recorded: boolean;
  readonly storeDir: string;
  /** Problem id as in RunConfig.problem, and method id. */
  readonly problem: string;
  readonly method: string;
  readonly name?: string;
  readonly status: 'queued' | 'running';
  /** Outer iterations done and planned (0 when unknown). */
  readonly done: number;
  readonly total: number;
  /** When the run was queued (ms since epoch). */
  readonly queuedAt: number;
  /** When its worker started (ms since epoch); elapsed time counts from here, never from the queue. */
  readonly startedAt?: number;
  /** A cancel was asked for and the worker has not stopped yet. */
  readonly cancelling?: boolean;
  /** The worker recorded the run, but its folder or run.json is gone now (deleted while it ran). */
  readonly recordMissing?: boolean;
  /** The sweep and index of a sweep's run started in this window. */
  readonly sweep?: SweepTag;
  /** The backend its worker set up, once it said `ready` (before run.json exists). */
  readonly backend?: BackendView;
}

/** A run folder of a store that could not be read: no run.json (deleted, or never written), or a corrupt one. */
export interface UnreadableRun {
  /** The folder name (the run id it would have). */
  readonly id: string;
  readonly dir: string;
  readonly storeDir: string;
  /** What the store said is wrong. */
  readonly error: string;
}

/** The label of the group that lists unreadable run folders (always the last group). */
export const UNREADABLE_GROUP = 'unreadable run folders';

/** One row under a problem. */
export interface HistoryRunItem {
  readonly kind: 'run' | 'queued' | 'unreadable';
  /** Unique among the rows: the run id (queued runs have theirs too). */
  readonly key: string;
  readonly runId?: string;
  readonly storeDir: string;
  readonly status: RunStatus;
  readonly label: string;
  readonly description: string;
  readonly tooltip: string;
  readonly icon: StatusIcon;
  /** `bilevelRun.<status>[.check]`, `bilevelQueued` or `bilevelUnreadable`, matched by package.json menus. */
  readonly contextValue: string;
  /** True for a queued or running run of this window (one Cancel all can stop). */
  readonly live: boolean;
  /** For sorting: creation time (ms since epoch). */
  readonly createdAt: number;
}

/** The runs of one problem. */
export interface HistoryGroup {
  /** The problem's display name (RunConfig.problem, file paths shortened to the base name). */
  readonly problem: string;
  readonly label: string;
  readonly description: string;
  readonly tooltip: string;
  /** The runs of no sweep (a sweep's runs are the children of its node). */
  readonly runs: readonly HistoryRunItem[];
  /** The sweeps of the problem, newest first, listed before its runs. */
  readonly sweeps: readonly HistorySweepItem[];
  /** The unfinished runs of this window in the group, its sweeps' included (what Cancel all on the group cancels). */
  readonly activeRunIds: readonly string[];
  /** `bilevelGroup`, or `bilevelGroup.active` when it has unfinished runs of this window. */
  readonly contextValue: string;
}

/**
 * Groups stored and live runs by problem: groups ordered by their newest run or sweep, runs newest
 * first. A live run the store already lists adds its progress to that row; one it does not list yet
 * (queued, or just started) gets its own row. A run of a sweep (tagged in run.json or live, or listed
 * in a sweep.json) is a child of its sweep's node, not a row of the problem; `liveStatus` gives this
 * window's status of a run (finished ones too) for its sweep's progress. Run folders the store could
 * not read (not those of live runs, which are being written) come last, in a group of their own.
 */
export function buildHistory(
  stored: readonly StoredRun[],
  live: readonly LiveRunInfo[],
  now: number,
  unreadable: readonly UnreadableRun[] = [],
  sweeps: readonly SweepInfo[] = [],
  liveStatus: (runId: string) => RunStatus | undefined = (id) => live.find((l) => l.runId === id)?.status,
): HistoryGroup[] {
  const liveById = new Map(live.map((l) => [l.runId, l]));
  const storedIds = new Set(stored.map((s) => s.record.id));
  const sweepsById = new Map(sweeps.map((s) => [s.record.id, s]));
  const sweepByRunId = new Map(sweeps.flatMap((s) => s.record.runs.map((r): [string, string] => [r.runId, s.record.id])));
  const sweepRuns = new Map<string, HistoryRunItem[]>(sweeps.map((s) => [s.record.id, []]));
  // Grouped by display name: a file problem may be recorded with an absolute or a relative path.
  const byProblem = new Map<string, HistoryRunItem[]>();
  const fullIds = new Map<string, Set<string>>();
  const note = (problem: string): string => {
    const key = problemDisplayName(problem);
    if (!byProblem.has(key)) byProblem.set(key, []);
    const ids = fullIds.get(key) ?? new Set<string>();
    ids.add(problem);
    fullIds.set(key, ids);
    return key;
  };
  const add = (problem: string, item: HistoryRunItem, sweep: string | undefined): void => {
    if (sweep !== undefined) sweepRuns.get(sweep)!.push(item);
    else byProblem.get(note(problem))!.push(item);
  };
  for (const s of stored) add(s.record.config.problem, runItem(s, liveById.get(s.record.id), now), sweepOfRun(s.record.id, s.record.config.sweep, sweepsById, sweepByRunId));
  for (const l of live) {
    if (storedIds.has(l.runId)) continue;
    add(l.problem, liveItem(l, now), sweepOfRun(l.runId, l.sweep, sweepsById, sweepByRunId));
  }
  const sweepsByProblem = new Map<string, HistorySweepItem[]>();
  for (const info of sweeps) {
    const item = sweepItem(info, sweepRuns.get(info.record.id)!, liveStatus);
    const key = note(item.problem);
    sweepsByProblem.set(key, [...(sweepsByProblem.get(key) ?? []), item]);
  }
  const groups = [...byProblem.entries()].map(([problem, runs]): HistoryGroup => {
    runs.sort((a, b) => b.createdAt - a.createdAt || (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
    const ownSweeps = (sweepsByProblem.get(problem) ?? []).sort((a, b) => b.createdAt - a.createdAt || (a.key < b.key ? 1 : -1));
    const active = [...runs, ...ownSweeps.flatMap((sw) => sw.runs)].filter((r) => r.status === 'running' || r.status === 'queued').length;
    const activeRunIds = [...runs.filter((r) => r.live).map((r) => r.key), ...ownSweeps.flatMap((s) => s.activeRunIds)];
    const parts = [
      ...(runs.length > 0 || ownSweeps.length === 0 ? [`${runs.length} run${runs.length === 1 ? '' : 's'}`] : []),
      ...(ownSweeps.length > 0 ? [`${ownSweeps.length} sweep${ownSweeps.length === 1 ? '' : 's'}`] : []),
    ];
    return {
      problem,
      label: problem,
      description: `${parts.join(', ')}${active > 0 ? `, ${active} active` : ''}`,
      tooltip: [...(fullIds.get(problem) ?? [])].sort().join('\n'),
      runs,
      sweeps: ownSweeps,
      activeRunIds,
      contextValue: activeRunIds.length > 0 ? TreeItemContext.groupActive : TreeItemContext.group,
    };
  });
  const newest = (g: HistoryGroup): number => Math.max(g.runs[0]?.createdAt ?? 0, g.sweeps[0]?.createdAt ?? 0);
  groups.sort((a, b) => newest(b) - newest(a) || (a.problem < b.problem ? -1 : 1));
  const broken = unreadable.filter((u) => !liveById.has(u.id)).map(unreadableItem);
  if (broken.length > 0) {
    broken.sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
    groups.push({
      problem: UNREADABLE_GROUP,
      label: UNREADABLE_GROUP,
      description: `${broken.length} folder${broken.length === 1 ? '' : 's'}`,
      tooltip: 'Run folders whose run.json is missing or cannot be read: reveal them to look, or delete them.',
      runs: broken,
      sweeps: [],
      activeRunIds: [],
      contextValue: TreeItemContext.group,
    });
  }
  return groups;
}

function unreadableItem(u: UnreadableRun): HistoryRunItem {
  // The store's words for a folder without its record (runStore.ts readRawRecord).
  const missing = /^no run\.json in /.test(u.error);
  return {
    kind: 'unreadable',
    key: u.id,
    storeDir: u.storeDir,
    status: 'failed',
    label: u.id,
    description: missing ? 'run.json missing' : 'run.json unreadable',
    tooltip: `${u.dir}\n${missing ? 'run.json is missing: the record was deleted or never written.' : u.error}`,
    icon: { id: 'warning', color: 'list.warningForeground' },
    contextValue: TreeItemContext.unreadable,
    live: false,
    createdAt: 0,
  };
}

function runItem(s: StoredRun, live: LiveRunInfo | undefined, now: number): HistoryRunItem {
  const r = s.record;
  const createdAt = Date.parse(r.createdAt);
  const status = r.status;
  let description: string;
  if (status === 'running' && live?.cancelling) description = 'cancelling…';
  else if (status === 'running') {
    const pct = live && live.total > 0 ? ` ${Math.floor((100 * live.done) / live.total)}%` : '';
    description = `running${pct} · ${formatDuration(now - createdAt)}`;
  } else {
    const duration = r.durationMs ?? (r.endedAt ? Date.parse(r.endedAt) - createdAt : undefined);
    description = [status === 'completed' ? undefined : status, duration !== undefined ? formatDuration(duration) : undefined, formatStamp(createdAt, now)]
      .filter((p) => p !== undefined)
      .join(' · ');
  }
  const check = s.check ? checkMark(s.check) : undefined;
  const lines = [
    `${r.name ?? r.config.method} — ${status === 'running' && live?.cancelling ? 'cancelling' : status}${r.message ? `: ${r.message}` : ''}`,
    `run ${r.id}`,
    `problem ${r.config.problem}`,
    ...(r.backend ? backendTooltipLines(r.backend, r.config.backend) : [`backend ${r.config.backend} (requested)`]),
    `started ${r.createdAt}${r.durationMs !== undefined ? `, took ${formatDuration(r.durationMs)}` : ''}`,
    'settings:',
    ...Object.entries(runSettings(r.config)).map(([k, v]) => `  ${k} = ${formatSetting(v)}`),
    ...finalMetricLines(r.summary),
  ];
  if (s.check) lines.push(`hypergradient check: ${checkLine(s.check)}`);
  else if (s.checkError) lines.push(`hypergradient check unreadable: ${s.checkError}`);
  if (r.note) lines.push(`note: ${r.note}`);
  // The backend's name only: its adapter or threads, and what `auto` skipped, are in the tooltip.
  const suffixes = [r.backend?.name, r.note ? '✎' : undefined, check].filter((p) => p !== undefined && p !== '');
  return {
    kind: 'run',
    key: r.id,
    runId: r.id,
    storeDir: s.storeDir,
    status,
    label: r.name ?? r.config.method,
    description: [description, ...suffixes].join(' · '),
    tooltip: lines.join('\n'),
    icon: STATUS_ICONS[status],
    contextValue: `${TreeItemContext.runPrefix}${status}${s.check ? TreeItemContext.checkSuffix : ''}`,
    live: live !== undefined,
    createdAt: Number.isFinite(createdAt) ? createdAt : 0,
  };
}

/** The tooltip lines of a run's last metrics: the objectives, distances and held-out evaluations it has. */
function finalMetricLines(summary: RunSummary | undefined): string[] {
  const last = summary?.last;
  if (!last) return [];
  const parts = [
    `F ${formatNumber(last.upperLoss)}`,
    `f ${formatNumber(last.lowerLoss)}`,
    `‖∇F‖ ${formatNumber(last.hypergradNorm)}`,
    last.upperDistance !== undefined ? `‖x − x*‖ ${formatNumber(last.upperDistance)}` : undefined,
    last.lowerDistance !== undefined ? `‖y − y*‖ ${formatNumber(last.lowerDistance)}` : undefined,
  ].filter((p) => p !== undefined);
  const evals = Object.entries(summary.evals ?? {}).filter(([k]) => !k.endsWith('.ci95'));
  const lines = [`final (iteration ${last.iteration}): ${parts.join(', ')}`];
  if (evals.length > 0) lines.push(`final evaluation: ${evals.map(([k, v]) => `${k} ${formatNumber(v)}`).join(', ')}`);
  return lines;
}

/** `✓ check`, `✗ check` or `≈ check` (approximate methods are shown, not judged). */
export function checkMark(check: CheckView): string {
  return `${check.verdict === 'pass' ? '✓' : check.verdict === 'fail' ? '✗' : '≈'} check`;
}

/** A check's verdict and errors in one line. */
function checkLine(check: CheckView): string {
  const verdict = check.verdict === 'approximate' ? 'approximate (not judged)' : check.verdict === 'pass' ? 'passed' : 'FAILED';
  const rtol = check.rtol !== undefined ? `, rtol ${formatNumber(check.rtol)}` : '';
  const when = check.checkedAt !== undefined ? `, ${check.checkedAt}` : '';
  return `${verdict} — max relative error ${formatNumber(check.maxRelativeError)} vs finite differences, ${formatNumber(check.relativeErrorVsRhg)} vs RHG${rtol}${when}`;
}

function liveItem(l: LiveRunInfo, now: number): HistoryRunItem {
  const missing = l.recordMissing === true;
  const running = l.status === 'running';
  const pct = l.total > 0 ? ` ${Math.floor((100 * l.done) / l.total)}%` : '';
  const name = l.name ?? l.method;
  let description: string;
  let tooltip: string;
  if (l.cancelling) {
    description = 'cancelling…';
    tooltip = `${name} on ${l.problem} — cancelling (the worker stops after its current iteration)`;
  } else if (missing) {
    description = `running${pct} · run folder deleted`;
    tooltip = `${name} on ${l.problem} — still running, but its run folder or run.json was deleted: nothing of it will be kept`;
  } else if (running && l.recorded) {
    // Recorded in a runs folder the history does not list (a problem file outside the workspace).
    description = `running${pct} · ${formatDuration(now - (l.startedAt ?? l.queuedAt))}`;
    tooltip = `${name} on ${l.problem} — running`;
  } else if (running) {
    description = 'starting';
    tooltip = `${name} on ${l.problem} — its worker is starting`;
    if (l.backend) tooltip = [`${name} on ${l.problem} — its worker is loading the problem`, ...backendTooltipLines(l.backend)].join('\n');
  } else {
    description = 'queued';
    tooltip = `${name} on ${l.problem} — queued, waiting for a free worker`;
  }
  return {
    kind: l.recorded ? 'run' : 'queued',
    key: l.runId,
    ...(l.recorded ? { runId: l.runId } : {}),
    storeDir: l.storeDir,
    status: running ? 'running' : 'queued',
    label: name,
    description,
    tooltip,
    icon: missing ? { id: 'warning', color: 'list.warningForeground' } : STATUS_ICONS[running ? 'running' : 'queued'],
    contextValue: l.recorded ? `${TreeItemContext.runPrefix}running` : TreeItemContext.queued,
    live: true,
    createdAt: l.queuedAt,
  };
}

/** Local `HH:MM` for today's runs, else `YYYY-MM-DD HH:MM`. */
export function formatStamp(ms: number, now: number): string {
  if (!Number.isFinite(ms)) return '';
  const d = new Date(ms);
  const n = new Date(now);
  const two = (v: number): string => String(v).padStart(2, '0');
  const time = `${two(d.getHours())}:${two(d.getMinutes())}`;
  const sameDay = d.getFullYear() === n.getFullYear() && d.getMonth() === n.getMonth() && d.getDate() === n.getDate();
  return sameDay ? time : `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${time}`;
}
