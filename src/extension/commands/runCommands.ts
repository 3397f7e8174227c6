// Commands that start or stop work: ▶ Run, ⇄ Compare…, ✓ Check hypergradient, Re-run, Cancel.
// Each takes optional arguments (code lenses and tests pass them) and asks for what is missing.
// The ones that start workers pass the Workspace Trust gate in the command table (index.ts).
import * as vscode from 'vscode';
import type { ExperimentSpec } from '../../protocol/experiment';
import type { CheckResultMessage } from '../../protocol/worker';
import { checkReportLines, checkVerdict, checkHeadline, toCheckView } from '../views/checkReport';
import type { OptionValue } from '../config';
import { isKnownMethod } from './methodCatalog';
import { formatOptionsText, optionKeysFor, parseOptionsText, validateOptionsText } from './parseOptionsText';
import { methodFor, pickMethod, pickMethods, resolveProblem, saveIfDirty } from './pickers';
import { problemLabel, specFromConfig } from '../../store/problemPaths';
import { existsSync } from 'node:fs';
import type { CommandContext } from './context';
import { messageOf } from '../../common/messageOf';
import { findStoredRun, idOf, pickRunId, startRuns, storeDirForProblem } from './context';

/** What runProblem and compareMethods return (tests wait on the handles). */
export interface StartedRuns {
  readonly handles: string[];
}

/** `bilevel.runProblem(uri?, exportName?, method?, options?)`: one run with live charts. */
export const runProblem =
  (ctx: CommandContext) =>
  async (arg0?: unknown, arg1?: unknown, method?: unknown, options?: unknown): Promise<StartedRuns | undefined> => {
    const problem = await resolveProblem(arg0, arg1, 'Problem to run');
    if (!problem) return undefined;
    await saveIfDirty(problem.source);
    const config = ctx.config();
    const spec: ExperimentSpec = {
      problem: problem.source,
      method: methodFor(problem, method, config),
      options: { ...config.runs.defaultOptions, ...optionRecord(options) },
    };
    const runs = startRuns(ctx, [spec]);
    return runs ? { handles: runs.map((r) => r.runId) } : undefined;
  };

/** Extra arguments of compareMethods: options for every method, and whether to check hypergradients. */
interface CompareArgs {
  readonly options?: Record<string, OptionValue>;
  readonly check?: boolean;
}

/**
 * `bilevel.compareMethods(uri?, exportName?, methods?, { options?, check? }?)`: runs the methods on the
 * same seed and overlays them in one panel with a summary table.
 */
export const compareMethods =
  (ctx: CommandContext) =>
  async (arg0?: unknown, arg1?: unknown, methodsArg?: unknown, extra?: unknown): Promise<StartedRuns | undefined> => {
    const problem = await resolveProblem(arg0, arg1, 'Problem to compare methods on');
    if (!problem) return undefined;
    const config = ctx.config();
    const given = Array.isArray(methodsArg) ? methodsArg.filter((m): m is string => typeof m === 'string' && isKnownMethod(m)) : undefined;
    const args: CompareArgs = typeof extra === 'object' && extra !== null ? (extra as CompareArgs) : {};
    let methods = given;
    let check = args.check === true;
    let options: Record<string, OptionValue> = { ...config.runs.defaultOptions, ...optionRecord(args.options) };
    if (!methods || methods.length === 0) {
      const picked = await pickMethods([methodFor(problem, undefined, config)], 'Methods to compare on the same seed (select several)');
      if (!picked || picked.methods.length === 0) return undefined;
      methods = picked.methods;
      check = picked.check;
      const edited = await askOptions(options, methods);
      if (!edited) return undefined;
      options = edited;
    }
    await saveIfDirty(problem.source);
    // One seed for every method, so they start from the same point and see the same data.
    const seed = typeof options.seed === 'number' ? options.seed : 0;
    const specs: ExperimentSpec[] = methods.map((method) => ({ problem: problem.source, method, options: { ...options, seed } }));
    const runs = startRuns(ctx, specs);
    if (!runs) return undefined;
    if (check) void checkAll(ctx, specs, runs.map((r) => r.runId));
    return { handles: runs.map((r) => r.runId) };
  };

/** The last step of Compare Methods from the palette: options for every method (Enter keeps them). */
async function askOptions(initial: Record<string, OptionValue>, methods: readonly string[]): Promise<Record<string, OptionValue> | undefined> {
  // An input box cannot complete keys: the prompt lists them, and validation suggests the nearest.
  const input = await vscode.window.showInputBox({
    title: 'Compare Methods: options',
    prompt: `Options for every method, key=value and comma-separated; empty for the problem\u2019s defaults. Keys: ${optionKeysFor(methods).join(', ')}`,
    placeHolder: 'e.g. iterations=300, lowerSteps=30, seed=1',
    value: formatOptionsText(initial),
    // The last step of a multi-step flow: losing focus must not throw away the methods just picked.
    ignoreFocusOut: true,
    // Nothing starts until every key and value would be taken by every picked method.
    validateInput: (value) => validateOptionsText(value, methods),
  });
  return input === undefined ? undefined : parseOptionsText(input);
}

/** Checks each method's hypergradient one after another and adds the result to its run. */
async function checkAll(ctx: CommandContext, specs: readonly ExperimentSpec[], handles: readonly string[]): Promise<void> {
  const storeDir = storeDirForProblem(ctx, specs[0]!.problem);
  if (!storeDir) return;
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i]!;
    try {
      const result = await ctx.controller.check(spec, storeDir);
      ctx.controller.setCheck(handles[i]!, toCheckView(result));
      for (const line of checkReportLines(result, problemLabel(spec.problem))) ctx.output.appendLine(line);
    } catch (err) {
      ctx.output.appendLine(`[check] ${spec.method} on ${problemLabel(spec.problem)}: ${messageOf(err)}`);
    }
  }
}

/** `bilevel.checkHypergradient(uri?, exportName?, method?)`: the method's hypergradient against finite differences. */
export const checkHypergradient =
  (ctx: CommandContext) =>
  async (arg0?: unknown, arg1?: unknown, method?: unknown): Promise<CheckResultMessage | undefined> => {
    const problem = await resolveProblem(arg0, arg1, 'Problem whose hypergradient to check');
    if (!problem) return undefined;
    const config = ctx.config();
    const fallback = methodFor(problem, method, config);
    // From the palette the method is asked for; a code lens checks the default method.
    const chosen = typeof method === 'string' || arg0 !== undefined ? fallback : await pickMethod(fallback, 'Method whose hypergradient to check');
    if (!chosen) return undefined;
    const storeDir = storeDirForProblem(ctx, problem.source);
    if (!storeDir) {
      void vscode.window.showErrorMessage('Open a folder first: Bilevel Lab needs a workspace folder.');
      return undefined;
    }
    await saveIfDirty(problem.source);
    const spec: ExperimentSpec = { problem: problem.source, method: chosen, options: { ...config.runs.defaultOptions } };
    const label = problemLabel(problem.source);
    if (problem.source.kind === 'file') ctx.diagnostics.clear(problem.source.path);
    let result: CheckResultMessage;
    try {
      result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Checking the ${chosen} hypergradient of ${label} against finite differences…` },
        () => ctx.controller.check(spec, storeDir),
      );
    } catch (err) {
      ctx.output.appendLine(`[check] ${chosen} on ${label}: ${messageOf(err)}`);
      void vscode.window.showErrorMessage(`Hypergradient check of ${chosen} on ${label} failed: ${messageOf(err)}`);
      return undefined;
    }
    const lines = checkReportLines(result, label);
    ctx.output.appendLine(`[check] ${new Date().toISOString()}`);
    for (const line of lines) ctx.output.appendLine(line);
    const details = 'Show Details';
    const headline = checkHeadline(result, label);
    const show = checkVerdict(result) === 'fail' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    void show(headline, details).then((answer) => {
      if (answer === details) ctx.output.show(true);
    });
    return result;
  };

/** `bilevel.rerun(run?)`: the same problem, method, resolved options and seed as a stored run. */
export const rerun =
  (ctx: CommandContext) =>
  async (arg?: unknown): Promise<StartedRuns | undefined> => {
    const id = idOf(arg) ?? (await pickRunId(ctx, 'Run to repeat'));
    if (!id) return undefined;
    const found = findStoredRun(ctx, id);
    if (!found) return undefined;
    const spec = specFromConfig(found.record.config, found.folder);
    if (spec.problem.kind === 'file' && !existsSync(spec.problem.path)) {
      void vscode.window.showErrorMessage(`The problem file of this run is gone: ${spec.problem.path}`);
      return undefined;
    }
    await saveIfDirty(spec.problem);
    const runs = startRuns(ctx, [spec]);
    return runs ? { handles: runs.map((r) => r.runId) } : undefined;
  };

/** `bilevel.cancelRun(run?)`: graceful cancel, then a kill after the timeout (RunManager). */
export const cancelRun =
  (ctx: CommandContext) =>
  async (arg?: unknown): Promise<boolean> => {
    let id = idOf(arg);
    if (!id) {
      const active = ctx.controller.active();
      if (active.length === 1) id = active[0]!.runId;
      else if (active.length === 0) {
        void vscode.window.showInformationMessage('No run of this window is running.');
        return false;
      } else {
        const picked = await vscode.window.showQuickPick(
          active.map((r) => ({ label: r.spec.method, description: `${r.problem} · ${r.status}${r.iterations > 0 ? ` ${r.done}/${r.iterations}` : ''}`, id: r.runId })),
          { placeHolder: 'Run to cancel' },
        );
        id = picked?.id;
      }
    }
    if (!id) return false;
    if (ctx.controller.cancel(id)) return true;
    const stored = ctx.stores.find(id);
    void vscode.window.showInformationMessage(
      stored?.record.status === 'running'
        ? `Run ${id} was started outside this window (process ${stored.record.pid} on ${stored.record.hostname}); stop it there.`
        : `Run ${id} is not running.`,
    );
    return false;
  };

function optionRecord(value: unknown): Record<string, OptionValue> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const out: Record<string, OptionValue> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') out[k] = v;
  }
  return out;
}
