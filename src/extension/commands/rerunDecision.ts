// What Re-run does with a run's problem file (issue 13, item 1): the file as it is now when it did
// not change, else the user chooses between the source the run kept (`source/<name>` in the run
// folder) and today's file; a file that is gone offers the kept source instead of failing. Pure: the
// command (runCommands.ts rerun) reads the files and asks.
import type { RunRecord } from '../../protocol/runRecord';
import { sourceChanged } from '../../store/runSource';

/** What the command found on disk. */
export interface RerunSituation {
  readonly record: Pick<RunRecord, 'source'>;
  /** The kept copy's text, undefined when the run kept none or the copy is missing. */
  readonly keptText: string | undefined;
  /** The problem file's text now, undefined when the file is gone. */
  readonly currentText: string | undefined;
}

/** Re-run's choice: run a source at once, ask which one (the first choice is the default), or fail with the reason. */
export type RerunDecision =
  | { readonly action: 'run'; readonly source: 'current' | 'recorded' }
  | { readonly action: 'ask'; readonly reason: 'changed' | 'gone'; readonly choices: readonly ('recorded' | 'current')[]; readonly relativeImports: readonly string[] }
  | { readonly action: 'fail'; readonly message: string };

/** Decides from what is on disk; `preferred` (a test's or a caller's explicit choice) wins where that source exists. */
export function rerunDecision(s: RerunSituation, preferred?: 'current' | 'recorded'): RerunDecision {
  const kept = s.keptText !== undefined;
  if (preferred === 'recorded' && kept) return { action: 'run', source: 'recorded' };
  if (preferred === 'current' && s.currentText !== undefined) return { action: 'run', source: 'current' };
  if (s.currentText === undefined) {
    if (!kept) return { action: 'fail', message: 'The problem file of this run is gone, and the run kept no copy of its source.' };
    return { action: 'ask', reason: 'gone', choices: ['recorded'], relativeImports: relativeImportsOf(s.keptText!) };
  }
  // Unchanged, a run older than kept sources, or a copy that went missing: today's file is all there is to run.
  if (!kept || sourceChanged(s.record, s.currentText) !== true) return { action: 'run', source: 'current' };
  return { action: 'ask', reason: 'changed', choices: ['recorded', 'current'], relativeImports: relativeImportsOf(s.keptText!) };
}

/** The relative module specifiers a source imports (`./data`, `../lib/x`): the kept copy does not have their files. */
export function relativeImportsOf(text: string): string[] {
  const found = new Set<string>();
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)(['"])(\.{1,2}\/[^'"\n]*)\1/g;
  for (const m of text.matchAll(pattern)) found.add(m[2]!);
  return [...found];
}
