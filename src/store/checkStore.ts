// Where hypergradient checks are kept (docs/run-store.md): a run's check in its folder as check.json,
// a check of no run as `.checks/<id>.json` under the runs folder (a dot folder, so run listings skip
// it). Written whole and atomically; a check file that cannot be read is reported, never fatal.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CHECK_SCHEMA_VERSION, type CheckRecord } from '../protocol/checkRecord';
import { parseRecord, stringifyRecord } from './recordJson';
import { RUN_ID_PATTERN } from './runId';
import { StoreWriteError } from './storeWriteError';
import { writeFileAtomic } from './writeFileAtomic';

/** A run's check, inside its run folder. */
export const CHECK_FILE = 'check.json';

/** The folder of checks that belong to no run, inside the runs folder. */
export const CHECKS_DIR = '.checks';

/** The file a check is kept in: its run's folder, or the runs folder's `.checks/`. */
export function checkFileOf(runsRoot: string, record: Pick<CheckRecord, 'id' | 'runId'>): string {
  const id = record.runId ?? record.id;
  if (!RUN_ID_PATTERN.test(id)) throw new Error(`'${id}' is not a run or check id`);
  return record.runId !== undefined ? path.join(runsRoot, id, CHECK_FILE) : path.join(runsRoot, CHECKS_DIR, `${id}.json`);
}

/** Writes a check (replacing an older check of the same run); returns the file. */
export function writeCheck(runsRoot: string, record: CheckRecord): string {
  const file = checkFileOf(runsRoot, record);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
  } catch (err) {
    throw StoreWriteError.of(err, path.dirname(file));
  }
  // Relative errors may be Infinity or NaN (a zero derivative): kept as the store keeps them in run.json.
  writeFileAtomic(file, stringifyRecord(record, 2) + '\n');
  return file;
}

/** The check kept in a run folder, undefined when it has none; throws with the file's name when it is unreadable. */
export function readRunCheck(runDir: string): CheckRecord | undefined {
  const file = path.join(runDir, CHECK_FILE);
  if (!existsSync(file)) return undefined;
  return parseCheck(file, readFileSync(file, 'utf8'));
}

/** The checks of no run under a runs folder, newest first; unreadable files go to `onBad`. */
export function listChecks(runsRoot: string, onBad: (file: string, error: string) => void = () => undefined): CheckRecord[] {
  const dir = path.join(runsRoot, CHECKS_DIR);
  if (!existsSync(dir)) return [];
  const out: CheckRecord[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.json')) continue;
    const file = path.join(dir, name);
    try {
      out.push(parseCheck(file, readFileSync(file, 'utf8')));
    } catch (err) {
      onBad(file, err instanceof Error ? err.message : String(err));
    }
  }
  return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** Parses and checks a check.json; the error names the file and what is wrong. */
export function parseCheck(file: string, text: string): CheckRecord {
  let value: unknown;
  try {
    value = parseRecord(text);
  } catch (err) {
    throw new Error(`${file} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const problem = checkShape(value);
  if (problem !== undefined) throw new Error(`${file} ${problem}`);
  return value as CheckRecord;
}

function checkShape(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null) return 'is not an object';
  const r = v as Record<string, unknown>;
  if (typeof r.schemaVersion !== 'number') return 'has no schemaVersion';
  if (r.schemaVersion > CHECK_SCHEMA_VERSION) return `has schema ${r.schemaVersion}, newer than this reader's ${CHECK_SCHEMA_VERSION}`;
  for (const key of ['id', 'createdAt', 'problem', 'method'] as const) if (typeof r[key] !== 'string') return `has no string ${key}`;
  if (r.runId !== undefined && typeof r.runId !== 'string') return 'has a runId that is not a string';
  if (typeof r.exact !== 'boolean') return 'has no boolean exact';
  if (typeof r.options !== 'object' || r.options === null) return 'has no options object';
  const c = r.check as Record<string, unknown> | undefined;
  if (typeof c !== 'object' || c === null) return 'has no check';
  if (!['pass', 'fail', 'approximate'].includes(c.verdict as string)) return `has an unknown verdict ${JSON.stringify(c.verdict)}`;
  if (typeof c.maxRelativeError !== 'number' || typeof c.relativeErrorVsRhg !== 'number') return 'has no numeric maxRelativeError/relativeErrorVsRhg';
  if (c.directions !== undefined && !(Array.isArray(c.directions) && c.directions.every((d) => typeof d === 'object' && d !== null && typeof d.analytic === 'number' && typeof d.finiteDifference === 'number'))) {
    return 'has directions without numeric analytic and finiteDifference';
  }
  return undefined;
}
