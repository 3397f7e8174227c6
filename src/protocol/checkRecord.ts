// A hypergradient check as the store keeps it (docs/run-store.md, check.json): with the run it belongs
// to, or on its own. Shared by the store, the extension and the webview.
import type { CheckView } from './webview';

/** Current check.json schema version. */
export const CHECK_SCHEMA_VERSION = 1;

/** The contents of a check.json. */
export interface CheckRecord {
  readonly schemaVersion: number;
  /** `<run id>` for a run's check; otherwise a fresh id (makeRunId's form, with `check` for the method part). */
  readonly id: string;
  /** The run the check belongs to (Compare Methods with "check"), if any. */
  readonly runId?: string;
  readonly createdAt: string;
  /** Problem id (built-in id or `<file>#<export>`, as in run.json's config.problem). */
  readonly problem: string;
  readonly method: string;
  /** The options the check ran with, as given (the worker resolves them). */
  readonly options: Readonly<Record<string, number | string | boolean>>;
  /** True when the method's estimate should equal the FD gradient of its approximate problem. */
  readonly exact: boolean;
  /** The verdict, tolerances and per-direction details, as every view shows them. */
  readonly check: CheckView;
}
