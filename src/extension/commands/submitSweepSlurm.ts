// `Bilevel: Submit Sweep to SLURM…` (palette, shown when `sbatch` is on PATH): New Sweep's questions
// (problem, methods, seeds, grid) plus the array's concurrency cap and extra sbatch arguments, then
// the CLI submits it: `node dist/cli.js sweep --spec <spec> --executor slurm --max-concurrent K
// --sbatch-arg=… --store <store>` (issue 15, docs/sweeps.md). The sweep and its runs appear in the
// history from the store as the array's tasks write them (watched, RunStoreWatcher).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { messageOf } from '../../common/messageOf';
import { SweepStore } from '../../store/sweepStore';
import type { CommandContext } from './context';
import { storeDirForProblem } from './context';
import { planFromArgs } from './newSweep';
import { resolveProblem, saveIfDirty } from './pickers';
import { cliCwd, cliPath, lastLine, runCli } from './runCli';
import { readMaxConcurrent, slurmSubmitArgv, splitArgs, submissionOf } from './slurmArgs';
import type { SweepPlan } from './sweepPlan';

/** What the command returns (tests): the sweep and the SLURM job, when the CLI reported them. */
export interface SubmittedSweep {
  readonly store: string;
  readonly sweepId?: string;
  readonly jobId?: string;
}

/** Answers given beforehand: with `methods` and `seeds` the sweep questions are not asked; with `maxConcurrent` and `sbatchArgs` neither are those. */
interface SubmitArgs {
  readonly methods?: readonly string[];
  readonly seeds?: string | readonly number[];
  readonly grid?: string;
  readonly name?: string;
  readonly maxConcurrent?: number;
  /** Extra sbatch arguments: one word each, or a line as typed in the prompt. */
  readonly sbatchArgs?: readonly string[] | string;
  /** The runs folder to submit into; absent: asked when extra stores are set, else the workspace's. */
  readonly store?: string;
}

/** The answers remembered for the next submission (workspace state). */
const LAST_ANSWERS_KEY = 'bilevel.submitSweepSlurm.last';
const DEFAULT_MAX_CONCURRENT = '4';

/** `bilevel.submitSweepSlurm(uri?, exportName?, args?)`: asks, submits through the CLI, reports the job id; undefined when dismissed or failed. */
export const submitSweepSlurm =
  (ctx: CommandContext) =>
  async (arg0?: unknown, arg1?: unknown, extra?: unknown): Promise<SubmittedSweep | undefined> => {
    const problem = await resolveProblem(arg0, arg1, 'Problem to sweep on SLURM');
    if (!problem) return undefined;
    const plan = await planFromArgs(ctx, problem, extra, 'Submit Sweep to SLURM');
    if (!plan) return undefined;
    const args: SubmitArgs = typeof extra === 'object' && extra !== null ? (extra as SubmitArgs) : {};
    const last = ctx.extension.workspaceState.get<{ maxConcurrent?: string; sbatchArgs?: string }>(LAST_ANSWERS_KEY) ?? {};
    const maxConcurrent = args.maxConcurrent ?? (await askMaxConcurrent(plan, last.maxConcurrent ?? DEFAULT_MAX_CONCURRENT));
    if (maxConcurrent === undefined) return undefined;
    const sbatchArgs = args.sbatchArgs !== undefined ? givenSbatchArgs(args.sbatchArgs) : await askSbatchArgs(last.sbatchArgs ?? '');
    if (sbatchArgs === undefined) return undefined;
    if ('error' in sbatchArgs) {
      void vscode.window.showErrorMessage(`Submit Sweep to SLURM: extra sbatch arguments: ${sbatchArgs.error}`);
      return undefined;
    }
    const store = args.store ?? (await pickStore(ctx, plan));
    if (store === undefined) return undefined;
    await ctx.extension.workspaceState.update(LAST_ANSWERS_KEY, { maxConcurrent: String(maxConcurrent), sbatchArgs: sbatchArgs.text });
    await saveIfDirty(plan.spec.problem);
    return submit(ctx, plan, store, maxConcurrent, sbatchArgs.args);
  };

/** Writes the spec, runs the CLI's SLURM submission, and says what came of it. */
async function submit(ctx: CommandContext, plan: SweepPlan, store: string, maxConcurrent: number, sbatchArgs: readonly string[]): Promise<SubmittedSweep | undefined> {
  const specDir = mkdtempSync(path.join(os.tmpdir(), 'bilevel-slurm-'));
  const specFile = path.join(specDir, 'sweep.json');
  try {
    writeFileSync(specFile, JSON.stringify(plan.spec, null, 2) + '\n');
    const backend = ctx.config().backend;
    const argv = slurmSubmitArgv({ cli: cliPath(ctx), specFile, store, maxConcurrent, sbatchArgs, ...(backend !== 'auto' ? { backend } : {}) });
    const before = new Set(sweepIds(store));
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Submitting ${plan.runs.length} runs to SLURM…` },
      () => runCli(ctx, argv, cliCwd(path.dirname(store))),
    );
    if (result.code !== 0) {
      const why = lastLine(result.stderr) || lastLine(result.stdout) || `exit ${result.code ?? 'killed'}`;
      void vscode.window.showErrorMessage(`Submit Sweep to SLURM failed: ${why}`, 'Show Output').then((a) => {
        if (a) ctx.output.show(true);
      });
      return undefined;
    }
    // What the CLI printed, else the one sweep.json that was not there before (its record holds the job id).
    const printed = submissionOf(result.stdout);
    const sweepId = printed.sweepId ?? sweepIds(store).find((id) => !before.has(id));
    const jobId = printed.jobId ?? (sweepId !== undefined ? recordedJobId(store, sweepId) : undefined);
    ctx.history.reload();
    void vscode.window.showInformationMessage(
      `Sweep of ${plan.runs.length} runs submitted to SLURM${jobId !== undefined ? ` as job ${jobId}` : ''}${sweepId !== undefined ? ` (sweep ${sweepId})` : ''}; its runs appear in the history as they run.`,
    );
    return { store, ...(sweepId !== undefined ? { sweepId } : {}), ...(jobId !== undefined ? { jobId } : {}) };
  } catch (err) {
    void vscode.window.showErrorMessage(`Submit Sweep to SLURM: ${messageOf(err)}`);
    return undefined;
  } finally {
    rmSync(specDir, { recursive: true, force: true });
  }
}

function sweepIds(store: string): string[] {
  try {
    return new SweepStore(store).list().sweeps.map((s) => s.record.id);
  } catch {
    return [];
  }
}

function recordedJobId(store: string, sweepId: string): string | undefined {
  try {
    const executions = new SweepStore(store).read(sweepId).executions ?? [];
    const last = executions[executions.length - 1];
    return last?.kind === 'slurm' ? last.jobId : undefined;
  } catch {
    return undefined;
  }
}

async function askMaxConcurrent(plan: SweepPlan, value: string): Promise<number | undefined> {
  const text = await vscode.window.showInputBox({
    title: 'Submit Sweep to SLURM: array tasks at once',
    prompt: `How many of the ${plan.runs.length} runs may run at once (the %K of sbatch --array=0-${plan.runs.length - 1}%K).`,
    value,
    ignoreFocusOut: true,
    validateInput: (v) => {
      const read = readMaxConcurrent(v);
      return 'error' in read ? read.error : undefined;
    },
  });
  if (text === undefined) return undefined;
  const read = readMaxConcurrent(text);
  return 'error' in read ? undefined : read.value;
}

async function askSbatchArgs(value: string): Promise<{ args: string[]; text: string } | { error: string } | undefined> {
  const text = await vscode.window.showInputBox({
    title: 'Submit Sweep to SLURM: extra sbatch arguments',
    prompt: 'Passed to sbatch as typed, e.g. partition, time, memory, GPUs; quote a value with spaces. Empty for none.',
    placeHolder: 'e.g. --partition=gpu --time=01:00:00 --mem=4G --gres=gpu:1',
    value,
    ignoreFocusOut: true,
    validateInput: (v) => {
      const read = splitArgs(v);
      return 'error' in read ? read.error : undefined;
    },
  });
  if (text === undefined) return undefined;
  const read = splitArgs(text);
  return 'error' in read ? read : { args: read.args, text };
}

function givenSbatchArgs(given: readonly string[] | string): { args: string[]; text: string } | { error: string } {
  if (typeof given !== 'string') return { args: [...given], text: given.join(' ') };
  const read = splitArgs(given);
  return 'error' in read ? read : { args: read.args, text: given };
}

/** The runs folder to submit into: an extra store (shared by the nodes) or the workspace's; asked when there is a choice. */
async function pickStore(ctx: CommandContext, plan: SweepPlan): Promise<string | undefined> {
  const own = storeDirForProblem(ctx, plan.spec.problem);
  const extra = ctx.stores
    .dirs()
    .filter((d) => d.extra)
    .map((d) => d.storeDir);
  const choices = [...extra, ...(own !== undefined ? [own] : [])];
  if (choices.length === 0) {
    void vscode.window.showErrorMessage('Open a folder first, or set bilevel.history.extraStores: the sweep needs a runs folder every node of the cluster sees.');
    return undefined;
  }
  if (choices.length === 1) return choices[0];
  const picked = await vscode.window.showQuickPick(
    choices.map((dir) => ({ label: dir, description: extra.includes(dir) ? 'bilevel.history.extraStores' : "the workspace's runs folder" })),
    { title: 'Submit Sweep to SLURM: runs folder', placeHolder: 'Where the array tasks write their runs (a folder every node sees)', ignoreFocusOut: true },
  );
  return picked?.label;
}
