// `bilevel compare`: several methods on the same problem and seed, each stored, then one table.
import type { CliIo } from '../cliIo';
import { EXIT_INTERRUPTED } from '../cliIo';
import { executeRun, resolveFor } from '../executeRun';
import type { RunResult } from '../executeRun';
import { formatBytes, formatNumber, formatTable } from '../formatTable';
import type { ParsedArgs } from '../parseArgs';
import { ignoredFlags, prepareProblem, startBackend, storeDir } from '../prepareProblem';

/** Runs `bilevel compare`; returns the exit code. */
export async function compareCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const prepared = prepareProblem('compare', args);
  // Each method reads the run options plus its own flags; resolve all before running any.
  const resolved = prepared.methods.map((m) => resolveFor(prepared, m));
  const json = args.flags.has('json') && args.flags.get('json') !== 'false';
  const noStore = args.flags.has('no-store') && args.flags.get('no-store') !== 'false';
  for (const flag of ignoredFlags(args.flags, prepared.methods)) {
    io.stderr.write(`bilevel: note: --${flag} applies to none of ${prepared.methods.map((m) => m.id).join(', ')}; ignored\n`);
  }
  const backend = await startBackend(args.flags);
  const results: RunResult[] = [];
  for (const [i, method] of prepared.methods.entries()) {
    if (io.interrupted()) break;
    results.push(
      await executeRun(prepared, method, resolved[i]!, {
        backend,
        storeDir: noStore ? undefined : storeDir(args.flags),
        progress: json ? undefined : io.stdout,
        shouldStop: io.interrupted,
      }),
    );
  }
  if (json) {
    io.stdout.write(
      JSON.stringify({
        command: 'compare',
        problem: prepared.family.id,
        problemParams: prepared.params,
        backend: backend.name,
        results: results.map((r) => ({
          method: r.method,
          status: r.status,
          ...(r.message !== undefined ? { message: r.message } : {}),
          ...(r.runId !== undefined ? { runId: r.runId } : {}),
          options: r.options,
          final: r.final,
          warnings: r.warnings,
        })),
      }) + '\n',
    );
  } else {
    io.stdout.write(`\n${prepared.family.id} (${Object.entries(prepared.params).map(([k, v]) => `${k}=${String(v)}`).join(', ')}) on ${backend.detail}\n\n`);
    io.stdout.write(formatCompareTable(results) + '\n');
    for (const r of results) {
      if (r.message) io.stdout.write(`${r.method}: ${r.message}\n`);
      for (const w of r.warnings) io.stdout.write(`${r.method}: warning: ${w}\n`);
    }
  }
  if (io.interrupted()) return EXIT_INTERRUPTED;
  // A diverged method is a finding of the comparison, not an error of the command.
  return results.some((r) => r.status === 'failed') ? 1 : 0;
}

/** The comparison table, one row per method. */
export function formatCompareTable(results: readonly RunResult[]): string {
  return formatTable(
    ['method', 'status', 'final F', '‖x−x*‖', '‖g‖', 'iters to tol', 'ms/iter', 'peak tensors', 'peak bytes', 'warnings', 'run id'],
    results.map((r) => [
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
    ]),
  );
}
