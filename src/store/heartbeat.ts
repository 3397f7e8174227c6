// The heartbeat rule: a `running` record whose writer promised to beat (`heartbeatMs`) and has not
// rewritten run.json for STALE_BEATS intervals is taken as `interrupted` by readers on any host
// (docs/run-store.md, "The interrupted rule"). Pure: the reader's clock is passed in.
import { STALE_BEATS } from '../protocol/runRecord';
import type { RunRecord } from '../protocol/runRecord';

/** How long (ms) a record may go without a beat before readers take it as interrupted; undefined when its writer does not beat. */
export function staleAfterMs(record: Pick<RunRecord, 'heartbeatMs'>): number | undefined {
  const beat = record.heartbeatMs;
  return beat !== undefined && Number.isFinite(beat) && beat > 0 ? STALE_BEATS * beat : undefined;
}

/**
 * When (ms since the epoch) a `running` record with no further beat turns stale: a reader that only
 * watches files (a dead writer writes nothing) looks again then. Undefined when its writer does not beat.
 */
export function staleAt(record: Pick<RunRecord, 'heartbeatMs' | 'updatedAt'>): number | undefined {
  const limit = staleAfterMs(record);
  const at = Date.parse(record.updatedAt);
  return limit !== undefined && Number.isFinite(at) ? at + limit : undefined;
}

/** Whether `record`'s last beat (`updatedAt`) is older than its limit at time `now` (ms since the epoch). */
export function isHeartbeatStale(record: Pick<RunRecord, 'heartbeatMs' | 'updatedAt'>, now: number): boolean {
  const at = staleAt(record);
  return at !== undefined && now > at;
}
