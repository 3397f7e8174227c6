// Turns a parsed command line into a problem definition, method(s) and option values, checking
// every flag against the declarations before any tensor exists.
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { BUILTIN_PROBLEMS, createBuiltinProblem, getMethod, METHODS, resolveOptions, RUN_OPTIONS } from '../core';
import type { BuiltinProblem, MethodSpec, OptionValue, ProblemDefinition } from '../core';
import type { Preset } from '../protocol/presets';
import { runsDir } from '../store/runStore';
import type { BackendInfo } from '../runtime/backend';
import { parseBackendName, selectBackend } from '../runtime/backend';
import { COMMAND_FLAGS, flagsFor, readOptions, rejectUnknownFlags } from './commandFlags';
import type { ParsedArgs } from './parseArgs';
import { findPreset, presetOptionsFor } from './resolvePreset';
import { UsageError } from './usageError';
import { version as packageVersion } from '../../package.json';

/** A command's problem and method(s), ready to run. */
export interface PreparedProblem {
  readonly family: BuiltinProblem;
  /** Resolved problem parameters (defaults filled in). */
  readonly params: Record<string, OptionValue>;
  readonly definition: ProblemDefinition<unknown, unknown>;
  readonly methods: readonly MethodSpec[];
  /** Run + method option values given (the preset's that the method declares, then the command line's), by key. */
  readonly optionsFor: (method: MethodSpec) => Record<string, OptionValue>;
  /** The `--preset` the problem, methods and options came from, if one was given. */
  readonly preset?: Preset;
}

/**
 * Looks up `--preset`, `--problem`, `--method`/`--methods`, rejects unknown flags and builds the
 * definition. A preset fills whatever the command line leaves out: the problem, its parameters (only
 * when the problem is the preset's), the method (run: the preset's first; compare: all of them) and
 * options. `presets` is the list `--preset` looks in (tests pass their own).
 */
export function prepareProblem(command: string, args: ParsedArgs, presets?: readonly Preset[]): PreparedProblem {
  const flags = args.flags;
  const presetId = flags.get('preset');
  const preset = presetId !== undefined ? findPreset(presetId, presets) : undefined;
  const problemId = flags.get('problem') ?? preset?.problem;
  if (problemId === undefined || problemId === '') {
    throw new UsageError(`'${command}' needs --problem ID or --preset ID; valid problems: ${BUILTIN_PROBLEMS.map((p) => p.id).join(', ')}`);
  }
  const family = BUILTIN_PROBLEMS.find((p) => p.id === problemId);
  if (!family) {
    const source = flags.has('problem') ? '--problem' : `from preset '${preset!.id}'`;
    throw new UsageError(`unknown problem '${problemId}' (${source}); valid problems: ${BUILTIN_PROBLEMS.map((p) => p.id).join(', ')}`);
  }
  // Problem parameters shadowed by a command flag (grad's --y0) are the command's.
  const commandFlagNames = new Set((COMMAND_FLAGS[command] ?? []).map((f) => f.flag));
  const paramSpecs = family.params.filter((s) => !commandFlagNames.has(s.flag));
  const presetParams = preset && preset.problem === family.id ? preset.params : {};
  const params = resolveOptions(family.params, { ...presetParams, ...readOptions(flags, paramSpecs) });
  const definition = createBuiltinProblem(family.id, params);
  let methods: MethodSpec[];
  if (command === 'compare') {
    const list = flags.get('methods');
    const ids = list !== undefined ? list.split(',').map((s) => s.trim()).filter((s) => s !== '') : (preset?.methods ?? METHODS.map((m) => m.id));
    if (ids.length === 0) throw new UsageError(`--methods is empty; valid methods: ${METHODS.map((m) => m.id).join(', ')}`);
    methods = ids.map((id) => methodById(id, list !== undefined ? '--methods' : `preset '${preset!.id}'`));
  } else {
    const given = flags.get('method');
    const id = given ?? preset?.methods[0] ?? definition.defaults?.method ?? 'rhg';
    methods = [methodById(id, given === undefined && preset ? `preset '${preset.id}'` : '--method')];
  }
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}' for '${command}'; flags are written --name value`);
  // compare accepts every method's flags: each applies to the methods that declare it (see ignoredFlags).
  rejectUnknownFlags(command, flags, flagsFor(command, family, command === 'compare' ? METHODS : methods));
  return {
    family,
    params,
    definition,
    methods,
    optionsFor: (method) => ({ ...presetOptionsFor(preset, method), ...readOptions(flags, [...RUN_OPTIONS, ...method.options]) }),
    ...(preset ? { preset } : {}),
  };
}

/** Method flags given on the command line that none of `methods` declares (compare ignores them). */
export function ignoredFlags(flags: ReadonlyMap<string, string>, methods: readonly MethodSpec[]): string[] {
  const used = new Set(methods.flatMap((m) => m.options.map((s) => s.flag)));
  const methodFlags = new Set(METHODS.flatMap((m) => m.options.map((s) => s.flag)));
  return [...flags.keys()].filter((f) => methodFlags.has(f) && !used.has(f) && !RUN_OPTIONS.some((s) => s.flag === f));
}

function methodById(id: string, flag: string): MethodSpec {
  if (!METHODS.some((m) => m.id === id)) throw new UsageError(`unknown method '${id}' (${flag}); valid methods: ${METHODS.map((m) => m.id).join(', ')}`);
  return getMethod(id);
}

/** Selects `--backend` (default wasm); call once, before any tensor is created. */
export async function startBackend(flags: ReadonlyMap<string, string>): Promise<BackendInfo> {
  let name;
  try {
    name = parseBackendName(flags.get('backend') ?? 'wasm');
  } catch (err) {
    throw new UsageError(`--backend: ${(err as Error).message}`);
  }
  return selectBackend(name);
}

/** The runs folder: `--store DIR`, else `<cwd>/.bilevel/runs`. */
export function storeDir(flags: ReadonlyMap<string, string>): string {
  const dir = flags.get('store');
  return dir !== undefined && dir !== '' ? path.resolve(dir) : runsDir(process.cwd());
}

/** Versions recorded in run.json. */
export function versions(): Record<string, string> {
  return { bilevel: packageVersion, tfjs: tf.version_core, node: process.version };
}

/**
 * Parses `--x`/`--y0` text for the variables `sizes` (in order): one number broadcasts to every
 * entry, a comma list must hold every entry (split across the variables in order).
 */
export function parsePoint(flag: string, text: string, sizes: readonly (readonly [string, number])[]): Record<string, number | number[]> {
  const parts = text.split(',').map((s) => s.trim());
  const values = parts.map(Number);
  const bad = parts.findIndex((p, i) => p === '' || !Number.isFinite(values[i]));
  if (bad >= 0) throw new UsageError(`--${flag}: '${parts[bad]}' is not a number; give one number or a comma list of numbers`);
  if (values.length === 1) return Object.fromEntries(sizes.map(([name]) => [name, values[0]!]));
  const total = sizes.reduce((s, [, n]) => s + n, 0);
  if (values.length !== total) {
    const layout = sizes.map(([name, n]) => `${name}: ${n}`).join(', ');
    throw new UsageError(`--${flag}: got ${values.length} numbers, but the variables need ${total} (${layout}), or one number for every entry`);
  }
  const out: Record<string, number[]> = {};
  let offset = 0;
  for (const [name, n] of sizes) {
    out[name] = values.slice(offset, offset + n);
    offset += n;
  }
  return out;
}

/** [name, entry count] of each variable of a level, in declaration order. */
export function variableSizes(level: ProblemDefinition<unknown, unknown>['upper']): [string, number][] {
  return Object.entries(level.variables).map(([name, v]) => [name, v.shape.reduce((a, b) => a * b, 1)]);
}
