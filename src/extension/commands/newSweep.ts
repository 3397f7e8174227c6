// `Bilevel: New Sweep…` (palette, code lens): one problem over methods × seeds × a grid, recorded as a
// sweep in the workspace's runs folder (`.sweeps/<id>/sweep.json` + runs.jsonl, the format of
// `bilevel sweep`, docs/sweeps.md) and run by this window's RunManager, each run under the id and
// sweep tag its runs.jsonl line gives (as `bilevel run --spec runs.jsonl --index i`).
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { messageOf } from '../../common/messageOf';
import type { SweepRecord } from '../../protocol/sweep';
import { problemLabel } from '../../store/problemPaths';
import { makeRunId } from '../../store/runId';
import { makeSweepId, SweepStore } from '../../store/sweepStore';
import { formatRunsJsonl, makeSweepRecord, sweepRunLine } from '../../sweep/sweepRecord';
import type { OptionValue } from '../config';
import type { CommandContext } from './context';
import { storeDirForProblem } from './context';
import { EXTENSION_SWEEP_CATALOG, isKnownMethod } from './methodCatalog';
import { methodFor, pickMethods, resolveProblem, saveIfDirty, type ResolvedProblem } from './pickers';
import { planSweep, readSeeds, type SweepPlan } from './sweepPlan';
import { openSweepPanel } from './sweepCommands';

/** What New Sweep returns (tests wait on the runs). */
export interface StartedSweep {
  readonly sweepId: string;
  /** The runs' ids, in sweep index order. */
  readonly handles: string[];
}

/** Answers given beforehand (a test, another extension): with `methods` and `seeds` nothing is asked. */
interface SweepArgs {
  readonly methods?: readonly string[];
  /** `0-4`, `1,3,5`, or the seeds as numbers. */
  readonly seeds?: string | readonly number[];
  /** `K=10,20 inner-lr=0.1,0.3`; absent or empty: no grid. */
  readonly grid?: string;
  readonly name?: string;
}

/**
 * The sweep plan of a New Sweep or a SLURM submission: from `extra`'s methods and seeds (and grid,
 * name) when given, else asked (askSweep); an invalid plan is shown as an error titled `title`.
 * Undefined when dismissed or invalid.
 */
export async function planFromArgs(ctx: CommandContext, problem: ResolvedProblem, extra: unknown, title: string): Promise<SweepPlan | undefined> {
  const config = ctx.config();
  const args: SweepArgs = typeof extra === 'object' && extra !== null ? (extra as SweepArgs) : {};
  const given = Array.isArray(args.methods) ? args.methods.filter((m): m is string => typeof m === 'string' && isKnownMethod(m)) : [];
  const options: Record<string, OptionValue> = { ...config.runs.defaultOptions };
  let plan: SweepPlan | { error: string } | undefined;
  if (given.length > 0 && args.seeds !== undefined) {
    const seedsText = typeof args.seeds === 'string' ? args.seeds : args.seeds.join(',');
    plan = planSweep({ problem: problem.source, methods: given, seedsText, gridText: args.grid ?? '', options, ...(args.name !== undefined ? { name: args.name } : {}) }, EXTENSION_SWEEP_CATALOG);
  } else plan = await askSweep(problem.source, given.length > 0 ? given : undefined, methodFor(problem, undefined, config), options);
  if (!plan) return undefined;
  if ('error' in plan) {
    void vscode.window.showErrorMessage(`${title}: ${plan.error}`);
    return undefined;
  }
  return plan;
}

/** Prefilled in the seeds box: five seeds, what a first look at the spread of a method needs. */
export const DEFAULT_SWEEP_SEEDS = '0-4';

/**
 * `bilevel.newSweep(uri?, exportName?, { methods?, seeds?, grid?, name? }?)`: asks the problem (a code
 * lens gives its file's), the methods, the seeds and the grid, each checked as typed; then creates the
 * sweep and starts its runs, one comparison group, and opens its panel.
 */
export const newSweep =
  (ctx: CommandContext) =>
  async (arg0?: unknown, arg1?: unknown, extra?: unknown): Promise<StartedSweep | undefined> => {
    const problem = await resolveProblem(arg0, arg1, 'Problem to sweep');
    if (!problem) return undefined;
    const plan = await planFromArgs(ctx, problem, extra, 'New Sweep');
    if (!plan) return undefined;
    await saveIfDirty(problem.source);
    return startSweep(ctx, plan);
  };

/** The prompts of New Sweep, in order: methods, seeds, grid (Submit Sweep to SLURM… asks the same). Undefined when one is dismissed. */
export async function askSweep(
  problem: SweepPlan['spec']['problem'],
  methods: readonly string[] | undefined,
  preselected: string,
  options: Readonly<Record<string, OptionValue>>,
): Promise<SweepPlan | { error: string } | undefined> {
  let chosen = methods;
  if (!chosen) {
    const picked = await pickMethods([preselected], 'New Sweep: methods to run (select one or more)', { withCheck: false });
    if (!picked || picked.methods.length === 0) return undefined;
    chosen = picked.methods;
  }
  const seedsText = await vscode.window.showInputBox({
    title: 'New Sweep: seeds',
    prompt: 'Seeds: whole numbers ≥ 0 and ranges, comma-separated. Each method runs once per seed at every grid point.',
    placeHolder: 'e.g. 0-4 or 1,3,5',
    value: DEFAULT_SWEEP_SEEDS,
    ignoreFocusOut: true,
    validateInput: (value) => {
      const read = readSeeds(value);
      return 'error' in read ? read.error : undefined;
    },
  });
  if (seedsText === undefined) return undefined;
  const methodList = chosen;
  const flags = [...new Set(EXTENSION_SWEEP_CATALOG.runOptions.map((d) => d.flag).filter((f) => f !== 'seed'))];
  const gridText = await vscode.window.showInputBox({
    title: 'New Sweep: grid',
    prompt: `Options to sweep, FLAG=v1,v2,… separated by spaces (an option a method does not take is dropped for it); empty for none. Flags: ${flags.join(', ')} and each method's own (bilevel methods).`,
    placeHolder: 'e.g. K=10,20 inner-lr=0.1,0.3 (empty: no grid)',
    value: '',
    ignoreFocusOut: true,
    // The whole sweep is expanded as typed: an error names the flag and value, else the run count shows.
    validateInput: (value) => {
      const plan = planSweep({ problem, methods: methodList, seedsText, gridText: value, options }, EXTENSION_SWEEP_CATALOG);
      return 'error' in plan ? plan.error : { message: plan.summary, severity: vscode.InputBoxValidationSeverity.Info };
    },
  });
  if (gridText === undefined) return undefined;
  return planSweep({ problem, methods: methodList, seedsText, gridText, options }, EXTENSION_SWEEP_CATALOG);
}

/**
 * Creates the sweep's record in the problem's runs folder (run ids fixed now, one per run; this
 * process as its execution) and queues every run under its id and sweep tag, in one comparison group
 * (bilevel.runs.comparisonConcurrency at a time, so each run's time is its own). Opens its panel.
 */
export function startSweep(ctx: CommandContext, plan: SweepPlan, now: Date = new Date()): StartedSweep | undefined {
  const problem = plan.spec.problem;
  const storeDir = storeDirForProblem(ctx, problem);
  if (!storeDir) {
    void vscode.window.showErrorMessage('Open a folder first: Bilevel Lab keeps sweeps and their runs in the workspace folder (.bilevel/runs).');
    return undefined;
  }
  const label = problemLabel(problem);
  const runIds = freshRunIds(
    plan.runs.map((r) => r.method),
    label,
    now,
    (id) => existsSync(path.join(storeDir, id)),
  );
  const made = makeSweepRecord({ id: makeSweepId(label, now), createdAt: now.toISOString(), spec: plan.spec, runs: plan.runs, runIds });
  const record: SweepRecord = {
    ...made,
    executions: [{ kind: 'local', startedAt: now.toISOString(), indices: plan.runs.map((r) => r.index), pid: process.pid, hostname: os.hostname() }],
  };
  try {
    new SweepStore(storeDir).create(record, formatRunsJsonl(record));
  } catch (err) {
    void vscode.window.showErrorMessage(`Cannot create the sweep in ${storeDir}: ${messageOf(err)}`);
    return undefined;
  }
  if (problem.kind === 'file') ctx.diagnostics.clear(problem.path);
  const group = `sweep-${record.id}`;
  const runs = record.runs.map((_, i) => {
    const { runId, sweep, ...spec } = sweepRunLine(record, i);
    return ctx.controller.start(spec, storeDir, { group, runId, sweep });
  });
  ctx.history.reload();
  const handles = runs.map((r) => r.runId);
  openSweepPanel(ctx, record.id, { ids: handles, title: `Sweep ${plan.spec.methods.join(', ')} · ${label}` });
  return { sweepId: record.id, handles };
}

/** One new run id per method, distinct among themselves and from every folder `exists` reports. */
export function freshRunIds(methods: readonly string[], problem: string, now: Date, exists: (id: string) => boolean): string[] {
  const taken = new Set<string>();
  return methods.map((method) => {
    for (;;) {
      const id = makeRunId(method, problem, now);
      if (!taken.has(id) && !exists(id)) {
        taken.add(id);
        return id;
      }
    }
  });
}
