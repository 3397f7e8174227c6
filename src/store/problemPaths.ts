// How run records name problem files, and how a record's problem is read back: one rule for the
// writers (CLI, worker) and the readers (extension re-run, `bilevel run --spec run.json`).
import * as path from 'node:path';
import { formatProblemId, parseProblemRef } from '../common/problemId';
import type { ExperimentSpec, ProblemSource } from '../protocol/experiment';
import type { RunConfig } from '../protocol/runRecord';

/**
 * The problem file as run.json names it: relative to the workspace (POSIX separators) when the store
 * is the workspace's `.bilevel/runs` and the file is inside that workspace, else the absolute path.
 */
export function problemFileLabel(file: string, storeDir: string): string {
  const workspace = workspaceOfStore(storeDir);
  if (workspace === undefined) return file;
  const relative = path.relative(workspace, file);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return file;
  return relative.split(path.sep).join('/');
}

/** The workspace of a `<workspace>/.bilevel/runs` store, or undefined for a store elsewhere. */
export function workspaceOfStore(storeDir: string): string | undefined {
  const runs = path.resolve(storeDir);
  if (path.basename(runs) !== 'runs' || path.basename(path.dirname(runs)) !== '.bilevel') return undefined;
  return path.dirname(path.dirname(runs));
}

/** Reads RunConfig.problem back as a ProblemSource; relative file paths are taken from `workspaceFolder`. */
export function problemSourceOf(problem: string, params: RunConfig['problemParams'], workspaceFolder: string): ProblemSource {
  const ref = parseProblemRef(problem);
  if (ref) return { kind: 'file', path: path.resolve(workspaceFolder, ref.path), exportName: ref.exportName ?? 'default' };
  return { kind: 'builtin', id: problem, params: { ...params } };
}

/** The spec that repeats a recorded run exactly: its problem, method, resolved options, seed, preset. */
export function specFromConfig(config: RunConfig, workspaceFolder: string): ExperimentSpec {
  return {
    problem: problemSourceOf(config.problem, config.problemParams ?? {}, workspaceFolder),
    method: config.method,
    options: { ...(config.methodOptions ?? {}), iterations: config.iterations, seed: config.seed },
    ...(config.preset !== undefined ? { preset: config.preset } : {}),
  };
}

/** The label of a problem source in history and panels: the built-in id, or `file.bilevel.ts#export`. */
export function problemLabel(source: ProblemSource): string {
  return source.kind === 'builtin' ? source.id : formatProblemId(path.basename(source.path), source.exportName ?? 'default');
}
