// What the store hands to readers is checked here, once: every field a reader (history, panel, CSV,
// `bilevel run --spec`) reads has the type it reads it as. A run.json that fails is reported as a
// problem folder; a metrics line that fails is skipped and reported, so one odd file never breaks a
// view. Non-finite numbers are already numbers here (recordJson.ts).
import type { RunStatus } from '../protocol/metrics';
import { RUN_SCHEMA_VERSION } from '../protocol/runRecord';

type Json = Record<string, unknown>;

// What run.json may hold: never `queued` (a record is created when its run starts).
const STATUSES: readonly RunStatus[] = ['running', 'completed', 'diverged', 'failed', 'cancelled', 'interrupted'];

// IterationRecord fields that must be numbers, and those that may be absent.
const RECORD_NUMBERS = ['upperLoss', 'lowerLoss', 'hypergradNorm', 'lowerStationarity', 'forwardMs', 'backwardMs', 'gradientEvals', 'hvpEvals', 'numTensors', 'numBytes'] as const;
const RECORD_OPTIONAL_NUMBERS = ['upperDistance', 'lowerDistance', 'time'] as const;

/** What is wrong with a parsed run.json (as "has …" / "has no …"), or undefined when readers can use it. */
export function checkRunRecord(r: Json): string | undefined {
  if (typeof r.schemaVersion !== 'number') return 'has no schemaVersion';
  if (r.schemaVersion > RUN_SCHEMA_VERSION) return `has schema ${r.schemaVersion}, newer than this reader's ${RUN_SCHEMA_VERSION}`;
  if (!STATUSES.includes(r.status as RunStatus)) return `has an unknown status ${JSON.stringify(r.status)}`;
  if (!isObject(r.config)) return 'has no config';
  const config = r.config;
  for (const key of ['problem', 'method', 'backend'] as const) if (typeof config[key] !== 'string') return `has no string config.${key}`;
  for (const key of ['iterations', 'seed'] as const) if (typeof config[key] !== 'number') return `has no number config.${key}`;
  for (const key of ['problemParams', 'methodOptions'] as const) {
    if (config[key] !== undefined && !isObjectOf(config[key], isOptionValue)) return `has a config.${key} that is not an object of numbers, strings and booleans`;
  }
  if (config.preset !== undefined && typeof config.preset !== 'string') return 'has a config.preset that is not a string';
  if (config.sweep !== undefined && !(isObject(config.sweep) && typeof config.sweep.id === 'string' && Number.isInteger(config.sweep.index) && (config.sweep.index as number) >= 0)) {
    return 'has a config.sweep without a string id and a whole index ≥ 0';
  }
  if (!isDate(r.createdAt) || !isDate(r.updatedAt)) return 'has no createdAt/updatedAt date';
  if (typeof r.pid !== 'number' || typeof r.hostname !== 'string') return 'has no pid/hostname';
  for (const key of ['name', 'note', 'message'] as const) if (r[key] !== undefined && typeof r[key] !== 'string') return `has a ${key} that is not a string`;
  if (r.endedAt !== undefined && !isDate(r.endedAt)) return 'has an endedAt that is not a date';
  if (r.durationMs !== undefined && typeof r.durationMs !== 'number') return 'has a durationMs that is not a number';
  if (r.versions !== undefined && !isObjectOf(r.versions, (v) => typeof v === 'string')) return 'has versions that are not strings by package';
  if (r.backend !== undefined && !(isObject(r.backend) && typeof r.backend.name === 'string' && typeof r.backend.detail === 'string')) return 'has a backend without a name and detail';
  if (r.writer !== undefined && !isWriterToken(r.writer)) return 'has a writer token of the wrong shape';
  if (r.heartbeatMs !== undefined && !(typeof r.heartbeatMs === 'number' && r.heartbeatMs > 0)) return 'has a heartbeatMs that is not a number > 0';
  if (r.slurm !== undefined && !isSlurmJob(r.slurm)) return 'has a slurm job without a string jobId and node (and string arrayJobId, whole arrayTaskId ≥ 0 when present)';
  if (r.source !== undefined && !(isObject(r.source) && typeof r.source.file === 'string' && typeof r.source.sha256 === 'string')) return 'has a source without a string file and sha256';
  if (r.summary !== undefined) {
    const problem = checkSummary(r.summary);
    if (problem) return `has a summary ${problem}`;
  }
  return undefined;
}

/** What is wrong with a parsed metrics line (as "is …" / "has …"), or undefined when it is an IterationRecord. */
export function checkIterationRecord(value: unknown): string | undefined {
  if (!isObject(value)) return `is ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}, not a record object`;
  if (typeof value.iteration !== 'number' || !Number.isInteger(value.iteration) || value.iteration < 0) return 'has no iteration number';
  for (const key of RECORD_NUMBERS) if (typeof value[key] !== 'number') return `has no number ${key}`;
  for (const key of RECORD_OPTIONAL_NUMBERS) if (value[key] !== undefined && typeof value[key] !== 'number') return `has a ${key} that is not a number`;
  if (!isObjectOf(value.stats, isStatValue)) return 'has stats that are not numbers, booleans, strings or number arrays by name';
  if (value.evals !== undefined && !isObjectOf(value.evals, (v) => typeof v === 'number')) return 'has evals that are not numbers by name';
  return undefined;
}

function checkSummary(s: unknown): string | undefined {
  if (!isObject(s)) return 'that is not an object';
  for (const key of ['iterations', 'msPerIteration', 'peakTensors', 'peakBytes'] as const) if (typeof s[key] !== 'number') return `without a number ${key}`;
  if (s.iterationsToTolerance !== undefined && typeof s.iterationsToTolerance !== 'number') return 'whose iterationsToTolerance is not a number';
  const isNumbers = (v: unknown): boolean => Array.isArray(v) && v.every((n) => typeof n === 'number');
  for (const key of ['x', 'y'] as const) if (!isObjectOf(s[key], isNumbers)) return `whose ${key} is not number arrays by name`;
  if (s.shapes !== undefined && !(isObject(s.shapes) && isObjectOf(s.shapes.x, isNumbers) && isObjectOf(s.shapes.y, isNumbers))) return 'whose shapes are not number arrays by name for x and y';
  if (s.evals !== undefined && !isObjectOf(s.evals, (v) => typeof v === 'number')) return 'whose evals are not numbers by name';
  if (s.warnings !== undefined && !(Array.isArray(s.warnings) && s.warnings.every((w) => typeof w === 'string'))) return 'whose warnings are not strings';
  if (s.last !== undefined) {
    const problem = checkIterationRecord(s.last);
    if (problem) return `whose last record ${problem}`;
  }
  return undefined;
}

function isSlurmJob(j: unknown): boolean {
  if (!isObject(j) || typeof j.jobId !== 'string' || typeof j.node !== 'string') return false;
  return (j.arrayJobId === undefined || typeof j.arrayJobId === 'string') && (j.arrayTaskId === undefined || (Number.isInteger(j.arrayTaskId) && (j.arrayTaskId as number) >= 0));
}

function isWriterToken(t: unknown): boolean {
  if (!isObject(t) || typeof t.startedAt !== 'string') return false;
  return (t.bootId === undefined || typeof t.bootId === 'string') && (t.pidNamespace === undefined || typeof t.pidNamespace === 'string') && (t.startTicks === undefined || typeof t.startTicks === 'number');
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isObjectOf(v: unknown, each: (value: unknown) => boolean): boolean {
  return isObject(v) && Object.values(v).every(each);
}

function isDate(v: unknown): boolean {
  return typeof v === 'string' && Number.isFinite(Date.parse(v));
}

function isOptionValue(v: unknown): boolean {
  return typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean';
}

function isStatValue(v: unknown): boolean {
  return isOptionValue(v) || (Array.isArray(v) && v.every((n) => typeof n === 'number'));
}
