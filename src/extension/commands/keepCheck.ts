// A hypergradient check is stored, not only toasted (docs/run-store.md, check.json): with its run
// once the run has a folder (the worker creates the folder, and refuses one that exists), else as a
// check of no run under a fresh id.
import type { ExperimentSpec } from '../../protocol/experiment';
import { isFinished } from '../../protocol/metrics';
import { CHECK_SCHEMA_VERSION, type CheckRecord } from '../../protocol/checkRecord';
import type { CheckView } from '../../protocol/webview';
import { formatProblemId } from '../../common/problemId';
import { messageOf } from '../../common/messageOf';
import { writeCheck } from '../../store/checkStore';
import { problemFileLabel, problemLabel } from '../../store/problemPaths';
import { makeRunId } from '../../store/runId';
import type { LiveRun } from '../runs/runController';
import type { CommandContext } from './context';

/** The check.json of a check of `spec`: the run's when `runId` is given, else a fresh `…-check-…` id. */
export function checkRecordFor(spec: ExperimentSpec, storeDir: string, exact: boolean, check: CheckView, runId?: string): CheckRecord {
  const problem = spec.problem.kind === 'builtin' ? spec.problem.id : formatProblemId(problemFileLabel(spec.problem.path, storeDir), spec.problem.exportName ?? 'default');
  return {
    schemaVersion: CHECK_SCHEMA_VERSION,
    id: runId ?? makeRunId('check', problemLabel(spec.problem)),
    ...(runId !== undefined ? { runId } : {}),
    createdAt: check.checkedAt ?? new Date().toISOString(),
    problem,
    method: spec.method,
    options: { ...spec.options },
    exact,
    check,
  };
}

/**
 * Writes the check of `spec`: into the folder of run `runId` once the worker made it (waiting while
 * the run is queued), as a check of no run when the run never got a folder or is not of this window.
 * Returns the record written, undefined (after a line in the output channel) when writing failed.
 */
export async function keepCheck(ctx: CommandContext, storeDir: string, spec: ExperimentSpec, exact: boolean, check: CheckView, runId?: string): Promise<CheckRecord | undefined> {
  const live = runId !== undefined ? ctx.controller.get(runId) : undefined;
  const recorded = live ? await whenRecorded(ctx, live) : false;
  const record = checkRecordFor(spec, live?.storeDir ?? storeDir, exact, check, recorded ? live!.runId : undefined);
  try {
    writeCheck(live?.storeDir ?? storeDir, record);
    return record;
  } catch (err) {
    ctx.output.appendLine(`[check] could not store the check of ${spec.method}: ${messageOf(err)}`);
    return undefined;
  }
}

/** Resolves true once the run has its folder, false when it ended without one. */
function whenRecorded(ctx: CommandContext, run: LiveRun): Promise<boolean> {
  if (run.recorded) return Promise.resolve(true);
  if (isFinished(run.status)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const sub = ctx.controller.onDidChange((c) => {
      if (c.run !== run || (c.kind !== 'started' && c.kind !== 'finished')) return;
      sub.dispose();
      resolve(run.recorded);
    });
  });
}
