// Compile errors of problem files as editor positions: the worker reports esbuild's 1-based line and
// column; VS Code wants 0-based. Pure (compileDiagnostics.ts turns the result into Diagnostics).
import * as path from 'node:path';
import type { SourceDiagnostic } from '../../protocol/experiment';

/** A diagnostic at a 0-based position of one file. */
export interface FileDiagnostic {
  readonly line: number;
  readonly character: number;
  readonly message: string;
}

/**
 * Groups diagnostics by absolute file. A relative file is taken relative to the problem file's
 * folder; one without a file or position lands on the problem file's first line.
 */
export function diagnosticsByFile(diagnostics: readonly SourceDiagnostic[], problemFile: string): Map<string, FileDiagnostic[]> {
  const out = new Map<string, FileDiagnostic[]>();
  for (const d of diagnostics) {
    const file = d.file ? path.resolve(path.dirname(problemFile), d.file) : problemFile;
    const entry: FileDiagnostic = {
      line: Math.max(0, (d.line ?? 1) - 1),
      character: Math.max(0, (d.column ?? 1) - 1),
      message: d.message,
    };
    const list = out.get(file);
    if (list) list.push(entry);
    else out.set(file, [entry]);
  }
  return out;
}
