// Before a comparison or a preset starts: a short probe of each method (runs/costProbe.ts), one
// after another, and a modal question when the estimate exceeds bilevel.runs.confirmAboveSeconds.
import * as vscode from 'vscode';
import type { ExperimentSpec } from '../../protocol/experiment';
import { costQuestion, estimateCost, shouldConfirm, type CostEstimate, type ProbeSample } from '../runs/costEstimate';
import { PROBE_ITERATIONS } from '../runs/costProbe';
import type { CommandContext } from './context';

/**
 * True when the runs of `specs` (each `runsPerSpec` times: the seeds of a comparison) may start: the
 * caller passed `confirm: false`, the threshold is 0, the estimate is under it, or the user answered Start. False when the user cancelled the probe or
 * the question, or chose not to start after a probe failed.
 */
export async function confirmCost(ctx: CommandContext, specs: readonly ExperimentSpec[], confirm: boolean, runsPerSpec = 1): Promise<boolean> {
  const threshold = ctx.config().runs.confirmAboveSeconds;
  if (!confirm || !(threshold > 0) || specs.length === 0) return true;
  const samples: ProbeSample[] = [];
  let failure: string | undefined;
  const completed = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Estimating the time of ${specs.map((s) => s.method).join(', ')}`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        // One method at a time, as the runs will go: each probe is timed alone.
        for (const spec of specs) {
          progress.report({ message: `${spec.method}: a ${PROBE_ITERATIONS}-iteration probe` });
          const outcome = await ctx.controller.probe(spec, PROBE_ITERATIONS, abort.signal);
          if (abort.signal.aborted) return false;
          if (!outcome.ok) {
            failure = `${spec.method}: ${outcome.message}`;
            return true;
          }
          samples.push(outcome.sample);
        }
        return true;
      } finally {
        sub.dispose();
      }
    },
  );
  if (!completed) return false;
  if (failure !== undefined) {
    ctx.output.appendLine(`[probe] ${failure}`);
    const start = 'Start Anyway';
    const answer = await vscode.window.showWarningMessage('The time probe failed before its first iteration, so the runs will likely fail too.', { modal: true, detail: failure }, start);
    return answer === start;
  }
  // One probe stands for `runsPerSpec` runs of its method (a comparison over seeds probes one seed).
  const probed = estimateCost(samples, PROBE_ITERATIONS);
  const estimate = { ...probed, methods: probed.methods.map((m) => ({ ...m, totalMs: m.totalMs * runsPerSpec })), totalMs: probed.totalMs * runsPerSpec };
  ctx.output.appendLine(`[probe] ${costQuestion(estimate)}`);
  if (!shouldConfirm(estimate, threshold)) return true;
  const start = 'Start';
  const answer = await vscode.window.showInformationMessage(
    costQuestion(estimate),
    { modal: true, detail: `Each method runs alone, one after another (bilevel.runs.comparisonConcurrency)${runsPerSpec > 1 ? `, once per seed (${runsPerSpec} seeds)` : ''}.${budgetNote(estimate)} You are asked when the estimate exceeds ${threshold} s (bilevel.runs.confirmAboveSeconds).` },
    start,
  );
  return answer === start;
}

/** A sentence on how an oracle-call budget shortens the estimate, when some method has one (else empty). */
function budgetNote(estimate: CostEstimate): string {
  if (!estimate.methods.some((m) => m.maxOracleCalls !== undefined)) return '';
  return ' A run with an oracle-call budget (maxOracleCalls) stops at the first iteration that spends it: its estimate counts the iterations to the budget at the calls per iteration its probe measured, when that is fewer than its iterations.';
}
