// `bilevel run`: one method on one problem, stored, with progress and a final summary.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { METHODS, RUN_OPTIONS } from '../../core';
import { SWEEPS_DIR } from '../../store/sweepStore';
import { stringifyRecord } from '../../store/recordJson';
import { checkRunMemory } from '../checkRunMemory';
import { backendJson } from '../backendJson';
import type { CliIo } from '../cliIo';
import { stoppedExitCode, stopReasonOf } from '../cliIo';
import { executeRun, resolveFor } from '../executeRun';
import type { RunResult } from '../executeRun';
import { formatBytes, formatNumber } from '../formatTable';
import { formatEvalLines } from '../evalSummary';
import { formatStatSummaries, statSummariesToJson } from '../statsSummary';
import type { ParsedArgs } from '../parseArgs';
import { prepareProblem, startProblem } from '../prepareProblem';
import { resolveStoreDir } from '../resolveStoreDir';
import { prepareSpec } from '../specFile';
import { unusedPresetOptions } from '../resolvePreset';
import { UsageError } from '../usageError';
import { processChannel, serveRuns } from '../serveRuns';
import type { BackendInfo } from '../../runtime/backend';

/** Runs `bilevel run`; returns the exit code. With `--serve`, this process is a sweep's worker (serveRuns.ts). */
export async function runCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  if (args.flags.has('serve') && args.flags.get('serve') !== 'false') return serveRuns(args, io, processChannel());
  const json = args.flags.has('json') && args.flags.get('json') !== 'false';
  const { code, report, text } = await runOnce(args, io);
  io.stdout.write(json ? stringifyRecord(report) + '\n' : text + '\n');
  // The summary went nowhere: say on stderr how the run ended and where it is.
  if (io.stopCause?.() === 'EPIPE') io.stderr.write(`bilevel: ${report.method} on ${report.problem}: ${report.status}${report.runId !== undefined ? ` (run ${report.runId})` : ''}\n`);
  return code;
}

/** What `bilevel run --json` prints: the run's problem, method, options, backend, status and final state. */
export interface RunReport {
  readonly command: 'run';
  readonly problem: string;
  readonly method: string;
  readonly status: string;
  readonly message?: string;
  readonly runId?: string;
  readonly [field: string]: unknown;
}

/**
 * One `bilevel run` without printing its result: the exit code, the `--json` object and the text
 * summary. `started`: the backend this process already selected (a sweep's worker), else `--backend` is started.
 */
export async function runOnce(args: ParsedArgs, io: CliIo, started?: BackendInfo): Promise<{ code: number; report: RunReport; text: string }> {
  const fromSpec = args.flags.has('spec') ? prepareSpec(args) : undefined;
  const first = fromSpec?.prepared ?? prepareProblem('run', args);
  // A built-in's options and memory are checked before the backend starts or a run folder appears.
  if (first.definition) checkRunMemory(first.definition, first.methods[0]!, resolveFor(first, first.methods[0]!));
  const json = args.flags.has('json') && args.flags.get('json') !== 'false';
  const store = resolveStoreDir(fromSpec?.line ? withSweepStore(args.flags, args.flags.get('spec')!) : args.flags);
  // A run id is used once: a sweep's line whose run exists is said before the backend starts.
  if (fromSpec?.line && store !== undefined && existsSync(path.join(store, fromSpec.line.runId))) {
    const { runId, sweep } = fromSpec.line;
    throw new UsageError(`run ${runId} (index ${sweep.index} of sweep ${sweep.id}) already exists in ${store}; a run id is used once (bilevel sweep --resume ${sweep.id} reruns it under a new id)`);
  }
  const { backend, problem, prepared } = await startProblem(first, args, store, started);
  const method = prepared.methods[0]!;
  const options = resolveFor(prepared, method);
  checkRunMemory(prepared.definition!, method, options);
  // A spec's options are complete as written: a preset named in it is only recorded.
  const unused = fromSpec ? [] : unusedPresetOptions(prepared.preset, [method]);
  if (unused.length > 0) io.stderr.write(`bilevel: note: ${method.id} takes no ${unused.join(', ')} of preset '${prepared.preset!.id}'; left out\n`);
  const name = args.flags.get('name') ?? fromSpec?.spec.name;
  const result = await executeRun(prepared, method, options, {
    backend,
    storeDir: store,
    ...(name !== undefined ? { name } : {}),
    // A sweep's line runs under its own id, tagged with its sweep (a taken id is an error: ids are used once).
    ...(fromSpec?.line ? { runId: fromSpec.line.runId, sweep: fromSpec.line.sweep } : {}),
    progress: json ? undefined : io.stdout,
    shouldStop: io.interrupted,
    stopReason: () => stopReasonOf(io),
  });
  // Non-finite numbers as run.json keeps them ("Infinity", "NaN"), not JSON.stringify's null (stringifyRecord).
  const report: RunReport = {
    command: 'run',
    problem: problem.id,
    problemParams: problem.params,
    ...(prepared.preset ? { preset: prepared.preset.id } : {}),
    method: method.id,
    options: result.options,
    ...backendJson(backend),
    status: result.status,
    ...(result.message !== undefined ? { message: result.message } : {}),
    ...(result.runId !== undefined ? { runId: result.runId } : {}),
    final: result.final,
    statistics: statSummariesToJson(result.stats),
    warnings: result.warnings,
  };
  const code = result.status === 'cancelled' ? stoppedExitCode(io) : result.status === 'completed' ? 0 : 1;
  return { code, report, text: json ? '' : formatRunSummary(problem.id, result, backend.detail, prepared.preset?.id) };
}

/**
 * The flags with `--store` defaulting to the runs folder a sweep's runs.jsonl sits in
 * (`<runs folder>/.sweeps/<sweep id>/runs.jsonl`), so a sweep's runs land beside its record; a
 * runs.jsonl elsewhere, or an explicit --store or --no-store, leaves the flags as they are.
 */
export function withSweepStore(flags: ReadonlyMap<string, string>, specFile: string): ReadonlyMap<string, string> {
  if (flags.has('store') || flags.has('no-store')) return flags;
  const sweepDir = path.dirname(path.resolve(specFile));
  if (path.basename(path.dirname(sweepDir)) !== SWEEPS_DIR) return flags;
  return new Map([...flags, ['store', path.dirname(path.dirname(sweepDir))]]);
}

/** The text summary printed after a run (with the preset it came from, if any). */
export function formatRunSummary(problem: string, r: RunResult, backendDetail: string, preset?: string): string {
  const f = r.final;
  const specs = [...RUN_OPTIONS, ...METHODS.flatMap((m) => m.options)];
  const flagOf = (key: string): string => specs.find((s) => s.key === key)?.flag ?? key;
  const lines = [
    `${r.method} on ${problem}${preset !== undefined ? ` (preset ${preset})` : ''}: ${r.status}${r.message ? ` — ${r.message}` : ''}`,
    `  options          ${Object.entries(r.options)
      .map(([k, v]) => `--${flagOf(k)} ${String(v)}`)
      .join(' ')}`,
    `  backend          ${backendDetail}`,
    `  final F          ${formatNumber(f.upperLoss)}`,
    `  ‖x − x*‖         ${formatNumber(f.upperDistance)}`,
    `  ‖g‖              ${formatNumber(f.hypergradNorm)}`,
    `  iterations       ${f.iterations}`,
    `  to tolerance     ${f.iterationsToTolerance ?? 'not reached'}`,
    ...(f.evals ? [`  evaluation       ${f.evalIteration !== undefined ? `at iteration ${f.evalIteration}` : 'last'}`, ...formatEvalLines(f.evals, formatNumber).map((l) => `    ${l}`)] : []),
    `  ms/iteration     ${formatNumber(f.msPerIteration)}`,
    `  peak tensors     ${f.peakTensors}`,
    `  peak memory      ${formatBytes(f.peakBytes)}`,
    `  warnings         ${r.warnings.length === 0 ? 'none' : r.warnings.join('; ')}`,
    r.runId !== undefined ? `  run              ${r.runId}\n  folder           ${r.runDir}` : '  run              not stored (--no-store)',
    ...(r.stats.length > 0 ? ['  statistics', ...formatStatSummaries(r.stats, formatNumber).map((l) => `    ${l}`)] : []),
  ];
  return lines.join('\n');
}
