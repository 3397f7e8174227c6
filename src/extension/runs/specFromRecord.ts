// Re-run: the ExperimentSpec that repeats a stored run exactly (same problem, method, resolved
// options and seed). Pure, so it is unit-tested.
import * as path from 'node:path';
import { formatProblemId, parseProblemRef } from '../../common/problemId';
import type { ExperimentSpec, ProblemSource } from '../../protocol/experiment';
import type { RunRecord } from '../../protocol/runRecord';


/** Reads RunConfig.problem back as a ProblemSource; relative file paths are taken from `workspaceFolder`. */
export function problemSourceOf(problem: string, params: RunRecord['config']['problemParams'], workspaceFolder: string): ProblemSource {
  const ref = parseProblemRef(problem);
  if (ref) return { kind: 'file', path: path.resolve(workspaceFolder, ref.path), exportName: ref.exportName ?? 'default' };
  return { kind: 'builtin', id: problem, params: { ...params } };
}

/** The spec of a re-run of `record`: its resolved options, iteration count and seed. */
export function specFromRecord(record: RunRecord, workspaceFolder: string): ExperimentSpec {
  const c = record.config;
  return {
    problem: problemSourceOf(c.problem, c.problemParams ?? {}, workspaceFolder),
    method: c.method,
    options: { ...(c.methodOptions ?? {}), iterations: c.iterations, seed: c.seed },
  };
}

/** The label of a problem source in history and panels: the built-in id, or `file.bilevel.ts#export`. */
export function problemLabel(source: ProblemSource): string {
  return source.kind === 'builtin' ? source.id : formatProblemId(path.basename(source.path), source.exportName);
}
