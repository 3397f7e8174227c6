// A spec's problem source as a problem definition: a built-in family with its parameters resolved,
// or an export of a problem file compiled in this process. The one loader of the CLI and the worker.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as core from '../core';
import type { OptionValue, ProblemDefinition } from '../core';
import { formatProblemId } from '../common/problemId';
import { compileProblemFile } from '../problemFiles/compileProblemFile';
import type { LoadedProblemFile } from '../problemFiles/compileProblemFile';
import type { ProblemSource } from '../protocol/experiment';
import { problemFileLabel } from '../store/problemPaths';

/** A problem ready to run, with how run.json names it. */
export interface LoadedProblem {
  readonly definition: ProblemDefinition<unknown, unknown>;
  /** RunConfig.problem: the built-in id, or `path#export` (relative to the workspace of the store when inside it). */
  readonly id: string;
  /** The source with everything filled in: resolved parameters, the export actually taken. */
  readonly source: ProblemSource;
  /** Resolved parameters of a built-in (empty for problem files). */
  readonly params: Readonly<Record<string, OptionValue>>;
  /** Set for problem files: positions in the source for errors. */
  readonly file?: LoadedProblemFile;
  /**
   * Set for problem files: the entry file's text, read once it compiled; the recorder keeps it with
   * the run (`source/<name>`, its sha256 in run.json). Local imports are not kept.
   */
  readonly sourceText?: string;
}

/** A built-in family with its parameters checked and defaults filled in (synchronous: nothing to compile). */
export function loadBuiltin(source: Extract<ProblemSource, { kind: 'builtin' }>): LoadedProblem {
  const family = core.getBuiltinProblem(source.id);
  const params = core.resolveOptions(family.params, source.params);
  return { definition: family.create(params), id: family.id, source: { kind: 'builtin', id: family.id, params }, params };
}

/**
 * Loads `source`. A built-in's parameters are checked against its declarations; a problem file
 * (absolute path) is compiled, and its errors come back as a ProblemFileError with positions.
 * `storeDir` decides how run.json names a file problem (see problemFileLabel).
 */
export async function loadProblem(source: ProblemSource, storeDir?: string): Promise<LoadedProblem> {
  if (source.kind === 'builtin') return loadBuiltin(source);
  if (!path.isAbsolute(source.path)) throw new Error(`the problem file path must be absolute, got '${source.path}'`);
  const file = await compileProblemFile(source.path, source.exportName);
  const sourceText = readFileSync(source.path, 'utf8');
  const label = storeDir !== undefined ? problemFileLabel(source.path, storeDir) : source.path;
  return {
    definition: file.definition,
    id: formatProblemId(label, file.exportName),
    source: { kind: 'file', path: source.path, exportName: file.exportName },
    params: {},
    file,
    sourceText,
  };
}
