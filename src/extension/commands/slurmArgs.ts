// The pure parts of Submit Sweep to SLURM… and of a SLURM sweep's Cancel: the extra sbatch arguments
// as typed (split like a shell would), the CLI's argv for the submission and the cancel, the job id
// in what the CLI printed, and a command line to show in the output channel. No vscode.
import * as path from 'node:path';

/**
 * The words of `text` as a POSIX shell splits them (without expansions): blanks separate words,
 * '…' keeps everything literally, "…" keeps everything but `\"` and `\\`, a backslash outside quotes
 * keeps the next character. An unterminated quote is an error naming it.
 */
export function splitArgs(text: string): { args: string[] } | { error: string } {
  const args: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return { error: `unterminated ' at character ${i + 1}: close the quote` };
      word += text.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\' && (text[j + 1] === '"' || text[j + 1] === '\\')) j++;
        word += text[j];
      }
      if (j >= text.length) return { error: `unterminated " at character ${i + 1}: close the quote` };
      inWord = true;
      i = j;
    } else if (c === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) args.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) args.push(word);
  return { args };
}

/** `arg` quoted for a POSIX shell when it needs it (`'a b'`, `'it'\''s'`), as is otherwise. */
export function shellQuote(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** A command line to show (and paste into a shell): each word quoted as needed. */
export function formatCommandLine(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/** What a SLURM submission of a sweep spec needs. */
export interface SlurmSubmission {
  /** The CLI's script (`<extension>/dist/cli.js`). */
  readonly cli: string;
  /** The sweep spec file the CLI reads (`--spec`). */
  readonly specFile: string;
  /** The runs folder the array's runs write into: a store every node sees. */
  readonly store: string;
  /** Array tasks running at once (`%K` of `--array`). */
  readonly maxConcurrent: number;
  /** Extra sbatch arguments, one word each (`--partition=gpu`, `--time=01:00:00`). */
  readonly sbatchArgs: readonly string[];
  /** The runs' tfjs backend; absent: the CLI's default. */
  readonly backend?: string;
}

/**
 * The argv after `node` for `bilevel sweep --spec FILE --executor slurm --max-concurrent K
 * --sbatch-arg=ARG… --store DIR [--backend B] --json` (the JSON line names the sweep and the job). Each sbatch argument is joined to its flag with `=`,
 * so one that starts with `--` is never read as the next flag. No shell runs it: paths with spaces
 * are single words as they are.
 */
export function slurmSubmitArgv(s: SlurmSubmission): string[] {
  if (!Number.isInteger(s.maxConcurrent) || s.maxConcurrent < 1) throw new Error(`max concurrent must be a whole number ≥ 1, not ${s.maxConcurrent}`);
  return [
    s.cli,
    'sweep',
    '--spec',
    s.specFile,
    '--executor',
    'slurm',
    '--max-concurrent',
    String(s.maxConcurrent),
    ...s.sbatchArgs.map((arg) => `--sbatch-arg=${arg}`),
    '--store',
    s.store,
    ...(s.backend !== undefined ? ['--backend', s.backend] : []),
    '--json',
  ];
}

/** The argv after `node` for `bilevel sweep cancel ID --store DIR` (scancel of the sweep's array job). */
export function slurmCancelArgv(cli: string, sweepId: string, store: string): string[] {
  return [cli, 'sweep', 'cancel', sweepId, '--store', store];
}

/**
 * The sweep id and SLURM job id in what `bilevel sweep --executor slurm --json` printed: a JSON line
 * with `sweep` and `jobId`; without JSON, a line that is only the job id (what it prints without
 * `--json`) or a `job N` phrase. Fields it cannot find are absent.
 */
export function submissionOf(stdout: string): { sweepId?: string; jobId?: string } {
  const lines = stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    const v = value as { sweep?: unknown; jobId?: unknown };
    const jobId = typeof v.jobId === 'string' || typeof v.jobId === 'number' ? String(v.jobId) : undefined;
    const sweepId = typeof v.sweep === 'string' ? v.sweep : undefined;
    if (jobId !== undefined || sweepId !== undefined) return { ...(sweepId !== undefined ? { sweepId } : {}), ...(jobId !== undefined ? { jobId } : {}) };
  }
  const bare = lines.find((l) => /^\d+(?:;\S+)?$/.test(l));
  if (bare !== undefined) return { jobId: bare.split(';')[0]! };
  const phrase = /\bjob(?: id)?:?\s+(\d+)\b/i.exec(stdout);
  return phrase ? { jobId: phrase[1]! } : {};
}

/** The first `name` executable in the folders of `pathVar` (PATH), or undefined; `isFile` checks a candidate. */
export function findOnPath(name: string, pathVar: string | undefined, isFile: (file: string) => boolean, delimiter: string = path.delimiter): string | undefined {
  for (const dir of (pathVar ?? '').split(delimiter)) {
    if (dir === '') continue;
    const file = path.join(dir, name);
    if (isFile(file)) return file;
  }
  return undefined;
}

/** Reads the max-concurrent answer: a whole number 1–10000, or why not. */
export function readMaxConcurrent(text: string): { value: number } | { error: string } {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return { error: `'${t}' is not a whole number: give how many array tasks may run at once, e.g. 4` };
  const value = Number(t);
  if (value < 1 || value > 10000) return { error: `${value} is out of range: give 1 to 10000 array tasks at once` };
  return { value };
}
