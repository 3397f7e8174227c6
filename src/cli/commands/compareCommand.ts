// `bilevel compare`: several methods on the same problem and seed, each stored, then one table
// (and, with --report FILE, one self-contained HTML page of charts).
import type { ReportInput } from '../../report/reportData';
import { loadChartJs, writeReport } from '../../report/writeReport';
import { stringifyRecord } from '../../store/recordJson';
import { checkRunMemory } from '../checkRunMemory';
import { backendJson } from '../backendJson';
import type { CliIo } from '../cliIo';
import { stoppedExitCode, stopReasonOf } from '../cliIo';
import { executeRun, resolveFor } from '../executeRun';
import type { RunResult } from '../executeRun';
import { formatBytes, formatNumber, formatTable } from '../formatTable';
import type { ParsedArgs } from '../parseArgs';
import { evalTable } from '../evalSummary';
import { formatStatSummaries, statSummariesToJson } from '../statsSummary';
import { ignoredFlags, prepareProblem, startProblem, storeDir } from '../prepareProblem';
import { resolveStoreDir } from '../resolveStoreDir';
import { unusedPresetOptions } from '../resolvePreset';
import type { PreparedProblem } from '../prepareProblem';
import { UsageError } from '../usageError';

/** Runs `bilevel compare`; returns the exit code. */
export async function compareCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const first = prepareProblem('compare', args);
  // Each method reads the run options plus its own flags; a built-in's are all checked (and what each
  // method would store) before any runs.
  if (first.definition) for (const m of first.methods) checkRunMemory(first.definition, m, resolveFor(first, m));
  const json = args.flags.has('json') && args.flags.get('json') !== 'false';
  const reportFile = args.flags.get('report');
  if (reportFile === '') throw new UsageError('--report needs a file name, e.g. --report compare.html');
  // Chart.js is read before any run starts, so a missing package costs no computation.
  let chartJs: string | undefined;
  if (reportFile !== undefined) {
    try {
      chartJs = loadChartJs();
    } catch (err) {
      io.stderr.write(`bilevel: ${err instanceof Error ? err.message : String(err)}\n`);
      return 1;
    }
  }
  const startedAt = new Date();
  for (const flag of ignoredFlags(args.flags, first.methods)) {
    io.stderr.write(`bilevel: note: --${flag} applies to none of ${first.methods.map((m) => m.id).join(', ')}; ignored\n`);
  }
  const unused = unusedPresetOptions(first.preset, first.methods);
  if (unused.length > 0) {
    io.stderr.write(`bilevel: note: none of ${first.methods.map((m) => m.id).join(', ')} takes ${unused.join(', ')} of preset '${first.preset!.id}'; left out\n`);
  }
  const store = resolveStoreDir(args.flags);
  const { backend, problem, prepared } = await startProblem(first, args, store);
  const resolved = prepared.methods.map((m) => resolveFor(prepared, m));
  for (const [i, m] of prepared.methods.entries()) checkRunMemory(prepared.definition!, m, resolved[i]!);
  const results: RunResult[] = [];
  for (const [i, method] of prepared.methods.entries()) {
    if (io.interrupted()) break;
    results.push(
      await executeRun(prepared, method, resolved[i]!, {
        backend,
        storeDir: store,
        progress: json ? undefined : io.stdout,
        shouldStop: io.interrupted,
        stopReason: () => stopReasonOf(io),
        collectRecords: reportFile !== undefined,
      }),
    );
  }
  if (json) {
    // Non-finite numbers as run.json keeps them ("Infinity", "NaN"), not JSON.stringify's null.
    io.stdout.write(
      stringifyRecord({
        command: 'compare',
        problem: problem.id,
        problemParams: problem.params,
        ...(prepared.preset ? { preset: prepared.preset.id } : {}),
        ...backendJson(backend),
        results: results.map((r) => ({
          method: r.method,
          status: r.status,
          ...(r.message !== undefined ? { message: r.message } : {}),
          ...(r.runId !== undefined ? { runId: r.runId } : {}),
          options: r.options,
          final: r.final,
          statistics: statSummariesToJson(r.stats),
          warnings: r.warnings,
        })),
      }) + '\n',
    );
  } else {
    const presetNote = prepared.preset ? `, preset ${prepared.preset.id}` : '';
    const params = Object.entries(problem.params).map(([k, v]) => `${k}=${String(v)}`).join(', ');
    io.stdout.write(`\n${problem.id}${params !== '' ? ` (${params})` : ''}${presetNote} on ${backend.detail}\n\n`);
    io.stdout.write(formatCompareTable(results) + '\n');
    const evals = formatEvalTable(results);
    if (evals !== undefined) io.stdout.write(`\nFinal evaluation (± 95% CI half-width where per-item)\n${evals}\n`);
    for (const r of results) {
      if (r.message) io.stdout.write(`${r.method}: ${r.message}\n`);
      for (const w of r.warnings) io.stdout.write(`${r.method}: warning: ${w}\n`);
      for (const line of formatStatSummaries(r.stats, formatNumber)) io.stdout.write(`${r.method}: ${line}\n`);
    }
  }
  if (reportFile !== undefined && chartJs !== undefined) {
    // The runs are already stored: a report that cannot be written is reported, and nothing is lost.
    try {
      writeReport(reportFile, reportInput(prepared, backend.detail, startedAt, results), chartJs);
      (json ? io.stderr : io.stdout).write(`report written to ${reportFile}\n`);
    } catch (err) {
      const stored = results.filter((r) => r.runId !== undefined).map((r) => r.runId);
      io.stderr.write(`bilevel: could not write the report to ${reportFile}: ${err instanceof Error ? err.message : String(err)}\n`);
      if (stored.length > 0) io.stderr.write(`bilevel: the runs are stored in ${storeDir(args.flags)}: ${stored.join(', ')}\n`);
      return 1;
    }
  }
  if (io.stopCause?.() === 'EPIPE') {
    for (const r of results) io.stderr.write(`bilevel: ${r.method}: ${r.status}${r.runId !== undefined ? ` (run ${r.runId})` : ''}\n`);
  }
  if (io.interrupted()) return stoppedExitCode(io);
  // A diverged method is a finding of the comparison, not an error of the command.
  return results.some((r) => r.status === 'failed') ? 1 : 0;
}

/** Column headers of the comparison table (the CLI table and the report's). */
export const COMPARE_COLUMNS: readonly string[] = ['method', 'status', 'final F', '‖x−x*‖', '‖g‖', 'iters to tol', 'ms/iter', 'peak tensors', 'peak bytes', 'warnings', 'run id'];

/** The comparison table, one row per method. */
export function formatCompareTable(results: readonly RunResult[]): string {
  return formatTable(COMPARE_COLUMNS, compareRows(results));
}

/** The final-evaluation table (methods × eval metrics, baselines last), or undefined when no run has evals. */
export function formatEvalTable(results: readonly RunResult[]): string | undefined {
  const t = evalTable(results.map((r) => ({ method: r.method, evals: r.final.evals })), formatNumber);
  return t ? formatTable(t.headers, t.rows) : undefined;
}

/** The formatted cells of the comparison table, one row per method, in {@link COMPARE_COLUMNS} order. */
export function compareRows(results: readonly RunResult[]): string[][] {
  return results.map((r) => [
    r.method,
    r.status,
    formatNumber(r.final.upperLoss),
    formatNumber(r.final.upperDistance),
    formatNumber(r.final.hypergradNorm),
    r.final.iterationsToTolerance !== undefined ? String(r.final.iterationsToTolerance) : '—',
    formatNumber(r.final.msPerIteration),
    String(r.final.peakTensors),
    formatBytes(r.final.peakBytes),
    String(r.warnings.length),
    r.runId ?? '—',
  ]);
}

/** What `--report` shows: the table as printed plus each method's options and records. */
function reportInput(prepared: PreparedProblem, backend: string, startedAt: Date, results: readonly RunResult[]): ReportInput {
  const evals = evalTable(results.map((r) => ({ method: r.method, evals: r.final.evals })), formatNumber);
  return {
    problem: prepared.loaded!.id,
    problemParams: prepared.params,
    ...(prepared.preset ? { preset: prepared.preset.id } : {}),
    backend,
    date: startedAt.toISOString(),
    table: { headers: COMPARE_COLUMNS, rows: compareRows(results) },
    ...(evals ? { evalTable: evals } : {}),
    methods: results.map((r) => ({
      method: r.method,
      status: r.status,
      ...(r.message !== undefined ? { message: r.message } : {}),
      ...(r.runId !== undefined ? { runId: r.runId } : {}),
      options: r.options,
      warnings: r.warnings,
      records: r.records ?? [],
      ...(r.final.evals ? { evals: r.final.evals } : {}),
    })),
  };
}
