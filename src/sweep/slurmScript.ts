// The batch script of a sweep submitted as a SLURM array job (docs/sweeps.md, "On a SLURM cluster"):
// array task i runs index i of the sweep's runs.jsonl with the same command a local `--workers per-run`
// pool runs. Pure text; never imports core, so any host can write it.
import { SweepError } from './sweepError';

/** What goes into a sweep's batch script; every path absolute. */
export interface SlurmScriptInput {
  readonly sweepId: string;
  /** The sweep indices to run, each an array task id (a resume passes only the ones it reruns). */
  readonly indices: readonly number[];
  /** At most this many tasks at once (`%K`); absent: no cap. */
  readonly maxConcurrent?: number;
  /** Each becomes its own `#SBATCH` line, as given (`--partition=gpu`, `--time=1:00:00`, `--gres=gpu:1`). */
  readonly sbatchArgs?: readonly string[];
  /** The node binary the task runs, and the bilevel CLI (dist/cli.js or bin/bilevel.js). */
  readonly node: string;
  readonly cli: string;
  /** The sweep's runs.jsonl, the run store and the task output file pattern (`%A`, `%a` are SLURM's). */
  readonly runsJsonl: string;
  readonly store: string;
  readonly output: string;
  readonly backend: string;
}

/** Options `--sbatch-arg` may not set: the script sets them, and the sweep's indices depend on `--array`. */
const RESERVED = ['--array', '-a'];

/** `ARG` of `--sbatch-arg ARG` checked: one line, an sbatch option (starting with `-`), not `--array`; throws a SweepError naming it. */
export function checkSbatchArg(arg: string): string {
  const text = arg.trim();
  if (text === '' || !text.startsWith('-')) throw new SweepError(`--sbatch-arg takes an sbatch option such as --partition=gpu or --time=1:00:00, got '${arg}'`);
  if (/[\r\n]/.test(text)) throw new SweepError(`--sbatch-arg '${arg.replace(/[\r\n]+/g, ' ')}' holds a line break; give one option per --sbatch-arg`);
  const name = text.split(/[=\s]/)[0]!;
  if (RESERVED.includes(name)) throw new SweepError(`--sbatch-arg ${text}: the array is the sweep's indices (bilevel sets --array; cap it with --max-concurrent K)`);
  return text;
}

/**
 * SLURM's `--array` value for `indices`: ascending, consecutive runs as ranges (`0-7`, `3,7`,
 * `1-3,7`), then `%K` when `maxConcurrent` is given. Throws a SweepError for an empty list, a
 * negative, non-whole or repeated index, or a cap below 1.
 */
export function formatArraySpec(indices: readonly number[], maxConcurrent?: number): string {
  if (indices.length === 0) throw new SweepError('a SLURM array needs at least one index');
  const sorted = [...indices].sort((a, b) => a - b);
  for (const [i, x] of sorted.entries()) {
    if (!Number.isSafeInteger(x) || x < 0) throw new SweepError(`a SLURM array index must be a whole number ≥ 0, got ${x}`);
    if (i > 0 && sorted[i - 1] === x) throw new SweepError(`index ${x} is given twice in the SLURM array`);
  }
  if (maxConcurrent !== undefined && (!Number.isSafeInteger(maxConcurrent) || maxConcurrent < 1)) {
    throw new SweepError(`--max-concurrent takes a whole number ≥ 1 (array tasks at once), got ${maxConcurrent}`);
  }
  const parts: string[] = [];
  let start = sorted[0]!;
  let prev = start;
  for (const x of [...sorted.slice(1), Number.NaN]) {
    if (x === prev + 1) {
      prev = x;
      continue;
    }
    parts.push(start === prev ? String(start) : `${start}-${prev}`);
    start = prev = x;
  }
  return parts.join(',') + (maxConcurrent !== undefined ? `%${maxConcurrent}` : '');
}

/** `text` as one sh word: single-quoted, each `'` written `'\''` (a path with spaces or quotes stays one argument). */
export function shQuote(text: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * A path as the value of an `#SBATCH` option: double-quoted (sbatch reads a quoted value with spaces),
 * `\` and `"` escaped with `\`, and `%` doubled except in SLURM's own `%A`/`%a` (a literal `%` in a
 * folder name is not a filename pattern). Throws a SweepError for a line break.
 */
export function sbatchPath(file: string, patterns: readonly string[] = ['%A', '%a']): string {
  if (/[\r\n]/.test(file)) throw new SweepError(`a path with a line break cannot go into an #SBATCH line: ${JSON.stringify(file)}`);
  let out = '';
  for (let i = 0; i < file.length; i++) {
    const two = file.slice(i, i + 2);
    if (patterns.includes(two)) {
      out += two;
      i++;
    } else if (file[i] === '%') out += '%%';
    else if (file[i] === '\\' || file[i] === '"') out += `\\${file[i]}`;
    else out += file[i];
  }
  return `"${out}"`;
}

/**
 * An --sbatch-arg as its `#SBATCH` line writes it. sbatch splits such a line at whitespace outside
 * quotes, takes `\` as an escape and an unquoted `#` as the start of a comment (`_get_argument` in
 * sbatch's opt.c), so a `--name=value` whose value holds any of those gets the value double-quoted
 * with `\` and `"` escaped (`--job-name="my sweep"`). An argument with a space and no `=`
 * (`--time 1:00:00`, `-p gpu`) is an option and its value, two words, and stays as given.
 */
export function sbatchArgWord(arg: string): string {
  const m = /^(--[A-Za-z][\w-]*=)(.*)$/s.exec(arg);
  if (m === null || !/[\s"'\\#]/.test(m[2]!)) return arg;
  return `${m[1]}"${m[2]!.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** The batch script: `#SBATCH` lines (job name, array, output, then each extra argument), and a body that runs the task's index. */
export function slurmScript(input: SlurmScriptInput): string {
  const extra = (input.sbatchArgs ?? []).map(checkSbatchArg);
  const command = [
    'exec',
    shQuote(input.node),
    shQuote(input.cli),
    'run',
    '--spec',
    shQuote(input.runsJsonl),
    '--index',
    '"$SLURM_ARRAY_TASK_ID"',
    '--store',
    shQuote(input.store),
    '--backend',
    shQuote(input.backend),
    '--json',
  ].join(' ');
  return [
    '#!/bin/sh',
    `#SBATCH --job-name=bilevel-${input.sweepId}`,
    `#SBATCH --array=${formatArraySpec(input.indices, input.maxConcurrent)}`,
    `#SBATCH --output=${sbatchPath(input.output)}`,
    ...extra.map((a) => `#SBATCH ${sbatchArgWord(a)}`),
    `# bilevel sweep ${input.sweepId}: array task i runs index i of runs.jsonl under its run id (docs/sweeps.md).`,
    '# exec: the run is the task process, so scancel\'s SIGTERM reaches it and it ends cancelled.',
    command,
    '',
  ].join('\n');
}
