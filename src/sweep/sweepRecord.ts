// The sweep's own record (sweep.json) and runs.jsonl, one experiment spec per run, which `bilevel run
// --spec runs.jsonl --index i` (a SLURM array task) reads; formats in docs/sweeps.md.
import type { SweepRecord, SweepRun, SweepRunLine, SweepSpec } from '../protocol/sweep';
import { SWEEP_SCHEMA_VERSION } from '../protocol/sweep';
import { groupKey } from './expandSweep';
import { SweepError } from './sweepError';

/** The record of a new sweep: `runIds[i]` is the id run `runs[i]` is recorded under (made by the store). */
export function makeSweepRecord(args: {
  readonly id: string;
  readonly createdAt: string;
  readonly spec: SweepSpec;
  readonly runs: readonly SweepRun[];
  readonly runIds: readonly string[];
}): SweepRecord {
  const { id, createdAt, spec, runs, runIds } = args;
  if (runIds.length !== runs.length) throw new SweepError(`makeSweepRecord: ${runs.length} runs but ${runIds.length} run ids`);
  if (new Set(runIds).size !== runIds.length) throw new SweepError('makeSweepRecord: a run id is given twice');
  runs.forEach((run, i) => {
    if (run.index !== i) throw new SweepError(`makeSweepRecord: run ${i} has index ${run.index}; give the runs in expansion order`);
  });
  return {
    schemaVersion: SWEEP_SCHEMA_VERSION,
    id,
    ...(spec.name !== undefined ? { name: spec.name } : {}),
    createdAt,
    spec,
    runs: runs.map((run, i) => ({ ...run, runId: runIds[i]! })),
  };
}

/** Run `index` of `record` as a runs.jsonl line: the sweep's problem (with the run's problem parameters), the run's method and options, its run id and place. */
export function sweepRunLine(record: SweepRecord, index: number): SweepRunLine {
  const run = record.runs[index];
  if (!run) throw new SweepError(`sweep ${record.id} has runs 0–${record.runs.length - 1}, not ${index}`);
  const label = `${groupKey(run)} seed ${run.seed}`;
  const problem = record.spec.problem;
  return {
    // A grid point's problem parameters join the problem's own (a problem axis is never also fixed there).
    problem: run.problemParams !== undefined && problem.kind === 'builtin' ? { ...problem, params: { ...problem.params, ...run.problemParams } } : problem,
    method: run.method,
    options: run.options,
    name: record.name !== undefined ? `${record.name}: ${label}` : label,
    runId: run.runId,
    sweep: { id: record.id, index },
  };
}

/** runs.jsonl's text: line i (0-based) is sweepRunLine(record, i), each line ending in `\n`. */
export function formatRunsJsonl(record: SweepRecord): string {
  return record.runs.map((_, i) => `${JSON.stringify(sweepRunLine(record, i))}\n`).join('');
}

/**
 * Line `index` of a runs.jsonl text, parsed, with its runId and sweep tag checked (its spec fields are
 * checked by whoever runs it, as any spec file's). Throws a SweepError naming the index for a line
 * that is missing, not JSON, or tagged with another index.
 */
export function runLineAt(text: string, index: number): SweepRunLine {
  if (!Number.isInteger(index) || index < 0) throw new SweepError(`--index must be a whole number ≥ 0, got ${index}`);
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const line = lines[index];
  if (line === undefined) throw new SweepError(`--index ${index}: runs.jsonl has ${lines.length} lines (indices 0–${lines.length - 1})`);
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    throw new SweepError(`--index ${index}: line ${index + 1} of runs.jsonl is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SweepError(`--index ${index}: line ${index + 1} of runs.jsonl is not an object`);
  const { runId, sweep } = value as { runId?: unknown; sweep?: { id?: unknown; index?: unknown } };
  if (typeof runId !== 'string' || runId === '') throw new SweepError(`--index ${index}: line ${index + 1} of runs.jsonl has no runId`);
  if (typeof sweep !== 'object' || sweep === null || typeof sweep.id !== 'string' || sweep.index !== index) {
    throw new SweepError(`--index ${index}: line ${index + 1} of runs.jsonl is not tagged sweep.index ${index}`);
  }
  return value as SweepRunLine;
}
