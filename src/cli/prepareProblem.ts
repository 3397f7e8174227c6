// Turns a parsed command line into a problem source, method(s) and option values, checking every
// flag against the declarations before any tensor exists. `--problem` names a built-in or a problem
// file (`./mine.bilevel.ts`, `dir/p.mjs#lake`); `--spec FILE` (run) reads the whole experiment from
// JSON (specFile.ts). A problem file is compiled after the backend starts (startProblem), since
// its module code may create tensors.
import * as path from 'node:path';
import { BUILTIN_PROBLEMS, getMethod, METHODS, RUN_OPTIONS } from '../core';
import type { BuiltinProblem, MethodSpec, OptionValue, ProblemDefinition } from '../core';
import { parseProblemRef } from '../common/problemId';
import type { ProblemSource } from '../protocol/experiment';
import type { Preset } from '../protocol/presets';
import { loadBuiltin, loadProblem } from '../runner/loadProblem';
import type { LoadedProblem } from '../runner/loadProblem';
import type { BackendInfo } from '../runtime/backend';
import { parseBackendName, selectBackend } from '../runtime/backend';
import { runsDir } from '../store/runStore';
import { COMMAND_FLAGS, flagsFor, readOptions, rejectUnknownFlags } from './commandFlags';
import type { ParsedArgs } from './parseArgs';
import { parseDecimal } from './parseDecimal';
import { findPreset, presetOptionsFor } from './resolvePreset';
import { UsageError } from './usageError';

/** A command's problem and method(s), ready to run. */
export interface PreparedProblem {
  /** Where the problem comes from; a file's path is absolute. */
  readonly source: ProblemSource;
  /** The built-in family (absent for a problem file). */
  readonly family?: BuiltinProblem;
  /** Resolved problem parameters of a built-in (defaults filled in); empty for a file. */
  readonly params: Record<string, OptionValue>;
  /** A built-in, loaded at once (its options are checked before the backend starts); files load in startProblem. */
  readonly loaded?: LoadedProblem;
  /** The definition, when loaded (built-ins: always). */
  readonly definition?: ProblemDefinition<unknown, unknown>;
  readonly methods: readonly MethodSpec[];
  /** Run + method option values given (the preset's that the method declares, then the command line's), by key. */
  readonly optionsFor: (method: MethodSpec) => Record<string, OptionValue>;
  /** The `--preset` the problem, methods and options came from, if one was given. */
  readonly preset?: Preset;
}

/**
 * Looks up `--preset`, `--problem`, `--method`/`--methods`, rejects unknown flags and builds the
 * definition of a built-in. A preset fills whatever the command line leaves out: the problem, its
 * parameters (only when the problem is the preset's), the method (run: the preset's first; compare:
 * all of them) and options. `presets` is the list `--preset` looks in (tests pass their own).
 */
export function prepareProblem(command: string, args: ParsedArgs, presets?: readonly Preset[]): PreparedProblem {
  const flags = args.flags;
  const presetId = flags.get('preset');
  const preset = presetId !== undefined ? findPreset(presetId, presets) : undefined;
  const problemId = flags.get('problem') ?? preset?.problem;
  if (problemId === undefined || problemId === '') {
    throw new UsageError(`'${command}' needs --problem ID or --preset ID; valid problems: ${BUILTIN_PROBLEMS.map((p) => p.id).join(', ')}, or a problem file (./mine.bilevel.ts)`);
  }
  const ref = flags.has('problem') ? parseProblemRef(problemId) : undefined;
  const family = ref ? undefined : BUILTIN_PROBLEMS.find((p) => p.id === problemId);
  if (!ref && !family) {
    const source = flags.has('problem') ? '--problem' : `from preset '${preset!.id}'`;
    throw new UsageError(`unknown problem '${problemId}' (${source}); valid problems: ${BUILTIN_PROBLEMS.map((p) => p.id).join(', ')}, or a path to a problem file (.ts, .mts, .js, .mjs)`);
  }
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}' for '${command}'; flags are written --name value`);
  const optionsFor = (method: MethodSpec): Record<string, OptionValue> => ({ ...presetOptionsFor(preset, method), ...readOptions(flags, [...RUN_OPTIONS, ...method.options]) });
  // compare accepts every method's flags: each applies to the methods that declare it (see ignoredFlags).
  if (ref) {
    const methods = methodsOf(command, flags, preset, undefined);
    rejectParameterFlags(flags, problemId);
    rejectUnknownFlags(command, flags, flagsFor(command, null, command === 'compare' || command === 'sweep' ? METHODS : methods));
    const source: ProblemSource = { kind: 'file', path: path.resolve(ref.path), ...(ref.exportName !== undefined ? { exportName: ref.exportName } : {}) };
    return { source, params: {}, methods, optionsFor, ...(preset ? { preset } : {}) };
  }
  // Problem parameters shadowed by a command flag (grad's --y0) are the command's.
  const commandFlagNames = new Set((COMMAND_FLAGS[command] ?? []).map((f) => f.flag));
  const paramSpecs = family!.params.filter((s) => !commandFlagNames.has(s.flag));
  const presetParams = preset && preset.problem === family!.id ? preset.params : {};
  const loaded = loadBuiltin({ kind: 'builtin', id: family!.id, params: { ...presetParams, ...readOptions(flags, paramSpecs) } });
  const methods = methodsOf(command, flags, preset, loaded.definition.defaults?.method);
  rejectUnknownFlags(command, flags, flagsFor(command, family, command === 'compare' || command === 'sweep' ? METHODS : methods));
  return { source: loaded.source, family: family!, params: { ...loaded.params }, loaded, definition: loaded.definition, methods, optionsFor, ...(preset ? { preset } : {}) };
}

/** The method(s) a command runs: compare's list (or the preset's, or all), else one (the problem's default, else rhg). */
function methodsOf(command: string, flags: ReadonlyMap<string, string>, preset: Preset | undefined, problemDefault: string | undefined): MethodSpec[] {
  if (command === 'compare' || command === 'sweep') {
    const list = flags.get('methods');
    const ids = list !== undefined ? list.split(',').map((s) => s.trim()).filter((s) => s !== '') : (preset?.methods ?? METHODS.map((m) => m.id));
    if (ids.length === 0) throw new UsageError(`--methods is empty; valid methods: ${METHODS.map((m) => m.id).join(', ')}`);
    return ids.map((id) => methodById(id, list !== undefined ? '--methods' : preset ? `preset '${preset.id}'` : 'the default method list'));
  }
  const given = flags.get('method');
  // A file's own default method is known once it is compiled (startProblem takes it then).
  const id = given ?? preset?.methods[0] ?? problemDefault ?? 'rhg';
  return [methodById(id, given === undefined && preset ? `preset '${preset.id}'` : '--method')];
}

/** Flags of built-in problem parameters (`--n`, …) mean nothing to a problem file: say so, naming it. */
function rejectParameterFlags(flags: ReadonlyMap<string, string>, problem: string): void {
  const taken = new Set(flagsFor('run', null, METHODS).map((f) => f.flag));
  for (const flag of flags.keys()) {
    const owners = BUILTIN_PROBLEMS.filter((p) => p.params.some((s) => s.flag === flag)).map((p) => p.id);
    if (owners.length > 0 && !taken.has(flag)) {
      throw new UsageError(`--${flag} is a parameter of the built-in problem${owners.length > 1 ? 's' : ''} ${owners.join(', ')}; the problem file ${problem} takes no parameters (set values in the file)`);
    }
  }
}

/**
 * Starts `--backend` and loads the problem in the safe order: a built-in is already loaded; a
 * problem file is compiled after the backend is active (its module code may create tensors), with
 * the label run.json uses relative to `storeDir`'s workspace. Without `--method` a file's own
 * default method (defaults.method) replaces rhg. `started`: a backend this process already selected
 * (a sweep's worker process serves many runs on the one it started), used as it is.
 */
export async function startProblem(
  prepared: PreparedProblem,
  args: ParsedArgs,
  storeDirForLabel?: string,
  started?: BackendInfo,
): Promise<{ backend: BackendInfo; problem: LoadedProblem; prepared: PreparedProblem }> {
  const backend = started ?? (await startBackend(args.flags));
  if (prepared.loaded) return { backend, problem: prepared.loaded, prepared };
  const problem = await loadProblem(prepared.source, storeDirForLabel);
  const fileDefault = problem.definition.defaults?.method;
  const methods =
    fileDefault !== undefined && !args.flags.has('method') && !args.flags.has('methods') && prepared.preset === undefined && prepared.methods.length === 1
      ? [methodById(fileDefault, `defaults.method of ${problem.id}`)]
      : prepared.methods;
  return { backend, problem, prepared: { ...prepared, source: problem.source, loaded: problem, definition: problem.definition, methods } };
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


/**
 * Parses `--x`/`--y0` text for the variables `sizes` (in order): one number broadcasts to every
 * entry, a comma list must hold every entry (split across the variables in order).
 */
export function parsePoint(flag: string, text: string, sizes: readonly (readonly [string, number])[]): Record<string, number | number[]> {
  const parts = text.split(',').map((s) => s.trim());
  const parsed = parts.map(parseDecimal);
  const bad = parsed.findIndex((v) => v === undefined);
  if (bad >= 0) throw new UsageError(`--${flag}: '${parts[bad]}' is not a decimal number; give one number or a comma list of numbers`);
  const values = parsed as number[];
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
