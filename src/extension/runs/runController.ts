// The host's view of the runs this window started: the live runs with their metrics so far, and one
// change event that the history, the panels and the diagnostics listen to. The process lifecycle
// (queue, fork, cancel, kill, crash) belongs to RunManager (runManager.ts); this class only keeps
// what the UI shows. vscode-free, so a fake RunManager drives it in unit tests.
import type { BackendView } from '../../protocol/backendLabel';
import type { ExperimentSpec, SourceDiagnostic } from '../../protocol/experiment';
import { isFinished } from '../../protocol/metrics';
import type { IterationRecord, RunStatus, RunSummary } from '../../protocol/metrics';
import type { SweepTag } from '../../protocol/sweep';
import type { CheckView } from '../../protocol/webview';
import type { CheckResultMessage } from '../../protocol/worker';
import { Emitter, type Disposable, type Event } from '../emitter';
import type { LiveRunInfo } from '../views/historyModel';
import { formatProblemId, problemDisplayName } from '../../common/problemId';
import { PROBE_ITERATIONS, probeRun, type ProbeOutcome } from './costProbe';
import { DecimatedRecords } from './decimatedRecords';
import type { CheckOutcome, RunManager } from './runManager';

/** The part of RunManager this controller uses. */
export type RunManagerLike = Pick<RunManager, 'start' | 'check' | 'cancel' | 'onRunStarted' | 'onMetrics' | 'onRunFinished' | 'onCompileError' | 'onQueueChanged'>;

/** A run this window started, from queued to finished. */
export interface LiveRun {
  /** The run's one id, made when it was queued; the record is created under it. */
  readonly runId: string;
  readonly spec: ExperimentSpec;
  readonly storeDir: string;
  /** Problem key for grouping: the built-in id or `<file>#<export>` by base name. */
  readonly problem: string;
  readonly queuedAt: number;
  /** True once the worker created run.json (the history then shows the stored run). */
  recorded: boolean;
  runDir?: string;
  /** `queued` → `running` → how it ended (one vocabulary with the store and the panel). */
  status: RunStatus;
  /** Planned outer iterations (0 until known). */
  iterations: number;
  startedAt?: number;
  /** When it finished (ms since epoch). */
  endedAt?: number;
  /**
   * The records received so far, decimated to a bounded number (first, last, every series' extremes):
   * a long run must not fill the host's memory. The store has every record; these are dropped once
   * the run finished with a record.
   */
  readonly kept: DecimatedRecords;
  /** Iterations received so far (kept when records are dropped). */
  done: number;
  message?: string;
  summary?: RunSummary;
  warnings: readonly string[];
  /** Compile errors, when the problem file did not compile. */
  diagnostics?: readonly SourceDiagnostic[];
  /** The method's hypergradient check, when one was asked for (Compare Methods). */
  check?: CheckView;
  /** The comparison this run belongs to (its runs start one at a time, bilevel.runs.comparisonConcurrency). */
  readonly group?: string;
  /** The sweep and index this run belongs to (a sweep started in this window; run.json's config.sweep). */
  readonly sweep?: SweepTag;
  /**
   * True once another worker (a run or a check of this window) ran at any moment while this one
   * ran: its time per iteration was measured beside other work, so views label it.
   */
  concurrent?: boolean;
  /** True from the moment a cancel was asked for until the run ends (the worker stops after its iteration). */
  cancelling?: boolean;
  /** The backend asked for: bilevel.backend when the run was queued (absent: the manager's own default). */
  readonly requestedBackend?: string;
  /** The backend the worker set up (its `ready`), with what `auto` skipped; absent until then. */
  backend?: BackendView;
}

/** What changed; `records` are the new ones of a `metrics` change. */
export type RunChange =
  | { readonly kind: 'queued' | 'started' | 'finished' | 'checked' | 'progress'; readonly run: LiveRun }
  | { readonly kind: 'metrics'; readonly run: LiveRun; readonly records: readonly IterationRecord[] }
  /** A run's or a check's problem file did not compile (`run` is absent for a check). */
  | { readonly kind: 'compileError'; readonly spec: ExperimentSpec; readonly diagnostics: readonly SourceDiagnostic[]; readonly run?: LiveRun };

/** Finished runs kept in memory (panels of runs that never reached the store need them). */
const MAX_FINISHED = 100;

/** Keeps the live runs of this window and turns RunManager events into one change stream. */
export class RunController implements Disposable {
  private readonly changes = new Emitter<RunChange>();
  /** Fires on every change (queued, started, metrics, finished, compile error, check result). */
  readonly onDidChange: Event<RunChange> = this.changes.event;
  private readonly runs = new Map<string, LiveRun>();
  private readonly subscriptions: Disposable[];
  private disposed = false;
  /** Keys of the manager's active jobs at its last queue snapshot (a run is known only after start returns). */
  private lastActive: readonly string[] = [];
  /** Checks of this window whose worker is running (they share the machine with the runs). */
  private checksInFlight = 0;

  /**
   * `backendSetting` is read as each run or check is queued (bilevel.backend): a changed setting
   * applies to the next run, and the runs of one comparison, queued together, share one backend.
   */
  constructor(
    private readonly manager: RunManagerLike,
    private readonly now: () => number = Date.now,
    private readonly backendSetting: () => string | undefined = () => undefined,
  ) {
    this.subscriptions = [
      manager.onRunStarted((e) => this.handleStarted(e.handle.key, e.runDir, e.iterations, e.backend)),
      manager.onMetrics((e) => this.handleMetrics(e.handle.key, e.records)),
      manager.onRunFinished((e) => this.handleFinished(e.handle.key, e.result)),
      manager.onCompileError((e) => this.handleCompileError(e.handle.key, e.handle.spec, e.diagnostics)),
      // Starting → running moves a row of the history from queued to running.
      manager.onQueueChanged((q) => {
        this.lastActive = q.active.map((h) => h.key);
        for (const h of q.active) {
          const run = this.runs.get(h.key);
          if (!run) continue;
          let changed = false;
          if (run.status === 'queued' && h.state !== 'queued') {
            run.status = 'running';
            run.startedAt ??= this.now();
            changed = true;
          }
          // The worker said `ready`: the panel names the backend before the problem has compiled.
          if (h.backend && !run.backend) {
            run.backend = h.backend;
            changed = true;
          }
          if (changed) this.changes.fire({ kind: 'progress', run });
        }
        this.markOverlaps();
      }),
    ];
  }

  /**
   * Queues a run of `spec`; its record goes to `storeDir`; runs of one `group` start one at a time
   * (RunManager). A sweep's run comes with its `runId` (fixed in sweep.json) and its `sweep` tag.
   */
  start(spec: ExperimentSpec, storeDir: string, extra: { check?: CheckView; group?: string; runId?: string; sweep?: SweepTag } = {}): LiveRun {
    if (this.disposed) throw new Error('RunController is disposed');
    const backend = this.backendSetting();
    const handle = this.manager.start(spec, {
      storeDir,
      ...(backend !== undefined ? { backend } : {}),
      ...(extra.group !== undefined ? { group: extra.group } : {}),
      ...(extra.runId !== undefined ? { runId: extra.runId } : {}),
      ...(extra.sweep !== undefined ? { sweep: extra.sweep } : {}),
    });
    const iterations = typeof spec.options.iterations === 'number' ? spec.options.iterations : 0;
    const run: LiveRun = {
      runId: handle.key,
      recorded: false,
      spec,
      storeDir,
      problem: problemKey(spec),
      queuedAt: this.now(),
      status: handle.result?.status ?? (handle.state === 'queued' ? 'queued' : 'running'),
      iterations,
      kept: new DecimatedRecords(),
      done: 0,
      warnings: [],
      ...(extra.check ? { check: extra.check } : {}),
      ...(extra.group !== undefined ? { group: extra.group } : {}),
      ...(extra.sweep !== undefined ? { sweep: extra.sweep } : {}),
      ...(backend !== undefined ? { requestedBackend: backend } : {}),
      ...(handle.state !== 'queued' && handle.result === undefined ? { startedAt: this.now() } : {}),
    };
    this.runs.set(run.runId, run);
    this.changes.fire({ kind: 'queued', run });
    // The snapshot that started it was fired inside manager.start, before the run was known here.
    this.markOverlaps();
    return run;
  }

  /** The hypergradient check of `spec` in its own worker (no run record); rejects with the reason. */
  async check(spec: ExperimentSpec, storeDir: string): Promise<CheckResultMessage> {
    if (this.disposed) throw new Error('RunController is disposed');
    const backend = this.backendSetting();
    const handle = this.manager.check(spec, { storeDir, ...(backend !== undefined ? { backend } : {}) });
    this.checksInFlight++;
    this.markOverlaps();
    let outcome: CheckOutcome;
    try {
      outcome = await handle.done;
    } finally {
      this.checksInFlight--;
    }
    if (outcome.ok) return outcome.result;
    throw new Error(outcome.message);
  }

  /** Measures a few outer iterations of `spec` in a worker outside the queue, the store and the history (costProbe.ts). */
  probe(spec: ExperimentSpec, iterations: number = PROBE_ITERATIONS, signal?: AbortSignal): Promise<ProbeOutcome> {
    if (this.disposed) return Promise.reject(new Error('RunController is disposed'));
    return probeRun(this.manager, spec, iterations, signal, this.now);
  }

  /** Attaches a check result to a run (the panel's summary table shows it). */
  setCheck(id: string, check: CheckView): void {
    const run = this.get(id);
    if (!run) return;
    run.check = check;
    this.changes.fire({ kind: 'checked', run });
  }

  /**
   * Cancels a queued or running run. False if unknown or finished. A running run is marked
   * `cancelling` and a change fires at once, so views follow before the worker has stopped; the
   * next queued run of its group may then start (only cancelAll stops a whole comparison).
   */
  cancel(runId: string): boolean {
    const run = this.get(runId);
    if (!run || isFinished(run.status)) return false;
    return this.cancelOne(run);
  }

  /**
   * Cancels every unfinished run of `runIds` (a comparison, a history group): the queued ones first,
   * so the slots the running ones free never start them. Returns how many were cancelled.
   */
  cancelAll(runIds: readonly string[]): number {
    const runs = runIds.map((id) => this.get(id)).filter((r): r is LiveRun => r !== undefined && !isFinished(r.status));
    const ordered = [...runs.filter((r) => r.status === 'queued'), ...runs.filter((r) => r.status !== 'queued')];
    let cancelled = 0;
    for (const run of ordered) if (this.cancelOne(run)) cancelled++;
    return cancelled;
  }

  private cancelOne(run: LiveRun): boolean {
    if (!this.manager.cancel(run.runId)) return false;
    // A queued run has already finished (cancelled) inside manager.cancel; a running one is stopping.
    if (!isFinished(run.status) && !run.cancelling) {
      run.cancelling = true;
      this.changes.fire({ kind: 'progress', run });
    }
    return true;
  }

  /**
   * Marks the runs among the manager's active jobs as concurrent when another worker is running
   * beside them: a second active job, or a check of this window.
   */
  private markOverlaps(): void {
    if (this.lastActive.length + this.checksInFlight < 2) return;
    for (const key of this.lastActive) {
      const run = this.runs.get(key);
      if (!run || run.concurrent || isFinished(run.status)) continue;
      run.concurrent = true;
      this.changes.fire({ kind: 'progress', run });
    }
  }

  /** A live or recently finished run by id. */
  get(runId: string): LiveRun | undefined {
    return this.runs.get(runId);
  }

  /** Runs that are queued or running. */
  active(): LiveRun[] {
    return [...this.runs.values()].filter((r) => !isFinished(r.status));
  }

  /** Queued and running runs as the history shows them. */
  liveInfo(): LiveRunInfo[] {
    return this.active().map((r) => ({
      runId: r.runId,
      recorded: r.recorded,
      storeDir: r.storeDir,
      problem: r.problem,
      method: r.spec.method,
      ...(r.spec.name !== undefined ? { name: r.spec.name } : {}),
      ...(r.sweep !== undefined ? { sweep: r.sweep } : {}),
      ...(r.backend !== undefined ? { backend: r.backend } : {}),
      status: r.status === 'queued' ? 'queued' : 'running',
      done: r.done,
      total: r.iterations,
      queuedAt: r.queuedAt,
    }));
  }

  /** Resolves when the run has finished; at once if it already has. */
  waitForRun(id: string): Promise<LiveRun> {
    const run = this.get(id);
    if (!run) return Promise.reject(new Error(`no run '${id}' in this window`));
    if (isFinished(run.status)) return Promise.resolve(run);
    return new Promise((resolve) => {
      const sub = this.changes.event((c) => {
        if (c.kind === 'finished' && c.run === run) {
          sub.dispose();
          resolve(run);
        }
      });
    });
  }

  /** Stops listening; the RunManager itself is disposed by its owner. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const s of this.subscriptions) s.dispose();
    this.changes.dispose();
  }

  private handleStarted(runId: string, runDir: string, iterations: number, backend: BackendView | undefined): void {
    const run = this.runs.get(runId);
    if (!run) return;
    run.recorded = true;
    if (backend) run.backend ??= backend;
    run.runDir = runDir;
    run.iterations = iterations;
    run.startedAt = this.now();
    if (!isFinished(run.status)) run.status = 'running';
    this.changes.fire({ kind: 'started', run });
  }

  private handleMetrics(key: string, records: readonly IterationRecord[]): void {
    const run = this.runs.get(key);
    if (!run || records.length === 0) return;
    run.kept.push(records);
    run.done = Math.max(run.done, records[records.length - 1]!.iteration + 1);
    this.changes.fire({ kind: 'metrics', run, records });
  }

  private handleFinished(
    key: string,
    result: { status: RunStatus; message?: string; runId?: string; runDir?: string; summary?: RunSummary; warnings: readonly string[]; diagnostics?: readonly SourceDiagnostic[]; backend?: BackendView },
  ): void {
    const run = this.runs.get(key);
    if (!run || isFinished(run.status)) return;
    delete run.cancelling;
    if (result.backend) run.backend ??= result.backend;
    if (result.runId !== undefined) run.recorded = true;
    if (result.runDir !== undefined) run.runDir ??= result.runDir;
    run.endedAt = this.now();
    run.status = result.status;
    if (result.message !== undefined) run.message = result.message;
    if (result.summary !== undefined) run.summary = result.summary;
    if (result.diagnostics !== undefined) run.diagnostics = result.diagnostics;
    run.warnings = result.warnings;
    this.changes.fire({ kind: 'finished', run });
    this.forgetOldRuns();
  }

  private handleCompileError(key: string, spec: ExperimentSpec, diagnostics: readonly SourceDiagnostic[]): void {
    const run = this.runs.get(key);
    if (run) run.diagnostics = diagnostics;
    this.changes.fire({ kind: 'compileError', spec, diagnostics, ...(run ? { run } : {}) });
  }

  /** Keeps the newest finished runs; older ones (and records the store holds) are dropped. */
  private forgetOldRuns(): void {
    const finished = [...this.runs.values()].filter((r) => isFinished(r.status));
    for (const r of finished) if (r.recorded) r.kept.clear();
    for (const r of finished.slice(0, Math.max(0, finished.length - MAX_FINISHED))) this.runs.delete(r.runId);
  }
}

/** The history's problem key of a spec: the built-in id, or `<file>#<export>` by base name. */
export function problemKey(spec: ExperimentSpec): string {
  return spec.problem.kind === 'builtin' ? spec.problem.id : problemDisplayName(formatProblemId(spec.problem.path, spec.problem.exportName ?? 'default'));
}
