// The flags each command accepts. Run, method and problem flags are derived from the OptionSpec
// declarations in core (RUN_OPTIONS, each method's options, each problem's params), so a new
// option gets its flag, help line and validation without touching the CLI.
import { BUILTIN_PROBLEMS, METHODS, parseOptionValue, RUN_OPTIONS } from '../core';
import { PRESETS } from '../protocol/presets';
import type { BuiltinProblem, MethodSpec, OptionSpec, OptionValue } from '../core';
import { BACKEND_NAMES } from '../runtime/backend';
import { didYouMean } from '../common/suggest';
import { notDecimal, parseDecimal } from './parseDecimal';
import { UsageError } from './usageError';

/** One command-line flag as help texts and validation see it. */
export interface FlagDef {
  /** Name without dashes, e.g. `cg-iters`. */
  readonly flag: string;
  readonly description: string;
  /** Default as shown in help, if any. */
  readonly defaultText?: string;
  /** Takes no value (`--json`). */
  readonly boolean?: boolean;
  /** Help section, e.g. `run options` or `method cg`. */
  readonly group: string;
  /** Accepted but not listed in help: a flag one bilevel process gives another (run's `--serve`). */
  readonly hidden?: boolean;
}

/** The commands, with one help line each, in the order `bilevel --help` lists them. */
export const COMMANDS: readonly { readonly name: string; readonly summary: string; readonly usage: string }[] = [
  { name: 'problems', summary: "List the built-in problems and their parameters, or a problem file's problems.", usage: 'bilevel problems [--file F]' },
  { name: 'methods', summary: 'List the hypergradient methods and their options.', usage: 'bilevel methods' },
  { name: 'presets', summary: "List the paper presets (problem, methods and options as a paper ran them).", usage: 'bilevel presets' },
  { name: 'run', summary: 'Run one method on a problem and store the run.', usage: 'bilevel run (--problem ID|FILE[#export] [--method ID] | --preset ID | --spec FILE) [flags]' },
  { name: 'compare', summary: 'Run several methods on the same problem and print a table.', usage: 'bilevel compare (--problem ID|FILE[#export] [--methods a,b,...] | --preset ID) [flags]' },
  {
    name: 'sweep',
    summary: 'Run methods × a grid of options × seeds in parallel worker processes, stored as a sweep, and print median [q20, q80] per group (or submit it as a SLURM array job: --executor slurm); `sweep status ID`, `sweep cancel ID`, `sweep list`.',
    usage: 'bilevel sweep (--problem ID|FILE[#export] --methods a,b --seeds 0-9 [--set FLAG=v1,v2]... | --spec sweep.json | --resume ID) [--executor slurm] [flags]\n       bilevel sweep status ID [--store DIR] [--json] [--report FILE]\n       bilevel sweep cancel ID [--store DIR] [--json]\n       bilevel sweep list [--store DIR] [--json]',
  },
  { name: 'check', summary: 'Check a hypergradient against finite differences and RHG.', usage: 'bilevel check --problem ID|FILE[#export] --method ID [--x V] [flags]' },
  { name: 'grad', summary: 'Print one hypergradient at a point as JSON.', usage: 'bilevel grad --problem ID|FILE[#export] --method ID [--x V] [--y0 V] [flags]' },
  { name: 'init', summary: 'Scaffold a problem folder: an example problem and a tsconfig.json for tsc.', usage: 'bilevel init [dir]' },
];

/** Flags every command accepts. */
export const GLOBAL_FLAGS: readonly FlagDef[] = [
  { flag: 'help', description: 'Print this help.', boolean: true, group: 'global' },
];

const BACKEND_FLAG: FlagDef = { flag: 'backend', description: `tfjs backend: ${BACKEND_NAMES.join(', ')}.`, defaultText: 'wasm', group: 'global' };
const STORE_FLAG: FlagDef = { flag: 'store', description: 'Runs folder.', defaultText: '<cwd>/.bilevel/runs', group: 'global' };
const JSON_FLAG: FlagDef = { flag: 'json', description: 'Print one JSON object instead of text.', boolean: true, group: 'global' };
const PROBLEM_FLAG: FlagDef = {
  flag: 'problem',
  description: `Built-in problem (${BUILTIN_PROBLEMS.map((p) => p.id).join(', ')}) or a problem file (.ts, .mts, .js, .mjs), with #exportName to pick an export (default: the default export, else the only problem).`,
  group: 'command',
};
const METHOD_FLAG: FlagDef = { flag: 'method', description: `Method: ${METHODS.map((m) => m.id).join(', ')}.`, defaultText: "the problem's default, else rhg", group: 'command' };
const PRESET_FLAG: FlagDef = {
  flag: 'preset',
  description: `Paper preset (see bilevel presets): ${PRESETS.map((p) => p.id).join(', ')}. Sets the problem, its parameters, the method(s) and options; flags given besides it win, and preset options a method does not take are dropped for it.`,
  group: 'command',
};
const X_FLAG: FlagDef = { flag: 'x', description: 'Upper point: one number for every entry, or a comma list of all entries.', defaultText: 'x_0', group: 'command' };

/** Flags that belong to one command only. */
export const COMMAND_FLAGS: Readonly<Record<string, readonly FlagDef[]>> = {
  problems: [JSON_FLAG, { flag: 'file', description: "List a problem file's problems (export, id, variables) instead of the built-ins.", group: 'command' }, BACKEND_FLAG],
  methods: [JSON_FLAG],
  presets: [JSON_FLAG],
  run: [
    PROBLEM_FLAG,
    METHOD_FLAG,
    PRESET_FLAG,
    BACKEND_FLAG,
    STORE_FLAG,
    JSON_FLAG,
    { flag: 'no-store', description: 'Do not write the run to the store.', boolean: true, group: 'command' },
    { flag: 'name', description: 'Label stored with the run.', group: 'command' },
    {
      flag: 'spec',
      description: "Run the experiment of a JSON file: an ExperimentSpec (docs/experiment-spec.md), or a run's run.json to repeat it exactly, or line --index of a sweep's runs.jsonl. Problem, method and option flags are not taken with it.",
      group: 'command',
    },
    {
      flag: 'index',
      description: "With --spec runs.jsonl: run line I (0-based) of a sweep, under the line's run id, in the sweep's runs folder unless --store is given (docs/sweeps.md).",
      group: 'command',
    },
    {
      flag: 'serve',
      description: "With --spec runs.jsonl: be a worker process of bilevel sweep, running the indices it sends over IPC on one started backend (serveRuns.ts).",
      boolean: true,
      group: 'command',
      hidden: true,
    },
  ],
  sweep: [
    PROBLEM_FLAG,
    { flag: 'methods', description: 'Comma-separated method ids, in the order the tables list them.', group: 'command' },
    { flag: 'seeds', description: 'Seeds: a comma list of numbers and ranges, e.g. 0-9 or 0,2,5.', defaultText: '0', group: 'command' },
    { flag: 'set', description: "A grid axis FLAG=v1,v2,… over a run or method option, or a parameter of the built-in problem, by its flag (repeatable); a method that does not take an option runs without it.", group: 'command' },
    { flag: 'jobs', description: 'Runs at once: worker processes, each running runs in turn.', defaultText: 'the number of cores', group: 'command' },
    {
      flag: 'workers',
      description: 'reuse: each of the --jobs worker processes starts the backend once and runs many runs in turn; per-run: one `bilevel run --spec runs.jsonl --index i` process per run (as a SLURM array task).',
      defaultText: 'reuse',
      group: 'command',
    },
    { flag: 'name', description: 'Label of the sweep; its runs are named "<name>: <group> seed <s>".', group: 'command' },
    { flag: 'spec', description: 'Read the sweep (problem, methods, seeds, grid, options, methodOptions, iterations, name) from a JSON file (docs/sweeps.md).', group: 'command' },
    { flag: 'dry-run', description: 'Print the expanded runs (index, method, seed, options, dropped grid flags) and write nothing.', boolean: true, group: 'command' },
    { flag: 'resume', description: 'Rerun the runs of sweep ID that are missing, failed, cancelled or interrupted, each under a new run id.', group: 'command' },
    { flag: 'report', description: 'Write the sweep\'s HTML report to FILE when it ends (curves over seeds with bands on any x axis, time and oracle calls to a target, sensitivity); `sweep status ID --report FILE` writes it at any time.', group: 'command' },
    { flag: 'executor', description: 'local: a pool of worker processes on this machine; slurm: one SLURM array job (sweep.sbatch in the sweep folder, submitted with sbatch --parsable), task i running index i.', defaultText: 'local', group: 'command' },
    { flag: 'max-concurrent', description: 'With --executor slurm: at most K array tasks at once (--array=…%K).', defaultText: 'no cap', group: 'command' },
    { flag: 'sbatch-arg', description: 'With --executor slurm: one #SBATCH line, as given (repeatable): --sbatch-arg --partition=gpu --sbatch-arg --time=2:00:00 --sbatch-arg --gres=gpu:1.', group: 'command' },
    { flag: 'wait', description: 'With --executor slurm: follow the job to its end with a progress line, then print the summary (Ctrl-C stops waiting, not the job).', boolean: true, group: 'command' },
    { flag: 'emit-only', description: 'With --executor slurm: write runs.jsonl and sweep.sbatch and print the sbatch command instead of running it.', boolean: true, group: 'command' },
    { flag: 'node', description: 'With --executor slurm: the node binary the array tasks run.', defaultText: 'this node', group: 'command' },
    { flag: 'cli', description: 'With --executor slurm: the bilevel CLI (dist/cli.js) the array tasks run.', defaultText: 'this bilevel', group: 'command' },
    BACKEND_FLAG,
    STORE_FLAG,
    JSON_FLAG,
  ],
  compare: [
    PROBLEM_FLAG,
    { flag: 'methods', description: 'Comma-separated method ids.', defaultText: `the preset's methods, else ${METHODS.map((m) => m.id).join(',')}`, group: 'command' },
    PRESET_FLAG,
    BACKEND_FLAG,
    STORE_FLAG,
    JSON_FLAG,
    { flag: 'no-store', description: 'Do not write the runs to the store.', boolean: true, group: 'command' },
    { flag: 'report', description: 'Also write one self-contained HTML page (table, options, charts of every metric) to FILE.', group: 'command' },
  ],
  check: [
    PROBLEM_FLAG,
    METHOD_FLAG,
    BACKEND_FLAG,
    JSON_FLAG,
    X_FLAG,
    { flag: 'z', description: 'Lower start z for methods that learn it (IA-GM, IAPTT-GM): one number or a comma list; also checks dφ_K/dz.', defaultText: "the problem's y_0", group: 'command' },
    { flag: 'directions', description: 'Random directions besides the hypergradient direction.', defaultText: '2', group: 'command' },
    { flag: 'rtol', description: 'Relative tolerance of exact methods: a direction passes when |g·d − FD| ≤ 3·fdError + rtol·max(|g·d|, |FD|) (docs/methods.md §13).', defaultText: '1e-3', group: 'command' },
  ],
  grad: [
    PROBLEM_FLAG,
    METHOD_FLAG,
    BACKEND_FLAG,
    X_FLAG,
    { flag: 'y0', description: 'Lower start y_0: one number for every entry, or a comma list of all entries.', defaultText: "the problem's y_0", group: 'command' },
  ],
};

/** Help line for an option's default (computed defaults are described by the option itself). */
export function defaultText(spec: OptionSpec): string {
  return typeof spec.default === 'function' ? 'derived' : String(spec.default);
}

function fromSpec(spec: OptionSpec, group: string): FlagDef {
  const choices = spec.type === 'choice' && spec.choices ? ` (${spec.choices.join('|')})` : '';
  return { flag: spec.flag, description: spec.description + choices, defaultText: defaultText(spec), boolean: spec.type === 'boolean', group };
}

/**
 * Every flag `command` accepts for this problem and these methods. A command flag shadows a
 * problem parameter of the same name (grad's `--y0` takes a list; the parameter takes one number).
 */
export function flagsFor(command: string, problem: BuiltinProblem | null | undefined, methods: readonly MethodSpec[]): FlagDef[] {
  const own = [...GLOBAL_FLAGS, ...(COMMAND_FLAGS[command] ?? [])];
  if (command === 'problems' || command === 'methods' || command === 'presets') return own;
  const taken = new Set(own.map((f) => f.flag));
  const out = [...own];
  const add = (def: FlagDef): void => {
    if (taken.has(def.flag)) return;
    taken.add(def.flag);
    out.push(def);
  };
  // undefined: every built-in's parameters (help, parsing); null: a problem file, which has none.
  const problems = problem === null ? [] : problem ? [problem] : BUILTIN_PROBLEMS;
  for (const p of problems) for (const s of p.params) add(fromSpec(s, `problem ${p.id}`));
  for (const s of RUN_OPTIONS) add(fromSpec(s, 'run options'));
  for (const m of methods) for (const s of m.options) add(fromSpec(s, `method ${m.id}`));
  return out;
}

/** Every flag that takes no value, across all commands, problems and methods (for parseArgs). */
export function booleanFlags(): Set<string> {
  const out = new Set<string>();
  for (const f of flagsFor('run', undefined, METHODS)) if (f.boolean) out.add(f.flag);
  for (const list of Object.values(COMMAND_FLAGS)) for (const f of list) if (f.boolean) out.add(f.flag);
  out.add('help');
  return out;
}

/**
 * Throws a UsageError naming the first flag not in `valid`, with the nearest valid flag ("did you
 * mean --inner-lr?", also for an option key given as a flag: `--lowerSteps` → `--K`) and the valid flags listed.
 */
export function rejectUnknownFlags(command: string, given: ReadonlyMap<string, string>, valid: readonly FlagDef[]): void {
  const names = new Set(valid.map((f) => f.flag));
  for (const flag of given.keys()) {
    if (!names.has(flag)) {
      // Every option flag comes from an OptionSpec: its key is another spelling that matches it.
      const keyOf = new Map<string, string>();
      for (const s of [...RUN_OPTIONS, ...METHODS.flatMap((m) => m.options), ...BUILTIN_PROBLEMS.flatMap((p) => p.params)]) keyOf.set(s.flag, s.key);
      const near = didYouMean(
        flag,
        valid.map((f) => ({ name: f.flag, aliases: keyOf.has(f.flag) ? [keyOf.get(f.flag)!] : [] })),
      );
      throw new UsageError(`unknown flag --${flag} for '${command}'${near !== undefined ? `; did you mean --${near}? ` : '; '}valid flags: ${valid.map((f) => `--${f.flag}`).join(', ')}`);
    }
  }
}

/**
 * The values given for `specs`' flags, parsed to their types and keyed by option key; ranges are
 * checked later (resolveOptions), but a numeric flag must be written as a decimal number here.
 */
export function readOptions(given: ReadonlyMap<string, string>, specs: readonly OptionSpec[]): Record<string, OptionValue> {
  const out: Record<string, OptionValue> = {};
  for (const spec of specs) {
    const text = given.get(spec.flag);
    if (text === undefined) continue;
    if (spec.type === 'integer' || spec.type === 'number') {
      const value = parseDecimal(text);
      if (value === undefined) throw new UsageError(`--${spec.flag} (${spec.key})${text === '' ? ' needs a value' : `: ${notDecimal(text)}`}; give ${numberWanted(spec)}`);
      out[spec.key] = value;
    } else out[spec.key] = parseOptionValue(spec, text);
  }
  return out;
}

/** "a whole number (≥ 1, ≤ 100000), e.g. --K 20": what a numeric flag takes. */
function numberWanted(spec: OptionSpec): string {
  const bounds = [spec.min !== undefined ? `≥ ${spec.min}` : '', spec.greaterThan !== undefined ? `> ${spec.greaterThan}` : '', spec.max !== undefined ? `≤ ${spec.max}` : ''].filter((b) => b !== '');
  const example = typeof spec.default === 'number' ? `, e.g. --${spec.flag} ${spec.default}` : '';
  return `${spec.type === 'integer' ? 'a whole number' : 'a decimal number'}${bounds.length > 0 ? ` (${bounds.join(', ')})` : ''}${example}`;
}
