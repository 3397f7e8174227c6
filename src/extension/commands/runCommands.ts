// Commands that start or stop work: ▶ Run, ⇄ Compare…, ✓ Check hypergradient, Re-run, Cancel, Cancel all.
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
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { CommandContext } from './context';
import { messageOf } from '../../common/messageOf';
import { findStoredRun, idOf, idsOf, pickRunId, startRuns, storeDirForProblem } from './context';
import { Commands } from '../ids';
import { keepCheck } from './keepCheck';
import { rerunDecision, type RerunDecision } from './rerunDecision';
import { confirmCost } from './confirmCost';
import { compareSpecs, MAX_COMPARE_SEEDS, seedCountChoices, validateSeedCount } from './compareSeeds';

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

/**
 * Extra arguments of compareMethods: options for every method, whether to check hypergradients,
 * whether to ask about a long estimate (default true), and how many seeds (default: the
 * `bilevel.compare.seeds` setting).
 */
interface CompareArgs {
  readonly options?: Record<string, OptionValue>;
  readonly check?: boolean;
  readonly confirm?: boolean;
  readonly seeds?: number;
}

/**
 * `bilevel.compareMethods(uri?, exportName?, methods?, { options?, check?, confirm?, seeds? }?)`: runs
 * the methods on the same seed, one at a time, and overlays them in one panel with a summary table.
 * With n > 1 seeds every method runs on seeds s … s + n − 1 (s: the seed option, 0 by default), all in
 * one comparison, so the panel draws each method's seeds as one band. A short probe estimates the
 * time first and asks when it is long; `confirm: false` skips both.
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
    let seeds = typeof args.seeds === 'number' && validateSeedCount(String(args.seeds)) === undefined ? args.seeds : config.compare.seeds;
    if (!methods || methods.length === 0) {
      const picked = await pickMethods([methodFor(problem, undefined, config)], 'Methods to compare on the same seed (select several)');
      if (!picked || picked.methods.length === 0) return undefined;
      methods = picked.methods;
      check = picked.check;
      // Before the options box, which stays the last question (Enter there starts the runs).
      const count = await askSeedCount(config.compare.seeds, typeof options.seed === 'number' ? options.seed : 0);
      if (count === undefined) return undefined;
      seeds = count;
      const edited = await askOptions(options, methods);
      if (!edited) return undefined;
      options = edited;
    }
    await saveIfDirty(problem.source);
    // One seed for every method (or the same seeds), so they start from the same points and see the same data.
    const specs: ExperimentSpec[] = compareSpecs(problem.source, methods, options, seeds);
    // The probe times a method, not a seed: one probe per method.
    const probed = specs.filter((spec, i) => specs.findIndex((s) => s.method === spec.method) === i);
    if (!(await confirmCost(ctx, probed, args.confirm !== false, seeds))) return undefined;
    const runs = startRuns(ctx, specs, { group: true });
    if (!runs) return undefined;
    if (check) void checkAll(ctx, specs, runs.map((r) => r.runId));
    return { handles: runs.map((r) => r.runId) };
  };

/**
 * How many seeds per method: a quick pick whose first row is the `bilevel.compare.seeds` setting (a
 * click or Enter takes it), then 1, 3, 5, 10 and "Other number of seeds…" (an input box).
 */
async function askSeedCount(defaultCount: number, baseSeed: number): Promise<number | undefined> {
  const rows = seedCountChoices(defaultCount, baseSeed);
  const picked = await vscode.window.showQuickPick(
    rows.map((r) => ({ label: r.label, description: r.description, count: r.count })),
    { placeHolder: 'Seeds per method: each method runs once per seed; the seeds of a method are drawn as one band', ignoreFocusOut: true },
  );
  if (!picked) return undefined;
  if (picked.count !== undefined) return picked.count;
  const typed = await vscode.window.showInputBox({
    title: 'Compare Methods: seeds',
    prompt: `Seeds per method (1 to ${MAX_COMPARE_SEEDS}): seeds ${baseSeed}, ${baseSeed + 1}, … from the seed option`,
    placeHolder: 'e.g. 5',
    value: String(defaultCount),
    ignoreFocusOut: true,
    validateInput: validateSeedCount,
  });
  return typed === undefined ? undefined : Number(typed.trim());
}

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

/**
 * Checks each method's hypergradient one after another, once the comparison's runs have ended (a
 * check beside a run would make its time per iteration not its own), and keeps each result with its
 * run (check.json) and in the panel. Runs that were cancelled are not checked.
 */
async function checkAll(ctx: CommandContext, specs: readonly ExperimentSpec[], handles: readonly string[]): Promise<void> {
  const storeDir = storeDirForProblem(ctx, specs[0]!.problem);
  if (!storeDir) return;
  const ended = await Promise.all(handles.map((id) => ctx.controller.waitForRun(id).catch(() => undefined)));
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i]!;
    if (ended[i]?.status === 'cancelled') continue;
    try {
      const result = await ctx.controller.check(spec, storeDir);
      const view = toCheckView(result);
      ctx.controller.setCheck(handles[i]!, view);
      for (const line of checkReportLines(result, problemLabel(spec.problem))) ctx.output.appendLine(line);
      await keepCheck(ctx, storeDir, spec, result.exact, view, handles[i]);
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
    // A caller that names the method gets it; the palette and the code lens ask, the default preselected.
    const chosen = typeof method === 'string' && isKnownMethod(method) ? method : await pickMethod(fallback, 'Method whose hypergradient to check');
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
    const view = toCheckView(result);
    ctx.output.appendLine(`[check] ${view.checkedAt}`);
    for (const line of lines) ctx.output.appendLine(line);
    // A check of no run: kept under a fresh id in the store's .checks/, so it survives the toast.
    const record = await keepCheck(ctx, storeDir, spec, result.exact, view);
    const details = 'Show Details';
    const headline = checkHeadline(result, label);
    const show = checkVerdict(result) === 'fail' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    void show(headline, details).then((answer) => {
      if (answer !== details) return;
      if (record) void vscode.commands.executeCommand(Commands.showCheckDetails, record);
      else ctx.output.show(true);
    });
    return result;
  };

/**
 * `bilevel.rerun(run?, { source? }?)`: the same problem, method, resolved options and seed as a stored
 * run. When the problem file changed since the run (or is gone) and the run kept its source, asks
 * whether to run the kept copy or today's file; `source: 'recorded' | 'current'` answers beforehand.
 */
export const rerun =
  (ctx: CommandContext) =>
  async (arg?: unknown, extra?: unknown): Promise<StartedRuns | undefined> => {
    const id = idOf(arg) ?? (await pickRunId(ctx, 'Run to repeat'));
    if (!id) return undefined;
    const found = findStoredRun(ctx, id);
    if (!found) return undefined;
    let spec = specFromConfig(found.record.config, found.folder);
    if (spec.problem.kind === 'file') {
      const file = spec.problem;
      // The worker compiles what is on disk: compare and run the saved text.
      await saveIfDirty(file);
      const keptFile = found.record.source ? path.join(found.store.dirOf(found.record.id), ...found.record.source.file.split('/')) : undefined;
      const preferred = typeof extra === 'object' && extra !== null ? (extra as { source?: unknown }).source : undefined;
      const decision = rerunDecision(
        { record: found.record, keptText: keptFile !== undefined ? readTextOrUndefined(keptFile) : undefined, currentText: readTextOrUndefined(file.path) },
        preferred === 'recorded' || preferred === 'current' ? preferred : undefined,
      );
      let source: 'recorded' | 'current';
      if (decision.action === 'fail') {
        void vscode.window.showErrorMessage(`${decision.message} (${file.path})`);
        return undefined;
      } else if (decision.action === 'ask') {
        const answer = await askRerunSource(decision, path.basename(file.path));
        if (!answer) return undefined;
        source = answer;
      } else source = decision.source;
      if (source === 'recorded') spec = { ...spec, problem: { ...file, path: keptFile! } };
    }
    const runs = startRuns(ctx, [spec]);
    return runs ? { handles: runs.map((r) => r.runId) } : undefined;
  };

/** The modal question of Re-run when the problem file changed or is gone; undefined when cancelled. */
async function askRerunSource(decision: Extract<RerunDecision, { action: 'ask' }>, name: string): Promise<'recorded' | 'current' | undefined> {
  const recorded = 'Re-run with the Recorded Source';
  const current = 'Re-run with the File as It Is Now';
  const imports =
    decision.relativeImports.length > 0
      ? ` The recorded copy is only ${name}: the files it imports (${decision.relativeImports.join(', ')}) are not kept, so the copy resolves them next to itself in the run folder, where they are missing.`
      : '';
  const message = decision.reason === 'gone' ? `The problem file ${name} of this run is gone.` : `The problem file ${name} changed since this run.`;
  const detail = `The recorded source is the copy of ${name} kept in the run folder (source/${name}).${imports}`;
  const buttons = decision.choices.map((c) => (c === 'recorded' ? recorded : current));
  const answer = await vscode.window.showWarningMessage(message, { modal: true, detail }, ...buttons);
  return answer === recorded ? 'recorded' : answer === current ? 'current' : undefined;
}

/** `bilevel.cancelAll(runIds?)`: cancels the given runs (a panel's, a history group's) so that none of their queued runs starts; with none given, every unfinished run of this window after a confirmation. */
export const cancelAll =
  (ctx: CommandContext) =>
  async (arg?: unknown, selected?: unknown): Promise<number> => {
    let ids = cancelTargets(arg, selected);
    if (ids === undefined) {
      const active = ctx.controller.active();
      if (active.length === 0) {
        void vscode.window.showInformationMessage('No run of this window is queued or running.');
        return 0;
      }
      const confirm = 'Cancel Runs';
      const answer = await vscode.window.showWarningMessage(
        `Cancel all ${active.length} unfinished run${active.length === 1 ? '' : 's'} of this window?`,
        { modal: true, detail: 'Queued runs never start; running ones stop after their current iteration, and what they recorded is kept.' },
        confirm,
      );
      if (answer !== confirm) return 0;
      ids = active.map((r) => r.runId);
    }
    return ctx.controller.cancelAll(ids);
  };

/** The run ids a Cancel all argument names: ids, `{ runIds }`, a history group (its runs) or rows; undefined for none. */
function cancelTargets(arg: unknown, selected: unknown): string[] | undefined {
  if (arg === undefined) return undefined;
  if (Array.isArray(arg)) return arg.map(idOf).filter((id): id is string => id !== undefined);
  if (typeof arg === 'object' && arg !== null) {
    const runIds = (arg as { runIds?: unknown }).runIds;
    if (Array.isArray(runIds)) return runIds.filter((id): id is string => typeof id === 'string');
    const runs = (arg as { group?: { runs?: unknown } }).group?.runs;
    if (Array.isArray(runs)) return runs.map((r) => (r as { runId?: unknown; key?: unknown }).runId ?? (r as { key?: unknown }).key).filter((id): id is string => typeof id === 'string');
  }
  return idsOf(arg, selected);
}

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

function readTextOrUndefined(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function optionRecord(value: unknown): Record<string, OptionValue> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const out: Record<string, OptionValue> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') out[k] = v;
  }
  return out;
}
