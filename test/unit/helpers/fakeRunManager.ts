// A RunManager stand-in for host tests (RunController, panels): the test fires its events by hand,
// and it records what the host asked of it (starts, cancels, stores, groups).
import type { ExperimentSpec } from '../../../src/protocol/experiment';
import { Emitter } from '../../../src/extension/emitter';
import type { CheckOutcome, CompileErrorEvent, MetricsEvent, QueueSnapshot, RunFinishedEvent, RunHandle, RunStartedEvent } from '../../../src/extension/runs/runManager';

/** A RunManager stand-in whose events the test fires by hand; `ids(n)` names the n-th run it starts (1-based). */
export class FakeManager {
  readonly started = new Emitter<RunStartedEvent>();
  readonly metrics = new Emitter<MetricsEvent>();
  readonly finished = new Emitter<RunFinishedEvent>();
  readonly compileErrors = new Emitter<CompileErrorEvent>();
  readonly queue = new Emitter<QueueSnapshot>();
  readonly onRunStarted = this.started.event;
  readonly onMetrics = this.metrics.event;
  readonly onRunFinished = this.finished.event;
  readonly onCompileError = this.compileErrors.event;
  readonly onQueueChanged = this.queue.event;
  readonly handles: RunHandle[] = [];
  readonly cancelled: string[] = [];
  readonly stores: (string | undefined)[] = [];
  readonly groups: (string | undefined)[] = [];
  /** The sweep tag each run was started with (undefined for a run of no sweep). */
  readonly sweeps: ({ id: string; index: number } | undefined)[] = [];
  checkOutcome: CheckOutcome = { ok: false, message: 'no check' };

  constructor(private readonly ids: (n: number) => string = (n) => `R${n}`) {}

  /** The last run started. */
  get handle(): RunHandle {
    return this.handles[this.handles.length - 1]!;
  }

  start(spec: ExperimentSpec, overrides: { storeDir?: string; group?: string; runId?: string; sweep?: { id: string; index: number } } = {}): RunHandle {
    // A run id fixed beforehand (a sweep's) is kept, as RunManager keeps it.
    const id = overrides.runId ?? this.ids(this.handles.length + 1);
    const handle = { key: id, runId: id, kind: 'run', spec, state: 'queued', recordsReceived: 0, done: new Promise(() => undefined) } as RunHandle;
    this.handles.push(handle);
    this.stores.push(overrides.storeDir);
    this.groups.push(overrides.group);
    this.sweeps.push(overrides.sweep);
    return handle;
  }

  cancel(target: string): boolean {
    this.cancelled.push(target);
    return true;
  }

  check(spec: ExperimentSpec): { done: Promise<CheckOutcome>; spec: ExperimentSpec } {
    return { spec, done: this.checkDone ?? Promise.resolve(this.checkOutcome) };
  }

  /** When set, checks end when the test resolves this promise. */
  checkDone?: Promise<CheckOutcome>;

  /** Fires a queue snapshot with these handles active (state `running`) and the rest queued. */
  activeNow(...active: RunHandle[]): void {
    this.queue.fire({ active: active.map((h) => ({ ...h, state: 'running' }) as RunHandle), queued: this.handles.filter((h) => !active.includes(h)) });
  }
}
