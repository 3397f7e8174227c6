// Default file names of exports (CSV, chart PNG/SVG), made from what the user sees: the runs' labels,
// the problem and the day the run started, e.g. `rhg-toy-quadratic-2026-12-06.csv`. Pure (tested).
import { problemDisplayName } from '../../common/problemId';
import type { RunRecord } from '../../protocol/runRecord';

/** What names a run in a file name. */
export interface FileNameRun {
  /** The user's name of the run, else its method. */
  readonly label: string;
  /** RunConfig.problem (a built-in id or `<file>#<export>`). */
  readonly problem: string;
  /** When the run was created (ISO-8601). */
  readonly createdAt: string;
}

/** A run record as exportFileName reads it. */
export function fileNameRun(record: RunRecord): FileNameRun {
  return { label: record.name ?? record.config.method, problem: record.config.problem, createdAt: record.createdAt };
}

/** Longest slug of labels kept before the problem (file systems cap names at 255 bytes; dialogs show less). */
const MAX_LABELS = 60;

/**
 * `<labels>-<problem>-<YYYY-MM-DD>[-<suffix>].<ext>`: distinct labels joined with `-` (several runs),
 * one problem (or `N-problems`), the newest run's local date; only `[a-z0-9._-]` survive.
 */
export function exportFileName(runs: readonly FileNameRun[], ext: string, suffix?: string): string {
  const labels = slug([...new Set(runs.map((r) => r.label))].join('-')).slice(0, MAX_LABELS).replace(/-+$/, '');
  const problems = [...new Set(runs.map((r) => problemSlug(r.problem)))];
  const problem = problems.length === 1 ? problems[0]! : `${problems.length}-problems`;
  const times = runs.map((r) => Date.parse(r.createdAt)).filter(Number.isFinite);
  const day = times.length > 0 ? localDate(Math.max(...times)) : '';
  const parts = [labels, problem, day, suffix === undefined ? '' : slug(suffix)].filter((p) => p !== '');
  return `${parts.length > 0 ? parts.join('-') : 'runs'}.${ext}`;
}

/** A file problem by its file's base name without `.bilevel.ts` and its export (unless `default`). */
function problemSlug(problem: string): string {
  const display = problemDisplayName(problem);
  const [file = '', exportName] = display.split('#');
  const base = file.replace(/\.bilevel\.[cm]?[jt]s$|\.[cm]?[jt]s$/, '');
  return slug(exportName === undefined || exportName === 'default' ? base : `${base}-${exportName}`);
}

/** Lower case, runs of anything but letters, digits, `.` and `_` as one `-`, no dashes at the ends. */
function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9._]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function localDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
