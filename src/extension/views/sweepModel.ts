// A sweep as one node of the history: its label, "n of N done" with a text progress bar, its status
// icon, its runs as children, and which of its runs this window can cancel. Pure (the tree in
// historyTree.ts wraps it), so the counts, the bar and the grouping are unit-tested.
import { formatSeeds } from '../../sweep/parseSeeds';
import { sweepStatus, type SweepProgress } from '../../sweep/sweepStatus';
import type { RunStatus } from '../../protocol/metrics';
import type { SweepRecord, SweepRunState } from '../../protocol/sweep';
import { problemLabel } from '../../store/problemPaths';
import { TreeItemContext } from '../ids';
import type { HistoryRunItem } from './historyModel';
import { SWEEP_ICONS, type StatusIcon } from './statusIcons';

/** A sweep as the store gives it, and whether this window runs it. */
export interface SweepInfo {
  readonly record: SweepRecord;
  /** The runs folder its `.sweeps/` is in. */
  readonly storeDir: string;
  /** Each index's run status in the store (undefined: no record yet). */
  readonly states: readonly SweepRunState[];
  /** Its progress as the store derives it (with the liveness of the process that runs it). */
  readonly progress: SweepProgress;
  /** True when this window's extension host runs it (its last execution is this process). */
  readonly ownedByWindow: boolean;
  /** When `bilevel sweep cancel` stopped its last execution (ISO-8601), if it did: its runs not started read cancelled. */
  readonly cancelledAt?: string;
}

/** One sweep node of the history. */
export interface HistorySweepItem {
  /** The sweep id. */
  readonly key: string;
  readonly storeDir: string;
  /** The problem's display name (the group it is listed in). */
  readonly problem: string;
  readonly label: string;
  /** `running · 3 of 12 done ███░░░░░░░`. */
  readonly description: string;
  readonly tooltip: string;
  readonly icon: StatusIcon;
  /** `bilevelSweep.<status>`; package.json offers Cancel on `bilevelSweep.queued` and `bilevelSweep.running`. */
  readonly contextValue: string;
  readonly progress: SweepProgress;
  /** Every run id of the sweep, in index order (what Open Sweep shows). */
  readonly runIds: readonly string[];
  /** Its queued and running runs of this window (what Cancel Sweep cancels). */
  readonly activeRunIds: readonly string[];
  /** True when this window runs it; a sweep of another process (`bilevel sweep`) cannot be cancelled here. */
  readonly ownedByWindow: boolean;
  /** The SLURM array job of its last execution, when it was submitted with `--executor slurm` (Cancel runs `bilevel sweep cancel`). */
  readonly slurmJobId?: string;
  /** Its runs with a record or live in this window, in index order (runs of earlier attempts last). */
  readonly runs: readonly HistoryRunItem[];
  /** For sorting: creation time (ms since epoch). */
  readonly createdAt: number;
}

/** `███░░░░░░░` for 3 of 10: `width` cells, the finished share filled (rounded down, full only when all finished). */
export function progressBar(finished: number, total: number, width = 10): string {
  const filled = total > 0 ? Math.min(width, Math.floor((width * finished) / total)) : 0;
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

/** The sweep's label: its name, else `Sweep rhg, cg × seeds 0-4 · K=10,20`. */
export function sweepLabel(record: SweepRecord): string {
  if (record.name !== undefined && record.name !== '') return record.name;
  const spec = record.spec;
  const grid = spec.grid.map((axis) => `${axis.flag}=${axis.values.map(String).join(',')}`).join(' ');
  return `Sweep ${spec.methods.join(', ')} × seeds ${formatSeeds(spec.seeds)}${grid !== '' ? ` · ${grid}` : ''}`;
}

/**
 * The sweep's progress with what this window knows: a run of this window has its live status (queued
 * runs have no record yet, and a run cancelled before it started never gets one). For a sweep this
 * window runs, it is active while one of its runs is queued or running here; another process's sweep
 * keeps the store's progress, which knows whether that process is alive.
 */
export function sweepProgressOf(info: SweepInfo, liveStatus: (runId: string) => RunStatus | undefined): SweepProgress {
  if (!info.ownedByWindow) return info.progress;
  const states = info.record.runs.map((run, i) => liveStatus(run.runId) ?? info.states[i]);
  return sweepStatus(states, states.some((s) => s === 'queued'));
}

/** The sweep node: its progress, label, description, tooltip and children (`runs`: its runs' rows, any order). */
export function sweepItem(info: SweepInfo, runs: readonly HistoryRunItem[], liveStatus: (runId: string) => RunStatus | undefined): HistorySweepItem {
  const { record } = info;
  const progress = sweepProgressOf(info, liveStatus);
  const index = new Map(record.runs.map((r) => [r.runId, r.index]));
  const ordered = [...runs].sort((a, b) => (index.get(a.key) ?? Infinity) - (index.get(b.key) ?? Infinity) || a.createdAt - b.createdAt);
  const activeRunIds = info.ownedByWindow ? record.runs.map((r) => r.runId).filter((id) => isUnfinished(liveStatus(id))) : [];
  const done = `${progress.finished} of ${progress.total} done`;
  const spec = record.spec;
  const counts = Object.entries(progress.counts)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => `${state === 'notStarted' ? 'not started' : state} ${n}`)
    .join(', ');
  const last = record.executions?.[record.executions.length - 1];
  const runner = info.ownedByWindow
    ? 'run by this window'
    : info.cancelledAt !== undefined
      ? `cancelled at ${info.cancelledAt} (bilevel sweep cancel${last?.kind === 'slurm' ? `: scancel of SLURM job ${last.jobId ?? '?'}` : ''}); runs that had not started will not`
      : last?.kind === 'slurm'
      ? `run by SLURM job ${last.jobId ?? '?'}: cancel it there (scancel)`
      : last?.pid !== undefined
        ? `run by another process (pid ${last.pid} on ${last.hostname ?? '?'}): stop it there`
        : 'run by another process';
  const tooltip = [
    `${sweepLabel(record)} — ${progress.status}`,
    `sweep ${record.id}`,
    `problem ${problemLabel(spec.problem)}`,
    `methods ${spec.methods.join(', ')}`,
    `seeds ${formatSeeds(spec.seeds)}`,
    ...(spec.grid.length > 0 ? [`grid ${spec.grid.map((a) => `${a.flag}=${a.values.map(String).join(',')}`).join(' ')}`] : []),
    `${done} ${progressBar(progress.finished, progress.total)} ${progress.total > 0 ? Math.floor((100 * progress.finished) / progress.total) : 0}%${counts !== '' ? ` (${counts})` : ''}`,
    runner,
  ];
  const createdAt = Date.parse(record.createdAt);
  return {
    key: record.id,
    storeDir: info.storeDir,
    problem: problemLabel(spec.problem),
    label: sweepLabel(record),
    description: `${progress.status} · ${done} ${progressBar(progress.finished, progress.total)}`,
    tooltip: tooltip.join('\n'),
    icon: SWEEP_ICONS[progress.status],
    contextValue: `${TreeItemContext.sweepPrefix}${progress.status}`,
    progress,
    runIds: record.runs.map((r) => r.runId),
    activeRunIds,
    ownedByWindow: info.ownedByWindow,
    ...(last?.kind === 'slurm' && last.jobId !== undefined ? { slurmJobId: last.jobId } : {}),
    runs: ordered,
    createdAt: Number.isFinite(createdAt) ? createdAt : 0,
  };
}

/** The sweep a run belongs to: its run.json's (or live) sweep tag, else the sweep that lists its run id. */
export function sweepOfRun(runId: string, tag: { readonly id: string } | undefined, sweeps: ReadonlyMap<string, SweepInfo>, byRunId: ReadonlyMap<string, string>): string | undefined {
  if (tag !== undefined && sweeps.has(tag.id)) return tag.id;
  return byRunId.get(runId);
}

function isUnfinished(status: RunStatus | undefined): boolean {
  return status === 'queued' || status === 'running';
}
