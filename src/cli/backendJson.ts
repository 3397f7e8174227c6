// The backend fields every JSON-printing command shares, so scripts read one shape everywhere.
import type { BackendInfo, SkippedBackend } from '../runtime/backend';

/** What `bilevel grad|check|run|compare --json` print about the backend that ran. */
export interface BackendJson {
  /** The backend that ran (tfjs's name for it). */
  readonly backend: string;
  /** Its versions and hardware: GPU adapter, wasm SIMD and threads. */
  readonly backendDetail: string;
  /** Backends `--backend auto` passed over and why; absent when none was. */
  readonly skipped?: readonly SkippedBackend[];
}

/** The {@link BackendJson} fields of `info`. */
export function backendJson(info: BackendInfo): BackendJson {
  return { backend: info.name, backendDetail: info.detail, ...(info.skipped.length > 0 ? { skipped: info.skipped } : {}) };
}
