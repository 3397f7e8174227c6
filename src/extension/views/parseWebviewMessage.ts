// Checks every message the run panel's webview sends before the host acts on it. The webview runs
// under a strict CSP, so only the panel's own script can post; but a message's fields reach the file
// system (an export's format and chart name become a file name) and commands (a cancel's run id),
// so each field is checked against what the panel really sends, and anything else is refused.
import { CHART_EXPORT_FORMATS } from '../../protocol/webview';
import type { ChartExportFormat, WebviewToHost } from '../../protocol/webview';
import { RUN_ID_PATTERN } from '../../store/runId';

/** A checked message, or why it was refused. */
export type ParsedWebviewMessage = { readonly ok: true; readonly message: WebviewToHost } | { readonly ok: false; readonly error: string };

/** Longest chart id accepted (ids are `upperLoss`, `eval:<name>`, `stat:<key>`, `hist:<key>`). */
const MAX_CHART_ID = 200;
/** Largest exported image accepted (characters of a PNG data URL or SVG text). */
const MAX_EXPORT_CHARS = 64 * 1024 * 1024;
/** Most charts one export request can answer with. */
const MAX_EXPORT_TOTAL = 10_000;

const PNG_PREFIX = 'data:image/png;base64,';

/** The message with only the fields the host reads, each checked; unknown types and bad fields are refused. */
export function parseWebviewMessage(raw: unknown): ParsedWebviewMessage {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return refuse(`not a message object: ${describe(raw)}`);
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { ok: true, message: { type: 'ready' } };
    case 'cancel':
      if (typeof m.runId !== 'string' || !RUN_ID_PATTERN.test(m.runId)) return refuse(`cancel: runId ${describe(m.runId)} is not a run id`);
      return { ok: true, message: { type: 'cancel', runId: m.runId } };
    case 'cancelAll':
      return { ok: true, message: { type: 'cancelAll' } };
    case 'showCheck':
      if (typeof m.runId !== 'string' || !RUN_ID_PATTERN.test(m.runId)) return refuse(`showCheck: runId ${describe(m.runId)} is not a run id`);
      return { ok: true, message: { type: 'showCheck', runId: m.runId } };
    case 'export':
      return parseExport(m);
    case 'drawn':
      if (!isCount(m.charts)) return refuse(`drawn: charts ${describe(m.charts)} is not a count`);
      if (!isCount(m.points)) return refuse(`drawn: points ${describe(m.points)} is not a count`);
      return { ok: true, message: { type: 'drawn', charts: m.charts, points: m.points } };
    default:
      return refuse(`unknown message type ${describe(m.type)}`);
  }
}

function parseExport(m: Record<string, unknown>): ParsedWebviewMessage {
  const format = m.format;
  if (!isExportFormat(format)) return refuse(`export: format ${describe(format)} is not one the panel offers (${CHART_EXPORT_FORMATS.join(', ')})`);
  if (typeof m.chart !== 'string' || m.chart.length === 0 || m.chart.length > MAX_CHART_ID) return refuse(`export: chart ${describe(m.chart)} is not a chart id`);
  const data = m.data;
  if (typeof data !== 'string' || data.length > MAX_EXPORT_CHARS) return refuse(`export: data is not an image (${typeof data === 'string' ? `${data.length} characters` : describe(data)})`);
  const looksRight = format === 'png' ? data.startsWith(PNG_PREFIX) : /^\s*(<\?xml|<svg)/.test(data);
  if (!looksRight) return refuse(`export: data is not ${format === 'png' ? 'a PNG data URL' : 'SVG text'}: ${describe(data)}`);
  if (m.requestId !== undefined && !isCount(m.requestId)) return refuse(`export: requestId ${describe(m.requestId)} is not a request id`);
  if (m.total !== undefined && !(isCount(m.total) && m.total >= 1 && m.total <= MAX_EXPORT_TOTAL)) return refuse(`export: total ${describe(m.total)} is not a chart count`);
  return {
    ok: true,
    message: {
      type: 'export',
      format,
      chart: m.chart,
      data,
      ...(m.requestId !== undefined ? { requestId: m.requestId } : {}),
      ...(m.total !== undefined ? { total: m.total } : {}),
    },
  };
}

function isExportFormat(value: unknown): value is ChartExportFormat {
  return typeof value === 'string' && (CHART_EXPORT_FORMATS as readonly string[]).includes(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function refuse(error: string): ParsedWebviewMessage {
  return { ok: false, error };
}

/** A short, printable rendering of a refused value (it may be anything). */
function describe(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
