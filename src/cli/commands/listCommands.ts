// `bilevel problems`, `bilevel methods` and `bilevel presets`: the registries, with every option's
// flag and default.
import * as path from 'node:path';
import { BUILTIN_PROBLEMS, METHODS, RUN_OPTIONS } from '../../core';
import { formatProblemId } from '../../common/problemId';
import { listProblemExports } from '../../problemFiles/compileProblemFile';
import type { OptionSpec } from '../../core';
import { PRESETS } from '../../protocol/presets';
import type { Preset } from '../../protocol/presets';
import type { CliIo } from '../cliIo';
import { defaultText, rejectUnknownFlags, COMMAND_FLAGS, GLOBAL_FLAGS } from '../commandFlags';
import type { ParsedArgs } from '../parseArgs';
import { startBackend } from '../prepareProblem';
import { UsageError } from '../usageError';

/** Runs `bilevel problems` (`--file F`: the problems a problem file exports). */
export async function problemsCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  rejectUnknownFlags('problems', args.flags, [...GLOBAL_FLAGS, ...COMMAND_FLAGS.problems!]);
  const file = args.flags.get('file');
  if (file !== undefined) return fileProblems(file, args, io);
  if (args.flags.has('json')) {
    io.stdout.write(JSON.stringify(BUILTIN_PROBLEMS.map((p) => ({ id: p.id, title: p.title, summary: p.summary, seedDependent: p.seedDependent, params: p.params.map(specJson) }))) + '\n');
    return 0;
  }
  const blocks = BUILTIN_PROBLEMS.map((p) => [`${p.id} — ${p.title}`, `  ${p.summary}`, `  ${seedLine(p.seedDependent)}`, ...optionLines(p.params)].join('\n'));
  io.stdout.write(blocks.join('\n\n') + `\n\n${SEED_NOTE}\n`);
  return 0;
}

/** What the seed drives beyond the problem, on every problem. */
export const SEED_NOTE = "On every problem --seed also drives UFOM's coin and the random directions of `bilevel check`.";

/** The listing's line on what `--seed` drives in one problem. */
export function seedLine(seedDependent: readonly string[]): string {
  return seedDependent.length > 0 ? `Seed drives: ${seedDependent.join('; ')}.` : 'Seed drives: nothing in the problem (deterministic).';
}

/** `bilevel problems --file F`: each problem export with its id, variables and defaults. */
async function fileProblems(file: string, args: ParsedArgs, io: CliIo): Promise<number> {
  if (file === '') throw new UsageError('--file needs a problem file, e.g. --file ./mine.bilevel.ts');
  // The file's module code may create tensors: a backend is active before it runs.
  await startBackend(new Map([['backend', args.flags.get('backend') ?? 'cpu']]));
  const absolute = path.resolve(file);
  const problems = await listProblemExports(absolute);
  const shape = (vars: Record<string, { shape: readonly number[] }>): string => Object.entries(vars).map(([n, v]) => `${n}[${v.shape.join('×') || 'scalar'}]`).join(', ');
  const rows = problems.map((p) => ({
    problem: formatProblemId(file, p.exportName),
    exportName: p.exportName,
    id: p.definition.id,
    upper: shape(p.definition.upper.variables),
    lower: shape(p.definition.lower.variables),
    ...(p.location ? { line: p.location.line + 1 } : {}),
    defaults: p.definition.defaults ?? {},
  }));
  if (args.flags.has('json') && args.flags.get('json') !== 'false') {
    io.stdout.write(JSON.stringify(rows) + '\n');
    return 0;
  }
  if (rows.length === 0) {
    io.stdout.write(`${file} exports no problem; export one made with defineProblem({...})\n`);
    return 1;
  }
  const blocks = rows.map((r) => [`${r.problem} — ${r.id}${r.line !== undefined ? ` (line ${r.line})` : ''}`, `  upper ${r.upper}`, `  lower ${r.lower}`].join('\n'));
  io.stdout.write(blocks.join('\n\n') + `\n\nRun one with \`bilevel run --problem ${rows[0]!.problem}\`.\n`);
  return 0;
}

/** Runs `bilevel methods`. */
export function methodsCommand(args: ParsedArgs, io: CliIo): number {
  rejectUnknownFlags('methods', args.flags, [...GLOBAL_FLAGS, ...COMMAND_FLAGS.methods!]);
  if (args.flags.has('json')) {
    io.stdout.write(JSON.stringify(METHODS.map((m) => ({ id: m.id, title: m.title, summary: m.summary, reference: m.reference, options: m.options.map(specJson) }))) + '\n');
    return 0;
  }
  const blocks = METHODS.map((m) =>
    [`${m.id} — ${m.title}`, `  ${m.summary}`, `  Reference: ${m.reference}`, ...(m.options.length > 0 ? optionLines(m.options) : ['  (no options of its own; uses the run options)'])].join('\n'),
  );
  io.stdout.write(blocks.join('\n\n') + '\n\nEvery method also takes the run options; see `bilevel run --help`.\n');
  return 0;
}

/** Runs `bilevel presets` (`presets` is the list shown; tests pass their own). */
export function presetsCommand(args: ParsedArgs, io: CliIo, presets: readonly Preset[] = PRESETS): number {
  rejectUnknownFlags('presets', args.flags, [...GLOBAL_FLAGS, ...COMMAND_FLAGS.presets!]);
  if (args.flags.has('json') && args.flags.get('json') !== 'false') {
    io.stdout.write(JSON.stringify(presets) + '\n');
    return 0;
  }
  io.stdout.write(presets.map(formatPreset).join('\n\n') + '\n\nRun one with `bilevel run --preset ID` or all its methods with `bilevel compare --preset ID`; flags given besides it win.\n');
  return 0;
}

/** One preset as `bilevel presets` prints it: id and title, source, what it runs, scaling. */
export function formatPreset(p: Preset): string {
  const params = Object.entries(p.params).map(([k, v]) => `${k}=${String(v)}`).join(', ');
  return [
    `${p.id} — ${p.title}`,
    `  source   ${p.source}`,
    `  problem  ${p.problem}${params ? ` (${params})` : ''}`,
    `  methods  ${p.methods.join(', ')}`,
    `  options  ${flagsText(p.options) || '(problem defaults)'}`,
    ...Object.entries(p.methodOptions ?? {}).map(([m, o]) => `    ${m}: ${flagsText(o)}`),
    `  scaling  ${p.scaling || 'none: as in the paper'}`,
  ].join('\n');
}

function flagsText(options: Readonly<Record<string, string | number | boolean>>): string {
  return Object.entries(options).map(([k, v]) => `--${flagOf(k)} ${String(v)}`).join(' ');
}

/** The command-line flag of option `key` (run or any method option), else the key itself. */
function flagOf(key: string): string {
  return [...RUN_OPTIONS, ...METHODS.flatMap((m) => m.options)].find((s) => s.key === key)?.flag ?? key;
}

/** `  --flag VALUE  description At most N. (default: d)` lines, aligned; a size's declared maximum is part of its help. */
export function optionLines(specs: readonly OptionSpec[], indent = '  '): string[] {
  const heads = specs.map((s) => `--${s.flag}${s.type === 'boolean' ? '' : ` ${s.type === 'choice' ? (s.choices ?? []).join('|') : s.type === 'integer' ? 'INT' : 'NUM'}`}`);
  const w = Math.max(0, ...heads.map((h) => h.length));
  const most = (s: OptionSpec): string => (s.type === 'integer' && s.max !== undefined ? ` At most ${s.max}.` : '');
  return specs.map((s, i) => `${indent}${heads[i]!.padEnd(w)}  ${s.description}${most(s)} (default: ${defaultText(s)})`);
}

function specJson(s: OptionSpec): Record<string, unknown> {
  return { ...s, default: typeof s.default === 'function' ? 'derived' : s.default };
}
