// The probe behind a comparison's or a preset's time estimate (costEstimate.ts): the real spec runs in
// a worker for a few outer iterations, into a temporary run store that is deleted afterwards, so no
// probe ever shows in the history. The worker reports the iterations the real run may make and its
// oracle-call budget (runStarted), so the probe needs no copy of the option resolution.
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ExperimentSpec } from '../../protocol/experiment';
import type { IterationRecord } from '../../protocol/metrics';
import type { ProbeSample } from './costEstimate';
import type { RunManager } from './runManager';

/** The part of RunManager a probe uses. */
export type ProbeManager = Pick<RunManager, 'start' | 'cancel' | 'onRunStarted' | 'onMetrics'>;

/** A probe's measurement, or why it has none (the run failed before its first record, or was cancelled). */
export type ProbeOutcome = { readonly ok: true; readonly sample: ProbeSample } | { readonly ok: false; readonly message: string };

/** Outer iterations a probe runs by default: one warm-up and two timed. */
export const PROBE_ITERATIONS = 3;

/**
 * Runs `spec` for `iterations` outer iterations (then cancels it) outside the run queue, into a
 * temporary store that is removed when the worker has exited; `signal` stops it early.
 */
export async function probeRun(manager: ProbeManager, spec: ExperimentSpec, iterations: number = PROBE_ITERATIONS, signal?: AbortSignal, now: () => number = Date.now): Promise<ProbeOutcome> {
  const storeDir = mkdtempSync(path.join(os.tmpdir(), 'bilevel-probe-'));
  const t0 = now();
  let handle: ReturnType<ProbeManager['start']>;
  try {
    handle = manager.start(spec, { storeDir, immediate: true });
  } catch (err) {
    rmSync(storeDir, { recursive: true, force: true });
    throw err;
  }
  let planned: number | undefined;
  let maxOracleCalls: number | undefined;
  let firstArrival: number | undefined;
  const records: IterationRecord[] = [];
  const subscriptions = [
    manager.onRunStarted((e) => {
      if (e.handle !== handle) return;
      planned = e.iterations;
      // The resolved budget bounds the real run's iterations as well (costEstimate.ts, expectedIterations).
      const budget = e.options['maxOracleCalls'];
      if (typeof budget === 'number' && budget > 0) maxOracleCalls = budget;
    }),
    manager.onMetrics((e) => {
      if (e.handle !== handle) return;
      firstArrival ??= now();
      records.push(...e.records);
      if (records.length >= iterations) manager.cancel(handle);
    }),
  ];
  const abort = (): void => void manager.cancel(handle);
  signal?.addEventListener('abort', abort);
  if (signal?.aborted) abort();
  try {
    const result = await handle.done;
    if (signal?.aborted) return { ok: false, message: 'the probe was cancelled' };
    if (records.length === 0 || planned === undefined) return { ok: false, message: result.message ?? `the probe run ended ${result.status} before its first iteration` };
    // The worker stamps records with its wall clock (same machine); the arrival time is the fallback.
    const firstTime = records[0]!.time;
    const startMs = Math.max(0, (typeof firstTime === 'number' ? firstTime : firstArrival!) - t0);
    return { ok: true, sample: { method: spec.method, plannedIterations: planned, ...(maxOracleCalls !== undefined ? { maxOracleCalls } : {}), startMs, records } };
  } finally {
    for (const s of subscriptions) s.dispose();
    signal?.removeEventListener('abort', abort);
    rmSync(storeDir, { recursive: true, force: true });
  }
}
