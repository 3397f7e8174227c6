// The experiments table's browser script: draws what tableModel.ts computes as a plain HTML table
// (no framework), and talks to the host through src/protocol/experimentsTable.ts. The host sends a
// full snapshot on `ready` and whenever runs change; sort, filter, shown columns and the selection
// persist with getState/setState (webview-view-sample), so a hidden or reloaded table comes back as
// it was. DOM hooks for UI tests: th[data-key] (aria-sort), tr[data-run-id], body[data-rows].
import type { ExperimentColumn, ExperimentRow, ExperimentsToHost, HostToExperiments } from '../../src/protocol/experimentsTable';
import {
  ariaSort,
  constantColumns,
  displayCell,
  filterRows,
  isColumnVisible,
  nextSort,
  parseFilter,
  pruneSelection,
  readTableState,
  selectedShown,
  setColumnVisible,
  setSelected,
  sortRows,
  toggleAllShown,
  type TableState,
} from './tableModel';

interface VsCodeApi {
  postMessage(message: ExperimentsToHost): void;
  getState(): unknown;
  setState(state: TableState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
let state: TableState = readTableState(vscode.getState());
let columns: readonly ExperimentColumn[] = [];
let rows: readonly ExperimentRow[] = [];
let snapshotSeen = false;

const GROUP_LABELS: Readonly<Record<ExperimentColumn['group'], string>> = { run: 'Run', setting: 'Settings', metric: 'Final metrics' };

// ---- page skeleton ------------------------------------------------------------------------------

const app = document.getElementById('app')!;
app.removeAttribute('aria-busy');
app.replaceChildren();

const toolbar = el('div', 'toolbar');
const filterInput = el('input', 'filter');
filterInput.id = 'experiments-filter';
filterInput.type = 'search';
filterInput.spellcheck = false;
filterInput.placeholder = 'Filter: text, method=rhg, upperLoss<0.1, duration>10s';
filterInput.setAttribute('aria-label', 'Filter runs: free text, or key=value, key<value, key>value on a column');
filterInput.value = state.filter;
const columnsButton = button('Columns', 'experiments-columns', 'Show or hide columns');
columnsButton.setAttribute('aria-expanded', 'false');
columnsButton.setAttribute('aria-controls', 'experiments-column-picker');
const compareButton = button('Compare selected', 'experiments-compare', 'Open the selected runs in one panel (two or more)');
const exportButton = button('Export CSV', 'experiments-export', 'Save the selected runs\u2019 rows, with the columns shown, as CSV');
const count = el('span', 'count');
count.id = 'experiments-count';
count.setAttribute('aria-live', 'polite');
toolbar.append(filterInput, columnsButton, compareButton, exportButton, count);

const filterError = el('div', 'filter-error');
filterError.id = 'experiments-filter-error';
filterError.setAttribute('role', 'status');

const picker = el('div', 'column-picker');
picker.id = 'experiments-column-picker';
picker.hidden = true;

const tableWrap = el('div', 'table-wrap');
const table = el('table', 'experiments-table');
table.id = 'experiments-table';
const thead = el('thead');
const tbody = el('tbody');
table.append(thead, tbody);
tableWrap.append(table);
const empty = el('p', 'empty-note');
empty.id = 'experiments-empty';

app.append(toolbar, filterError, picker, tableWrap, empty);

// ---- events -------------------------------------------------------------------------------------

filterInput.addEventListener('input', () => update({ ...state, filter: filterInput.value }));
columnsButton.addEventListener('click', () => {
  picker.hidden = !picker.hidden;
  columnsButton.setAttribute('aria-expanded', String(!picker.hidden));
  columnsButton.classList.toggle('on', !picker.hidden);
});
compareButton.addEventListener('click', () => {
  const ids = selectedShown(state.selected, shownRows()).map((r) => r.runId);
  if (ids.length >= 2) vscode.postMessage({ type: 'compare', runIds: ids });
});
exportButton.addEventListener('click', () => {
  const ids = selectedShown(state.selected, shownRows()).map((r) => r.runId);
  if (ids.length > 0) vscode.postMessage({ type: 'exportCsv', runIds: ids, columns: shownColumns().map((c) => c.key) });
});

window.addEventListener('message', (event: MessageEvent<HostToExperiments>) => {
  const m = event.data;
  if (m?.type !== 'snapshot') return;
  columns = m.columns;
  rows = m.rows;
  snapshotSeen = true;
  // Runs deleted since the selection was made are no longer selected.
  update({ ...state, selected: pruneSelection(state.selected, rows) });
});

vscode.postMessage({ type: 'ready' });

// ---- drawing ------------------------------------------------------------------------------------

function update(next: TableState): void {
  state = next;
  vscode.setState(state);
  render();
}

function shownColumns(): ExperimentColumn[] {
  const constant = constantColumns(columns, rows);
  return columns.filter((c) => isColumnVisible(c.key, state, constant));
}

function shownRows(): ExperimentRow[] {
  return sortRows(filterRows(rows, columns, state.filter), state.sort);
}

function render(): void {
  // Controls inside the table and the picker are rebuilt: the one with focus gets it back.
  const focused = focusSelector(document.activeElement);
  const visible = shownColumns();
  const shown = shownRows();
  const selected = selectedShown(state.selected, shown);
  const errors = parseFilter(state.filter, columns).errors;
  filterError.textContent = errors.join('; ');
  filterError.hidden = errors.length === 0;
  filterInput.classList.toggle('invalid', errors.length > 0);
  filterInput.setAttribute('aria-invalid', String(errors.length > 0));

  compareButton.disabled = selected.length < 2;
  exportButton.disabled = selected.length === 0;
  compareButton.textContent = selected.length >= 2 ? `Compare selected (${selected.length})` : 'Compare selected';
  exportButton.textContent = selected.length > 0 ? `Export CSV (${selected.length})` : 'Export CSV';
  count.textContent = `${shown.length === rows.length ? `${rows.length}` : `${shown.length} of ${rows.length}`} run${rows.length === 1 ? '' : 's'}${selected.length > 0 ? ` · ${selected.length} selected` : ''}`;

  renderHead(visible, shown, selected.length);
  renderBody(visible, shown);
  renderPicker();

  empty.hidden = !snapshotSeen || shown.length > 0;
  empty.textContent = rows.length === 0 ? 'No runs yet. Run a problem file (▶ Run above defineProblem) or `bilevel run`; its runs appear here.' : 'No run matches the filter.';
  document.body.dataset.rows = String(shown.length);
  document.body.dataset.columns = String(visible.length);
  document.body.dataset.snapshot = snapshotSeen ? '1' : '0';
  if (focused !== undefined) (document.querySelector(focused) as HTMLElement | null)?.focus();
}

/** A selector that finds a rebuilt control again: a header's sort button, a row's or a picker's checkbox. */
function focusSelector(e: Element | null): string | undefined {
  if (!(e instanceof HTMLElement) || !(tableWrap.contains(e) || picker.contains(e))) return undefined;
  if (e.id !== '') return `#${CSS.escape(e.id)}`;
  if (e.dataset.columnKey !== undefined) return `input[data-column-key="${CSS.escape(e.dataset.columnKey)}"]`;
  const th = e.closest('th');
  if (th?.dataset.key !== undefined) return `th[data-key="${CSS.escape(th.dataset.key)}"] button`;
  const tr = e.closest('tr');
  const td = e.closest('td');
  if (tr?.dataset.runId !== undefined) return `tr[data-run-id="${CSS.escape(tr.dataset.runId)}"] ${td?.dataset.key !== undefined ? `td[data-key="${CSS.escape(td.dataset.key)}"] button` : 'td.select input'}`;
  return undefined;
}

function renderHead(visible: readonly ExperimentColumn[], shown: readonly ExperimentRow[], selectedCount: number): void {
  const tr = el('tr');
  const selectTh = el('th', 'select');
  const all = el('input');
  all.type = 'checkbox';
  all.id = 'experiments-select-all';
  all.setAttribute('aria-label', 'Select every run shown');
  all.checked = shown.length > 0 && selectedCount === shown.length;
  all.indeterminate = selectedCount > 0 && selectedCount < shown.length;
  all.disabled = shown.length === 0;
  all.addEventListener('change', () => update({ ...state, selected: toggleAllShown(state.selected, shown) }));
  selectTh.append(all);
  tr.append(selectTh);
  for (const c of visible) {
    const th = el('th', `group-${c.group} kind-${c.kind}`);
    th.dataset.key = c.key;
    th.scope = 'col';
    const sort = ariaSort(state.sort, c.key);
    th.setAttribute('aria-sort', sort);
    const b = el('button', 'sort');
    b.type = 'button';
    b.title = `${c.description ? `${c.description}\n` : ''}Sort by ${c.key}; filter with ${c.key}=…`;
    const label = el('span');
    label.textContent = c.label;
    const mark = el('span', 'sort-mark');
    mark.setAttribute('aria-hidden', 'true');
    mark.textContent = sort === 'ascending' ? '▲' : sort === 'descending' ? '▼' : '';
    b.append(label, mark);
    b.addEventListener('click', () => update({ ...state, sort: nextSort(state.sort, c.key) }));
    th.append(b);
    tr.append(th);
  }
  thead.replaceChildren(tr);
}

function renderBody(visible: readonly ExperimentColumn[], shown: readonly ExperimentRow[]): void {
  const selected = new Set(state.selected);
  const trs = shown.map((row) => {
    const status = row.cells.status;
    const tr = el('tr', typeof status === 'string' ? `status-${status}` : undefined);
    tr.dataset.runId = row.runId;
    const on = selected.has(row.runId);
    tr.classList.toggle('selected', on);
    tr.setAttribute('aria-selected', String(on));
    const selectTd = el('td', 'select');
    const box = el('input');
    box.type = 'checkbox';
    box.checked = on;
    box.setAttribute('aria-label', `Select run ${row.runId}`);
    box.addEventListener('change', () => update({ ...state, selected: setSelected(state.selected, row.runId, box.checked) }));
    selectTd.append(box);
    tr.append(selectTd);
    for (const c of visible) {
      const value = row.cells[c.key];
      const td = el('td', `kind-${c.kind}${value === undefined ? ' missing' : ''}`);
      td.dataset.key = c.key;
      // The raw number beside its formatted text: what the sort compares, for tests and copy tools.
      if (typeof value === 'number') td.dataset.value = String(value);
      const text = displayCell(c.kind, value);
      if (c.key === 'name') {
        // The name opens the run's panel, as a click in the history does.
        const link = el('button', 'run-link');
        link.type = 'button';
        link.textContent = text;
        link.title = `Open run ${row.runId}`;
        link.addEventListener('click', () => vscode.postMessage({ type: 'openRun', runId: row.runId }));
        td.append(link);
      } else {
        td.textContent = text;
        if (c.key === 'check' && typeof value === 'string') td.classList.add(`check-${value}`);
        // The exact value (a rounded number, a long note) is one hover away.
        if (value !== undefined && text !== String(value)) td.title = Array.isArray(value) ? value.join(', ') : String(value);
      }
      tr.append(td);
    }
    return tr;
  });
  tbody.replaceChildren(...trs);
}

function renderPicker(): void {
  const constant = constantColumns(columns, rows);
  const toggle = el('label', 'show-constant');
  const toggleBox = el('input');
  toggleBox.type = 'checkbox';
  toggleBox.id = 'experiments-show-constant';
  toggleBox.checked = state.showConstant;
  toggleBox.addEventListener('change', () => update({ ...state, showConstant: toggleBox.checked }));
  toggle.append(toggleBox, ` show constant columns (${constant.size} the same in every run, or empty)`);
  const groups = (['run', 'setting', 'metric'] as const).flatMap((group) => {
    const list = columns.filter((c) => c.group === group);
    if (list.length === 0) return [];
    const fieldset = el('fieldset');
    const legend = el('legend');
    legend.textContent = GROUP_LABELS[group];
    fieldset.append(legend);
    for (const c of list) {
      const label = el('label');
      const box = el('input');
      box.type = 'checkbox';
      box.dataset.columnKey = c.key;
      box.checked = isColumnVisible(c.key, state, constant);
      box.addEventListener('change', () => update(setColumnVisible(state, c.key, box.checked)));
      label.append(box, ` ${c.label}${constant.has(c.key) ? ' (constant)' : ''}`);
      fieldset.append(label);
    }
    return [fieldset];
  });
  picker.replaceChildren(toggle, ...groups);
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  return e;
}

function button(text: string, id: string, title: string): HTMLButtonElement {
  const b = el('button');
  b.type = 'button';
  b.id = id;
  b.textContent = text;
  b.title = title;
  return b;
}
