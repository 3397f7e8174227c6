// The problem id of a run (RunConfig.problem): a built-in id such as `toy-quadratic`, or a problem
// file and one of its exports as `<path>#<export>`. One home for writing, reading and shortening it,
// used by the CLI (`--problem ./mine.bilevel.ts#lake`), the runner, the extension and the webview.

/** A problem file reference: the file as written (relative or absolute) and the export, if named. */
export interface ProblemFileRef {
  readonly path: string;
  /** Absent when the reference names no export (`mine.bilevel.ts`): the default export, else the only problem. */
  readonly exportName?: string;
}

/** Files a problem can come from. */
export const PROBLEM_FILE_EXTENSIONS: readonly string[] = ['.ts', '.mts', '.js', '.mjs'];

const EXPORT_NAME = /^[A-Za-z_$][\w$]*$/;

/**
 * Reads `text` as a problem file reference, or returns undefined for a built-in id. A reference is
 * a file when its path part ends in a problem-file extension or holds a path separator.
 */
export function parseProblemRef(text: string): ProblemFileRef | undefined {
  const hash = text.lastIndexOf('#');
  const file = hash >= 0 ? text.slice(0, hash) : text;
  const exportName = hash >= 0 ? text.slice(hash + 1) : undefined;
  const looksLikeFile = PROBLEM_FILE_EXTENSIONS.some((e) => file.endsWith(e)) || /[\\/]/.test(file);
  if (!looksLikeFile || file === '') return undefined;
  if (exportName !== undefined && !EXPORT_NAME.test(exportName)) return undefined;
  return exportName !== undefined ? { path: file, exportName } : { path: file };
}

/** `<path>#<export>`, the id run records keep for a file problem. */
export function formatProblemId(path: string, exportName: string): string {
  return `${path}#${exportName}`;
}

/** The last segment of a path, for either separator (no node:path: the webview uses this too). */
export function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

/** `toy-quadratic` stays; `/abs/dir/lake.bilevel.ts#default` becomes `lake.bilevel.ts#default`. */
export function problemDisplayName(problem: string): string {
  const ref = parseProblemRef(problem);
  if (!ref || ref.exportName === undefined) return problem;
  return formatProblemId(baseName(ref.path), ref.exportName);
}
