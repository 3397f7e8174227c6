// The experiments table's logic, with no DOM (so Node tests cover it): display text of a cell, the
// sort (numbers as numbers, missing values last in both directions), the filter grammar (free text
// and `key=value`, `key!=value`, `key<value`, `key>value`, `key<=value`, `key>=value` on a column),
// which columns show (settings equal in every run and empty columns are hidden unless asked for), the selection, and
// the state the table persists with setState. main.ts draws what this computes.
import { formatBytes, formatDuration, formatNumber } from '../../src/common/format';
import { didYouMean } from '../../src/common/suggest';
import type { CellValue, ColumnKind, ExperimentColumn, ExperimentRow } from '../../src/protocol/experimentsTable';

/** Sort by one column. */
export interface SortState {
  readonly key: string;
  readonly dir: 'asc' | 'desc';
}

/** What the table remembers across hides and reloads (vscode.setState). */
export interface TableState {
  readonly sort?: SortState;
  readonly filter: string;
  /** Columns the user showed (true) or hid (false) in the column picker, overriding the default. */
  readonly columns: Readonly<Record<string, boolean>>;
  /** Show the settings that are the same in every run (hidden by default). */
  readonly showConstant: boolean;
  /** Selected run ids. */
  readonly selected: readonly string[];
}

/** A fresh table: no sort, no filter, constant settings hidden, nothing selected. */
export const DEFAULT_TABLE_STATE: TableState = { filter: '', columns: {}, showConstant: false, selected: [] };

/** The persisted state if it has the right shape, field by field; the defaults for anything else. */
export function readTableState(raw: unknown): TableState {
  if (typeof raw !== 'object' || raw === null) return DEFAULT_TABLE_STATE;
  const r = raw as Record<string, unknown>;
  const sort = r.sort as Record<string, unknown> | undefined;
  const columns: Record<string, boolean> = {};
  if (typeof r.columns === 'object' && r.columns !== null) {
    for (const [k, v] of Object.entries(r.columns)) if (typeof v === 'boolean') columns[k] = v;
  }
  return {
    ...(typeof sort === 'object' && sort !== null && typeof sort.key === 'string' && (sort.dir === 'asc' || sort.dir === 'desc') ? { sort: { key: sort.key, dir: sort.dir } } : {}),
    filter: typeof r.filter === 'string' ? r.filter : '',
    columns,
    showConstant: r.showConstant === true,
    selected: Array.isArray(r.selected) ? r.selected.filter((id): id is string => typeof id === 'string') : [],
  };
}

// ---- display ------------------------------------------------------------------------------------

/** A cell as the table shows it: numbers through src/common/format.ts, times as local `YYYY-MM-DD HH:MM:SS`, missing as —. */
export function displayCell(kind: ColumnKind, value: CellValue | undefined): string {
  if (value === undefined) return '—';
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value !== 'number') return String(value);
  switch (kind) {
    case 'duration':
      return formatDuration(value);
    case 'bytes':
      return formatBytes(value);
    case 'time':
      return formatTime(value);
    case 'number':
      return formatNumber(value);
    default:
      // A setting is shown as written (runSettings.ts formatSetting): it is what was asked for.
      return String(value);
  }
}

/** Local date and time, `YYYY-MM-DD HH:MM:SS`. */
export function formatTime(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

// ---- sort ---------------------------------------------------------------------------------------

/** The sort after a click on column `key`: ascending first, then it flips. */
export function nextSort(current: SortState | undefined, key: string): SortState {
  return current?.key === key ? { key, dir: current.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' };
}

/** The header's `aria-sort` for column `key`. */
export function ariaSort(sort: SortState | undefined, key: string): 'ascending' | 'descending' | 'none' {
  return sort?.key !== key ? 'none' : sort.dir === 'asc' ? 'ascending' : 'descending';
}

/** Orders two present values: numbers numerically (NaN after every number), text naturally (`run2` before `run10`), numbers before booleans before text. */
export function compareValues(a: CellValue, b: CellValue): number {
  const rank = (v: CellValue): number => (typeof v === 'number' ? (Number.isNaN(v) ? 1 : 0) : typeof v === 'boolean' ? 2 : 3);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) ? 0 : a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return textOf(a).localeCompare(textOf(b), undefined, { numeric: true, sensitivity: 'base' });
}

/** The rows sorted by `sort` (stable; the host's order without a sort). Missing values go last in both directions, and so does NaN. */
export function sortRows(rows: readonly ExperimentRow[], sort: SortState | undefined): ExperimentRow[] {
  if (!sort) return [...rows];
  const sign = sort.dir === 'asc' ? 1 : -1;
  const missing = (v: CellValue | undefined): number => (v === undefined ? 2 : typeof v === 'number' && Number.isNaN(v) ? 1 : 0);
  return rows
    .map((row, index) => ({ row, index }))
    .sort((x, y) => {
      const a = x.row.cells[sort.key];
      const b = y.row.cells[sort.key];
      const ma = missing(a);
      const mb = missing(b);
      if (ma !== 0 || mb !== 0) return ma - mb || x.index - y.index;
      return sign * compareValues(a!, b!) || x.index - y.index;
    })
    .map((x) => x.row);
}

// ---- filter -------------------------------------------------------------------------------------

/** A comparison of a filter term. */
export type FilterOp = '=' | '!=' | '<' | '>' | '<=' | '>=';

/** One term of the filter: free text matched against every cell, or a comparison on one column. */
export type FilterTerm = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'compare'; readonly column: ExperimentColumn; readonly op: FilterOp; readonly value: string };

/** The terms of a filter, and the terms that could not be read (they are left out, and said). */
export interface ParsedFilter {
  readonly terms: readonly FilterTerm[];
  readonly errors: readonly string[];
}

const TERM = /^([A-Za-z_][\w.-]*)(<=|>=|!=|=|<|>)(.*)$/s;

/**
 * Reads a filter: terms separated by spaces, all of which a row must match. `key=value` (also `!=`,
 * `<`, `>`, `<=`, `>=`) compares column `key` (its key or header, any case); `key=` matches a missing
 * cell and `key!=` a present one. Anything else, or a term in double quotes, is text a cell must
 * contain (any case). An unknown column is an error with a "did you mean".
 */
export function parseFilter(text: string, columns: readonly ExperimentColumn[]): ParsedFilter {
  const terms: FilterTerm[] = [];
  const errors: string[] = [];
  for (const token of text.match(/(?:[^\s"]+|"[^"]*"?)+/g) ?? []) {
    if (token.startsWith('"')) {
      const inner = unquote(token);
      if (inner !== '') terms.push({ kind: 'text', text: inner.toLowerCase() });
      continue;
    }
    const m = TERM.exec(token);
    if (!m) {
      terms.push({ kind: 'text', text: unquote(token).toLowerCase() });
      continue;
    }
    const [, key, op, value] = m as unknown as [string, string, FilterOp, string];
    const column = findColumn(columns, key);
    if (!column) {
      const suggestion = didYouMean(key, columns.map((c) => c.key));
      errors.push(`no column '${key}'${suggestion !== undefined ? `: did you mean '${suggestion}'?` : ''}`);
      continue;
    }
    const v = unquote(value);
    if ((op === '<' || op === '>' || op === '<=' || op === '>=') && v === '') {
      errors.push(`'${token}' compares with nothing`);
      continue;
    }
    terms.push({ kind: 'compare', column, op, value: v });
  }
  return { terms, errors };
}

/** The column a filter names by key or header, any case. */
export function findColumn(columns: readonly ExperimentColumn[], name: string): ExperimentColumn | undefined {
  const n = name.toLowerCase();
  return columns.find((c) => c.key.toLowerCase() === n) ?? columns.find((c) => c.label.toLowerCase() === n);
}

/** True when the row matches every term. */
export function matchesFilter(row: ExperimentRow, columns: readonly ExperimentColumn[], terms: readonly FilterTerm[]): boolean {
  return terms.every((t) => (t.kind === 'text' ? rowContains(row, columns, t.text) : matchesTerm(t.column, row.cells[t.column.key], t.op, t.value)));
}

/** The rows that match the filter text (its unreadable terms left out). */
export function filterRows(rows: readonly ExperimentRow[], columns: readonly ExperimentColumn[], filter: string): ExperimentRow[] {
  const { terms } = parseFilter(filter, columns);
  return rows.filter((r) => matchesFilter(r, columns, terms));
}

function rowContains(row: ExperimentRow, columns: readonly ExperimentColumn[], text: string): boolean {
  if (row.runId.toLowerCase().includes(text)) return true;
  return columns.some((c) => {
    const v = row.cells[c.key];
    if (v === undefined) return false;
    return displayCell(c.kind, v).toLowerCase().includes(text) || textOf(v).toLowerCase().includes(text);
  });
}

function matchesTerm(column: ExperimentColumn, cell: CellValue | undefined, op: FilterOp, value: string): boolean {
  if (value === '' && (op === '=' || op === '!=')) return (cell === undefined) === (op === '=');
  if (op === '=' || op === '!=') return (cell !== undefined && equalsValue(column, cell, value)) === (op === '=');
  if (cell === undefined) return false;
  const values = Array.isArray(cell) ? cell : [cell as Exclude<CellValue, readonly string[]>];
  return values.some((v) => {
    const target = typeof v === 'number' ? parseQuantity(column.kind, value) : undefined;
    const c = typeof v === 'number' && target !== undefined ? (Number.isNaN(v) ? NaN : v - target) : String(v).localeCompare(value, undefined, { numeric: true, sensitivity: 'base' });
    if (Number.isNaN(c)) return false;
    return op === '<' ? c < 0 : op === '>' ? c > 0 : op === '<=' ? c <= 0 : c >= 0;
  });
}

function equalsValue(column: ExperimentColumn, cell: CellValue, value: string): boolean {
  const v = value.toLowerCase();
  if (Array.isArray(cell)) return cell.some((item) => item.toLowerCase() === v);
  if (typeof cell === 'number') {
    const target = parseQuantity(column.kind, value);
    if (target !== undefined && (target === cell || (Number.isNaN(target) && Number.isNaN(cell)))) return true;
  }
  // What the table shows counts too, so `upperLoss=0.1235` finds the row that reads 0.1235.
  return String(cell).toLowerCase() === v || displayCell(column.kind, cell).toLowerCase() === v;
}

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000 };
const BYTE_UNITS: Readonly<Record<string, number>> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

/**
 * A filter value as a number in the column's units: durations in ms (`250ms`, `4s`, `2min`, `1h`; a
 * bare number is ms), bytes (`512KiB`, `1MB`; bare: bytes), times as dates (`2026-12-06`,
 * `2026-12-06T10:00`), anything else as a plain number. Undefined when it is none of these.
 */
export function parseQuantity(kind: ColumnKind, text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (kind === 'time') {
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? undefined : ms;
  }
  if (kind === 'duration' || kind === 'bytes') {
    const m = /^([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*([a-z]*)$/i.exec(t);
    if (!m) return undefined;
    const units = kind === 'duration' ? DURATION_UNITS : BYTE_UNITS;
    const factor = m[2] === '' ? 1 : units[m[2]!.toLowerCase()];
    return factor === undefined ? undefined : Number(m[1]) * factor;
  }
  if (/^nan$/i.test(t)) return NaN;
  const n = Number(t);
  return Number.isNaN(n) ? undefined : n;
}

// ---- columns ------------------------------------------------------------------------------------

/**
 * The columns that tell the runs apart by nothing: settings whose value is the same in every row (a
 * missing value counts as one value; none for fewer than two rows), and any column empty in every
 * row (a check, note or tag column before there is one).
 */
export function constantColumns(columns: readonly ExperimentColumn[], rows: readonly ExperimentRow[]): Set<string> {
  const out = new Set<string>();
  if (rows.length === 0) return out;
  for (const c of columns) {
    if (rows.every((r) => r.cells[c.key] === undefined)) out.add(c.key);
    else if (c.group === 'setting' && rows.length >= 2 && rows.every((r) => sameValue(r.cells[c.key], rows[0]!.cells[c.key]))) out.add(c.key);
  }
  return out;
}

/** True when column `key` shows: the user's choice in the picker, else everything but constant settings (unless they are asked for). */
export function isColumnVisible(key: string, state: Pick<TableState, 'columns' | 'showConstant'>, constant: ReadonlySet<string>): boolean {
  return state.columns[key] ?? !(constant.has(key) && !state.showConstant);
}

/** The columns that show, in table order. */
export function visibleColumns(columns: readonly ExperimentColumn[], rows: readonly ExperimentRow[], state: Pick<TableState, 'columns' | 'showConstant'>): ExperimentColumn[] {
  const constant = constantColumns(columns, rows);
  return columns.filter((c) => isColumnVisible(c.key, state, constant));
}

/** The state after the picker's checkbox of column `key` was set to `shown`. */
export function setColumnVisible(state: TableState, key: string, shown: boolean): TableState {
  return { ...state, columns: { ...state.columns, [key]: shown } };
}

// ---- selection ----------------------------------------------------------------------------------

/** The selection after one row's checkbox was set. */
export function setSelected(selected: readonly string[], runId: string, on: boolean): string[] {
  const rest = selected.filter((id) => id !== runId);
  return on ? [...rest, runId] : rest;
}

/** The selection after the header checkbox: every shown row selected, or (when all already were) none of them. */
export function toggleAllShown(selected: readonly string[], shown: readonly ExperimentRow[]): string[] {
  const ids = shown.map((r) => r.runId);
  const set = new Set(selected);
  if (ids.length > 0 && ids.every((id) => set.has(id))) return selected.filter((id) => !ids.includes(id));
  return [...selected, ...ids.filter((id) => !set.has(id))];
}

/** The selected rows among those shown, in table order: what Compare and Export act on. */
export function selectedShown(selected: readonly string[], shown: readonly ExperimentRow[]): ExperimentRow[] {
  const set = new Set(selected);
  return shown.filter((r) => set.has(r.runId));
}

/** The selection without runs that are gone from the table. */
export function pruneSelection(selected: readonly string[], rows: readonly ExperimentRow[]): string[] {
  const ids = new Set(rows.map((r) => r.runId));
  return selected.filter((id) => ids.has(id));
}

// ---- helpers ------------------------------------------------------------------------------------

function textOf(v: CellValue): string {
  return Array.isArray(v) ? v.join(', ') : String(v);
}

function sameValue(a: CellValue | undefined, b: CellValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => x === b[i]);
  return Object.is(a, b);
}

function unquote(text: string): string {
  return text.replace(/"/g, '');
}
