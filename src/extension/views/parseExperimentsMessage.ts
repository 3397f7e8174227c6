// Checks every message the experiments table's webview sends before the host acts on it, as
// parseWebviewMessage.ts does for the run panel: run ids reach commands and the store, column keys
// the CSV, so each field is checked against what the table really sends and anything else is refused.
import type { ExperimentsToHost } from '../../protocol/experimentsTable';
import { RUN_ID_PATTERN } from '../../store/runId';

/** A checked message, or why it was refused. */
export type ParsedExperimentsMessage = { readonly ok: true; readonly message: ExperimentsToHost } | { readonly ok: false; readonly error: string };

/** Most runs or columns one message may name. */
const MAX_ITEMS = 100_000;
/** Longest column key accepted (setting keys are option names, `problem.<param>`, `evals.<name>`). */
const MAX_KEY = 200;

/** The message with only the fields the host reads, each checked; unknown types and bad fields are refused. */
export function parseExperimentsMessage(raw: unknown): ParsedExperimentsMessage {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return refuse('not a message object');
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { ok: true, message: { type: 'ready' } };
    case 'openRun':
      if (typeof m.runId !== 'string' || !RUN_ID_PATTERN.test(m.runId)) return refuse('openRun: runId is not a run id');
      return { ok: true, message: { type: 'openRun', runId: m.runId } };
    case 'compare': {
      const runIds = runIdsOf(m.runIds);
      if (!runIds || runIds.length < 2) return refuse('compare: runIds is not a list of two or more run ids');
      return { ok: true, message: { type: 'compare', runIds } };
    }
    case 'exportCsv': {
      const runIds = runIdsOf(m.runIds);
      if (!runIds || runIds.length === 0) return refuse('exportCsv: runIds is not a list of run ids');
      const columns = m.columns;
      if (!Array.isArray(columns) || columns.length === 0 || columns.length > MAX_ITEMS || !columns.every((c) => typeof c === 'string' && c !== '' && c.length <= MAX_KEY)) {
        return refuse('exportCsv: columns is not a list of column keys');
      }
      return { ok: true, message: { type: 'exportCsv', runIds, columns: columns as string[] } };
    }
    default:
      return refuse(`unknown message type ${typeof m.type === 'string' ? JSON.stringify(m.type.slice(0, 40)) : typeof m.type}`);
  }
}

function runIdsOf(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || value.length > MAX_ITEMS) return undefined;
  return value.every((id) => typeof id === 'string' && RUN_ID_PATTERN.test(id)) ? (value as string[]) : undefined;
}

function refuse(error: string): ParsedExperimentsMessage {
  return { ok: false, error };
}
