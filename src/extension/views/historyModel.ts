// The experiment history as data: runs grouped by problem, newest first, with labels, status icons
// and context values. Pure (the tree provider in historyTree.ts only wraps it in TreeItems), so the
// grouping, sorting and labels are unit-tested.
import { formatDuration, formatNumber } from '../../common/format';
import { problemDisplayName } from '../../common/problemId';
import type { RunStatus } from '../../protocol/metrics';
import type { RunRecord } from '../../protocol/runRecord';
import { TreeItemContext } from '../ids';

/** A run read from a runs folder. */
export interface StoredRun {
  readonly record: RunRecord;
  /** The runs folder it was read from. */
  readonly storeDir: string;
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
}

/** A codicon id and an optional theme colour id. */
export interface StatusIcon {
  readonly id: string;
  readonly color?: string;
}

/** One row under a problem. */
export interface HistoryRunItem {
  readonly kind: 'run' | 'queued';
  /** Unique among the rows: the run id (queued runs have theirs too). */
  readonly key: string;
  readonly runId?: string;
  readonly storeDir: string;
  readonly status: RunStatus;
  readonly label: string;
  readonly description: string;
  readonly tooltip: string;
  readonly icon: StatusIcon;
  /** `bilevelRun.<status>` or `bilevelQueued`, matched by package.json menus. */
  readonly contextValue: string;
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
  readonly runs: readonly HistoryRunItem[];
}

/** Status icons of the history view. */
export const STATUS_ICONS: Readonly<Record<RunStatus, StatusIcon>> = {
  queued: { id: 'clock' },
  running: { id: 'sync~spin', color: 'charts.blue' },
  completed: { id: 'pass', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  cancelled: { id: 'circle-slash', color: 'disabledForeground' },
  diverged: { id: 'warning', color: 'list.warningForeground' },
  interrupted: { id: 'debug-disconnect', color: 'list.warningForeground' },
};

/**
 * Groups stored and live runs by problem: groups ordered by their newest run, runs newest first.
 * A live run the store already lists adds its progress to that row; one it does not list yet
 * (queued, or just started) gets its own row.
 */
export function buildHistory(stored: readonly StoredRun[], live: readonly LiveRunInfo[], now: number): HistoryGroup[] {
  const liveById = new Map(live.map((l) => [l.runId, l]));
  const storedIds = new Set(stored.map((s) => s.record.id));
  // Grouped by display name: a file problem may be recorded with an absolute or a relative path.
  const byProblem = new Map<string, HistoryRunItem[]>();
  const fullIds = new Map<string, Set<string>>();
  const add = (problem: string, item: HistoryRunItem): void => {
    const key = problemDisplayName(problem);
    const list = byProblem.get(key);
    if (list) list.push(item);
    else byProblem.set(key, [item]);
    const ids = fullIds.get(key) ?? new Set<string>();
    ids.add(problem);
    fullIds.set(key, ids);
  };
  for (const s of stored) add(s.record.config.problem, runItem(s, liveById.get(s.record.id), now));
  for (const l of live) {
    if (storedIds.has(l.runId)) continue;
    add(l.problem, liveItem(l, now));
  }
  const groups = [...byProblem.entries()].map(([problem, runs]) => {
    runs.sort((a, b) => b.createdAt - a.createdAt || (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
    const active = runs.filter((r) => r.status === 'running' || r.status === 'queued').length;
    return {
      problem,
      label: problem,
      description: `${runs.length} run${runs.length === 1 ? '' : 's'}${active > 0 ? `, ${active} active` : ''}`,
      tooltip: [...(fullIds.get(problem) ?? [])].sort().join('\n'),
      runs,
    };
  });
  groups.sort((a, b) => (b.runs[0]?.createdAt ?? 0) - (a.runs[0]?.createdAt ?? 0) || (a.problem < b.problem ? -1 : 1));
  return groups;
}

function runItem(s: StoredRun, live: LiveRunInfo | undefined, now: number): HistoryRunItem {
  const r = s.record;
  const createdAt = Date.parse(r.createdAt);
  const status = r.status;
  let description: string;
  if (status === 'running') {
    const pct = live && live.total > 0 ? ` ${Math.floor((100 * live.done) / live.total)}%` : '';
    description = `running${pct} · ${formatDuration(now - createdAt)}`;
  } else {
    const duration = r.durationMs ?? (r.endedAt ? Date.parse(r.endedAt) - createdAt : undefined);
    description = [status === 'completed' ? undefined : status, duration !== undefined ? formatDuration(duration) : undefined, formatStamp(createdAt, now)]
      .filter((p) => p !== undefined)
      .join(' · ');
  }
  const lines = [
    `${r.name ?? r.config.method} — ${status}${r.message ? `: ${r.message}` : ''}`,
    `run ${r.id}`,
    `problem ${r.config.problem}, method ${r.config.method}, ${r.config.iterations} iterations, seed ${r.config.seed}`,
    r.backend ? `backend ${r.backend.name} (${r.backend.detail})` : `backend ${r.config.backend} (requested)`,
    `started ${r.createdAt}${r.durationMs !== undefined ? `, took ${formatDuration(r.durationMs)}` : ''}`,
  ];
  if (r.summary?.last) lines.push(`final F ${formatNumber(r.summary.last.upperLoss)}${r.summary.last.upperDistance !== undefined ? `, ‖x − x*‖ ${formatNumber(r.summary.last.upperDistance)}` : ''}`);
  if (r.note) lines.push(`note: ${r.note}`);
  return {
    kind: 'run',
    key: r.id,
    runId: r.id,
    storeDir: s.storeDir,
    status,
    label: r.name ?? r.config.method,
    description: r.note ? `${description} · ✎` : description,
    tooltip: lines.join('\n'),
    icon: STATUS_ICONS[status],
    contextValue: `${TreeItemContext.runPrefix}${status}`,
    createdAt: Number.isFinite(createdAt) ? createdAt : 0,
  };
}

function liveItem(l: LiveRunInfo, now: number): HistoryRunItem {
  const running = l.status === 'running' && l.recorded;
  const pct = l.total > 0 ? ` ${Math.floor((100 * l.done) / l.total)}%` : '';
  return {
    kind: running ? 'run' : 'queued',
    key: l.runId,
    ...(l.recorded ? { runId: l.runId } : {}),
    storeDir: l.storeDir,
    status: running ? 'running' : 'queued',
    label: l.name ?? l.method,
    description: running ? `running${pct} · ${formatDuration(now - l.queuedAt)}` : 'queued',
    tooltip: `${l.name ?? l.method} on ${l.problem} — ${running ? 'running' : 'waiting for a free worker'}`,
    icon: STATUS_ICONS[running ? 'running' : 'queued'],
    contextValue: running ? `${TreeItemContext.runPrefix}running` : TreeItemContext.queued,
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
