// Starts the runs of one comparison (Compare Methods, a paper preset) as one group: RunManager
// starts them bilevel.runs.comparisonConcurrency at a time (one by default), so each method's time
// per iteration is its own; one panel shows them all. startRuns (context.ts) is the ungrouped case.
import * as vscode from 'vscode';
import type { ExperimentSpec } from '../../protocol/experiment';
import type { LiveRun } from '../runs/runController';
import { problemLabel } from '../../store/problemPaths';
import type { CommandContext } from './context';
import { storeDirForProblem } from './context';

let groups = 0;

/** Queues `specs` as one group and opens one panel on them; undefined if there is nowhere to store runs. */
export function startGroup(ctx: CommandContext, specs: readonly ExperimentSpec[], title?: string): LiveRun[] | undefined {
  const first = specs[0];
  if (!first) return [];
  const storeDir = storeDirForProblem(ctx, first.problem);
  if (!storeDir) {
    void vscode.window.showErrorMessage('Open a folder first: Bilevel Lab keeps runs in the workspace folder (.bilevel/runs).');
    return undefined;
  }
  if (first.problem.kind === 'file') ctx.diagnostics.clear(first.problem.path);
  const group = `group-${Date.now()}-${++groups}`;
  const runs = specs.map((spec) => ctx.controller.start(spec, storeDir, { group }));
  const label = problemLabel(first.problem);
  ctx.panels.open(
    runs.map((r) => r.runId),
    title ?? (specs.length === 1 ? `${first.method} · ${label}` : `Compare ${specs.map((s) => s.method).join(', ')} · ${label}`),
    vscode.ViewColumn.Beside,
  );
  ctx.history.refresh(0);
  return runs;
}
