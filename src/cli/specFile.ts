// `bilevel run --spec FILE`: the experiment read from JSON. The file holds an ExperimentSpec
// (docs/experiment-spec.md), or a run's run.json (or its `config`), which repeats that run exactly:
// same problem, method, resolved options and seed. Every field is checked with its path named.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { BUILTIN_PROBLEMS, getMethod, METHODS, RUN_OPTIONS } from '../core';
import type { MethodSpec, OptionValue } from '../core';
import { messageOf } from '../common/messageOf';
import { parseProblemRef } from '../common/problemId';
import { didYouMean } from '../common/suggest';
import type { ExperimentSpec, ProblemSource } from '../protocol/experiment';
import { PRESETS } from '../protocol/presets';
import type { SweepRunLine } from '../protocol/sweep';
import { runLineAt } from '../sweep/sweepRecord';
import type { RunConfig } from '../protocol/runRecord';
import { loadBuiltin } from '../runner/loadProblem';
import { specFromConfig, workspaceOfStore } from '../store/problemPaths';
import { COMMAND_FLAGS, GLOBAL_FLAGS, rejectUnknownFlags } from './commandFlags';
import type { ParsedArgs } from './parseArgs';
import type { PreparedProblem } from './prepareProblem';
import { UsageError } from './usageError';

/** Flags `run --spec` takes besides the spec: where and how to run, never what (`--index`: a runs.jsonl line). */
const SPEC_RUN_FLAGS = new Set(['spec', 'index', 'backend', 'store', 'no-store', 'json', 'name']);

/** Reads `file` as an ExperimentSpec; a run.json (or RunConfig) becomes the spec that repeats it. */
export function readSpecFile(file: string): ExperimentSpec {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--spec: cannot read ${file} as JSON: ${messageOf(err)}`);
  }
  if (!isObject(value)) throw new UsageError(`--spec: ${file} must hold a JSON object (an experiment spec or a run.json)`);
  const dir = path.dirname(path.resolve(file));
  // A run.json sits in <workspace>/.bilevel/runs/<id>/: its relative problem paths are the workspace's.
  const recordWorkspace = workspaceOfStore(path.dirname(dir)) ?? dir;
  if ('schemaVersion' in value && !isObject(value.config)) throw new UsageError(`${file}: config must be an object (a run.json written by bilevel)`);
  if (isObject(value.config)) return specFromConfig(checkConfig(value.config, file), recordWorkspace);
  if ('methodOptions' in value) return specFromConfig(checkConfig(value, file), dir);
  return checkSpec(value, file, dir);
}

/**
 * Line `--index` of a sweep's runs.jsonl (docs/sweeps.md) as an experiment spec, with the run id and
 * sweep tag it is recorded under. Throws a UsageError naming --index, the file and the valid range.
 */
export function readRunsJsonlLine(file: string, indexText: string | undefined): { spec: ExperimentSpec; line: SweepRunLine } {
  if (indexText === undefined) throw new UsageError(`--spec ${file} is a sweep's runs.jsonl: give --index I, the line to run (0-based)`);
  // sweep.sbatch passes "$SLURM_ARRAY_TASK_ID", empty outside a SLURM array task (the script run with sh).
  if (indexText === '') throw new UsageError(`--index is empty: give the line of ${file} to run (0-based); a sweep's sweep.sbatch passes $SLURM_ARRAY_TASK_ID, which only an array task has: submit it with sbatch`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--spec: cannot read ${file}: ${messageOf(err)}`);
  }
  const count = text.split('\n').filter((l, i, all) => !(i === all.length - 1 && l === '')).length;
  const index = /^\d+$/.test(indexText) ? Number(indexText) : NaN;
  if (!Number.isSafeInteger(index) || index >= count) {
    throw new UsageError(`--index ${indexText}: ${file} has ${count} run${count === 1 ? '' : 's'}; give a whole number from 0 to ${count - 1}`);
  }
  let line: SweepRunLine;
  try {
    line = runLineAt(text, index);
  } catch (err) {
    throw new UsageError(`${file}: ${messageOf(err)}`);
  }
  const { runId: _runId, sweep: _sweep, ...experiment } = line;
  const spec = checkSpec(experiment as unknown as Record<string, unknown>, `${file} line ${index + 1}`, path.dirname(path.resolve(file)));
  return { spec, line };
}

/** The prepared problem of a spec (run's `--spec`): its source, one method, its options as given; `line` for a runs.jsonl line. */
export function prepareSpec(args: ParsedArgs): { prepared: PreparedProblem; spec: ExperimentSpec; line?: SweepRunLine } {
  const file = args.flags.get('spec')!;
  if (file === '') throw new UsageError('--spec needs a file, e.g. --spec experiment.json');
  for (const flag of args.flags.keys()) {
    if (!SPEC_RUN_FLAGS.has(flag)) throw new UsageError(`--${flag} cannot be given with --spec: the spec file sets the problem, method and options (flags with --spec: ${[...SPEC_RUN_FLAGS].map((f) => `--${f}`).join(', ')})`);
  }
  rejectUnknownFlags('run', args.flags, [...GLOBAL_FLAGS, ...(COMMAND_FLAGS.run ?? [])]);
  const jsonl = file.endsWith('.jsonl');
  if (!jsonl && args.flags.has('index')) throw new UsageError(`--index ${args.flags.get('index')} picks a line of a sweep's runs.jsonl; --spec ${file} is not a .jsonl file`);
  const fromLine = jsonl ? readRunsJsonlLine(file, args.flags.get('index')) : undefined;
  const spec = fromLine?.spec ?? readSpecFile(file);
  const method = METHODS.find((m) => m.id === spec.method);
  if (!method) throw new UsageError(`${file}: method: unknown method '${spec.method}'; valid methods: ${METHODS.map((m) => m.id).join(', ')}`);
  const options = { ...spec.options };
  checkOptionKeys(options, method, file);
  // The preset is recorded with the run (config.preset), as a run from --preset records it.
  const preset = spec.preset !== undefined ? PRESETS.find((p) => p.id === spec.preset) : undefined;
  const common = { methods: [getMethod(spec.method)], optionsFor: () => options, ...(preset ? { preset } : {}) };
  const line = fromLine ? { line: fromLine.line } : {};
  if (spec.problem.kind === 'file') return { spec, ...line, prepared: { source: spec.problem, params: {}, ...common } };
  const builtinId = spec.problem.id;
  if (!BUILTIN_PROBLEMS.some((p) => p.id === builtinId)) {
    throw new UsageError(`${file}: problem: unknown problem '${builtinId}'; valid problems: ${BUILTIN_PROBLEMS.map((p) => p.id).join(', ')}, or a problem file path with its #export`);
  }
  const loaded = loadBuiltin(spec.problem);
  return { spec, ...line, prepared: { source: loaded.source, params: { ...loaded.params }, loaded, definition: loaded.definition, ...common } };
}

/** Fails before anything runs on an option key neither the run nor the method takes, suggesting the nearest key. */
function checkOptionKeys(options: Readonly<Record<string, OptionValue>>, method: MethodSpec, file: string): void {
  const specs = [...RUN_OPTIONS, ...method.options];
  const keys = new Set(specs.map((s) => s.key));
  for (const key of Object.keys(options)) {
    if (keys.has(key)) continue;
    const near = didYouMean(key, specs.map((s) => ({ name: s.key, aliases: [s.flag] })));
    throw new UsageError(`${file}: options: unknown option '${key}' for method '${method.id}'${near !== undefined ? `; did you mean '${near}'? ` : '; '}valid options: ${[...keys].join(', ')}`);
  }
}

function checkSpec(value: Record<string, unknown>, file: string, dir: string): ExperimentSpec {
  const known = new Set(['$schema', 'problem', 'method', 'options', 'name', 'preset']);
  for (const key of Object.keys(value)) if (!known.has(key)) throw new UsageError(`${file}: unknown field '${key}'; an experiment spec has ${[...known].slice(1).join(', ')}`);
  if (typeof value.method !== 'string') throw new UsageError(`${file}: method must be a method id string (${METHODS.map((m) => m.id).join(', ')})`);
  const options = value.options ?? {};
  if (!isObject(options) || !Object.values(options).every(isOptionValue)) throw new UsageError(`${file}: options must be an object of numbers, strings and booleans by option key (e.g. { "lowerSteps": 20 })`);
  for (const key of ['name', 'preset'] as const) if (value[key] !== undefined && typeof value[key] !== 'string') throw new UsageError(`${file}: ${key} must be a string`);
  return {
    problem: checkProblem(value.problem, file, dir),
    method: value.method,
    options: options as Record<string, OptionValue>,
    ...(typeof value.name === 'string' ? { name: value.name } : {}),
    ...(typeof value.preset === 'string' ? { preset: value.preset } : {}),
  };
}

/** A spec's `problem` (a built-in id, a file path with #export, or the object form), checked; a file's path resolved against `dir`. */
export function checkProblem(value: unknown, file: string, dir: string): ProblemSource {
  // A string is shorthand: a built-in id, or a problem file path with an optional #export.
  if (typeof value === 'string') {
    const ref = parseProblemRef(value);
    if (ref) return { kind: 'file', path: path.resolve(dir, ref.path), ...(ref.exportName !== undefined ? { exportName: ref.exportName } : {}) };
    return { kind: 'builtin', id: value, params: {} };
  }
  if (!isObject(value)) throw new UsageError(`${file}: problem must be a built-in id, a file path, or { "kind": "builtin", "id", "params" } / { "kind": "file", "path", "exportName" }`);
  if (value.kind === 'builtin') {
    if (typeof value.id !== 'string') throw new UsageError(`${file}: problem.id must be a built-in problem id`);
    const params = value.params ?? {};
    if (!isObject(params) || !Object.values(params).every(isOptionValue)) throw new UsageError(`${file}: problem.params must be an object of numbers, strings and booleans`);
    return { kind: 'builtin', id: value.id, params: params as Record<string, OptionValue> };
  }
  if (value.kind === 'file') {
    if (typeof value.path !== 'string' || value.path === '') throw new UsageError(`${file}: problem.path must be the problem file's path (relative to the spec file's folder)`);
    if (value.exportName !== undefined && typeof value.exportName !== 'string') throw new UsageError(`${file}: problem.exportName must be a string`);
    return { kind: 'file', path: path.resolve(dir, value.path), ...(typeof value.exportName === 'string' ? { exportName: value.exportName } : {}) };
  }
  throw new UsageError(`${file}: problem.kind must be "builtin" or "file", got ${JSON.stringify(value.kind)}`);
}

function checkConfig(value: Record<string, unknown>, file: string): RunConfig {
  const bad = (field: string, what: string): never => {
    throw new UsageError(`${file}: config.${field} must be ${what} (a run.json written by bilevel)`);
  };
  if (typeof value.problem !== 'string') bad('problem', 'a problem id');
  if (typeof value.method !== 'string') bad('method', 'a method id');
  if (!isObject(value.methodOptions)) bad('methodOptions', 'an object');
  if (typeof value.iterations !== 'number') bad('iterations', 'a number');
  if (typeof value.seed !== 'number') bad('seed', 'a number');
  if (value.problemParams !== undefined && !isObject(value.problemParams)) bad('problemParams', 'an object');
  if (value.preset !== undefined && typeof value.preset !== 'string') bad('preset', 'a preset id');
  return value as unknown as RunConfig;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isOptionValue(v: unknown): v is OptionValue {
  return typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean';
}
