// The experiments table's logic (webview/experiments/tableModel.ts): the sort (numbers as numbers,
// missing values and NaN last both ways), the filter grammar, which columns show (constant settings
// hidden unless asked for), the selection and the persisted state.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExperimentColumn, ExperimentRow } from '../../../src/protocol/experimentsTable';
import {
  ariaSort,
  constantColumns,
  DEFAULT_TABLE_STATE,
  displayCell,
  filterRows,
  formatTime,
  nextSort,
  parseFilter,
  parseQuantity,
  pruneSelection,
  readTableState,
  selectedShown,
  setColumnVisible,
  setSelected,
  sortRows,
  toggleAllShown,
  visibleColumns,
} from '../../../webview/experiments/tableModel';

const COLUMNS: ExperimentColumn[] = [
  { key: 'status', label: 'status', kind: 'text', group: 'run' },
  { key: 'name', label: 'name', kind: 'text', group: 'run' },
  { key: 'method', label: 'method', kind: 'text', group: 'run' },
  { key: 'created', label: 'created', kind: 'time', group: 'run' },
  { key: 'duration', label: 'duration', kind: 'duration', group: 'run' },
  { key: 'note', label: 'note', kind: 'text', group: 'run' },
  { key: 'tags', label: 'tags', kind: 'text', group: 'run' },
  { key: 'K', label: 'K', kind: 'number', group: 'setting' },
  { key: 'lr', label: 'lr', kind: 'number', group: 'setting' },
  { key: 'backend', label: 'backend', kind: 'text', group: 'setting' },
  { key: 'cgIterations', label: 'cgIterations', kind: 'number', group: 'setting' },
  { key: 'upperLoss', label: 'upperLoss', kind: 'number', group: 'metric' },
  { key: 'peakBytes', label: 'peakBytes', kind: 'bytes', group: 'metric' },
];

const ROWS: ExperimentRow[] = [
  { runId: 'rhg-1', cells: { status: 'completed', name: 'baseline', method: 'rhg', created: 1000, duration: 1500, K: 20, lr: 0.1, backend: 'cpu', upperLoss: 0.25, peakBytes: 2048, note: 'lr too high', tags: ['franceschi-2018', 'baseline'] } },
  { runId: 'cg-2', cells: { status: 'diverged', name: 'cg', method: 'cg', created: 2000, duration: 65_000, K: 100, lr: 0.1, backend: 'cpu', cgIterations: 5, upperLoss: NaN } },
  { runId: 'fom-3', cells: { status: 'running', name: 'fom', method: 'fom', created: 3000, K: 9, lr: 0.1, backend: 'cpu' } },
  { runId: 'rhg-4', cells: { status: 'completed', name: 'run10', method: 'rhg', created: 4000, duration: 900, K: 20, lr: 0.1, backend: 'cpu', upperLoss: 0.05, peakBytes: 512 } },
];

const ids = (rows: readonly ExperimentRow[]): string[] => rows.map((r) => r.runId);

describe('sortRows', () => {
  it('sorts numbers as numbers (9 < 20 < 100), not as text', () => {
    assert.deepEqual(ids(sortRows(ROWS, { key: 'K', dir: 'asc' })), ['fom-3', 'rhg-1', 'rhg-4', 'cg-2'], 'ties keep the host order');
    assert.deepEqual(ids(sortRows(ROWS, { key: 'K', dir: 'desc' })), ['cg-2', 'rhg-1', 'rhg-4', 'fom-3']);
  });

  it('puts missing values last in both directions, NaN just before them', () => {
    assert.deepEqual(ids(sortRows(ROWS, { key: 'upperLoss', dir: 'asc' })), ['rhg-4', 'rhg-1', 'cg-2', 'fom-3']);
    assert.deepEqual(ids(sortRows(ROWS, { key: 'upperLoss', dir: 'desc' })), ['rhg-1', 'rhg-4', 'cg-2', 'fom-3']);
    assert.deepEqual(ids(sortRows(ROWS, { key: 'cgIterations', dir: 'desc' })), ['cg-2', 'rhg-1', 'fom-3', 'rhg-4']);
  });

  it('sorts text naturally and case-blind, and keeps the host order without a sort', () => {
    assert.deepEqual(ids(sortRows(ROWS, { key: 'name', dir: 'asc' })), ['rhg-1', 'cg-2', 'fom-3', 'rhg-4']);
    const names: ExperimentRow[] = ['run10', 'Run2', 'run1'].map((name) => ({ runId: name, cells: { name } }));
    assert.deepEqual(ids(sortRows(names, { key: 'name', dir: 'asc' })), ['run1', 'Run2', 'run10']);
    assert.deepEqual(ids(sortRows(ROWS, undefined)), ids(ROWS));
  });

  it('clicks sort ascending, then flip; aria-sort follows', () => {
    const first = nextSort(undefined, 'K');
    assert.deepEqual(first, { key: 'K', dir: 'asc' });
    const second = nextSort(first, 'K');
    assert.deepEqual(second, { key: 'K', dir: 'desc' });
    assert.deepEqual(nextSort(second, 'K'), { key: 'K', dir: 'asc' });
    assert.deepEqual(nextSort(second, 'lr'), { key: 'lr', dir: 'asc' });
    assert.equal(ariaSort(first, 'K'), 'ascending');
    assert.equal(ariaSort(second, 'K'), 'descending');
    assert.equal(ariaSort(second, 'lr'), 'none');
    assert.equal(ariaSort(undefined, 'K'), 'none');
  });
});

describe('filter', () => {
  const run = (text: string): string[] => ids(filterRows(ROWS, COLUMNS, text));

  it('matches free text in any cell, any case, and the run id', () => {
    assert.deepEqual(run('BASELINE'), ['rhg-1']);
    assert.deepEqual(run('too high'), ['rhg-1'], 'two words: both must match');
    assert.deepEqual(run('"lr too"'), ['rhg-1'], 'quoted words are one term');
    assert.deepEqual(run('cg-2'), ['cg-2']);
    assert.deepEqual(run('2.00 KiB'), ['rhg-1'], 'what the table shows is matched too');
  });

  it('compares a column with key=value, key!=value, key<value, key>value (numbers numerically)', () => {
    assert.deepEqual(run('method=rhg'), ['rhg-1', 'rhg-4']);
    assert.deepEqual(run('METHOD=RHG upperLoss<0.1'), ['rhg-4']);
    assert.deepEqual(run('method!=rhg'), ['cg-2', 'fom-3']);
    assert.deepEqual(run('K>=20'), ['rhg-1', 'cg-2', 'rhg-4']);
    assert.deepEqual(run('K>9'), ['rhg-1', 'cg-2', 'rhg-4'], '100 > 9 as numbers');
    assert.deepEqual(run('upperLoss>0'), ['rhg-1', 'rhg-4'], 'NaN and missing never compare');
    assert.deepEqual(run('upperLoss=NaN'), ['cg-2']);
    assert.deepEqual(run('tags=baseline'), ['rhg-1'], 'a tag list matches when one tag does');
    assert.deepEqual(run('note="lr too high"'), ['rhg-1']);
  });

  it('reads durations, bytes and dates in the column\u2019s units', () => {
    assert.deepEqual(run('duration>1s'), ['rhg-1', 'cg-2']);
    assert.deepEqual(run('duration<1min'), ['rhg-1', 'rhg-4']);
    assert.deepEqual(run('peakBytes>=1KiB'), ['rhg-1']);
    assert.deepEqual(run('created>2000-01-01'), [], 'a time compares with a date');
    assert.deepEqual(run('created<1971-01-01'), ids(ROWS));
    assert.equal(parseQuantity('duration', '2min'), 120_000);
    assert.equal(parseQuantity('duration', '250'), 250);
    assert.equal(parseQuantity('bytes', '1.5MiB'), 1.5 * 1024 * 1024);
    assert.equal(parseQuantity('time', '2026-12-06T10:00:00Z'), Date.UTC(2026, 11, 6, 10));
    assert.equal(parseQuantity('number', '1e-3'), 1e-3);
    assert.equal(parseQuantity('number', 'abc'), undefined);
    assert.equal(parseQuantity('duration', '3 parsecs'), undefined);
  });

  it('key= matches a missing cell and key!= a present one', () => {
    assert.deepEqual(run('duration='), ['fom-3']);
    assert.deepEqual(run('cgIterations!='), ['cg-2']);
  });

  it('says which terms it cannot read (with a did-you-mean), and leaves them out', () => {
    const parsed = parseFilter('methd=rhg K<', COLUMNS);
    assert.deepEqual(parsed.errors, ["no column 'methd': did you mean 'method'?", "'K<' compares with nothing"]);
    assert.deepEqual(parsed.terms, []);
    assert.deepEqual(run('methd=rhg'), ids(ROWS));
    assert.deepEqual(parseFilter('zzzzzz=1', COLUMNS).errors, ["no column 'zzzzzz'"]);
  });
});

describe('columns', () => {
  it('finds settings equal in every run (not run columns or metrics, and not with one run) and columns empty in every run', () => {
    assert.deepEqual([...constantColumns(COLUMNS, ROWS)].sort(), ['backend', 'lr']);
    const one = ROWS.slice(0, 1);
    assert.deepEqual([...constantColumns(COLUMNS, one)], ['cgIterations'], 'one run: only its empty columns');
    const same = ROWS.map((r) => ({ runId: r.runId, cells: { ...r.cells, status: 'completed', upperLoss: 1 } }));
    assert.ok(!constantColumns(COLUMNS, same).has('status') && !constantColumns(COLUMNS, same).has('upperLoss'), 'equal run columns and metrics still show');
    assert.deepEqual([...constantColumns(COLUMNS, [])], []);
    assert.ok(!constantColumns(COLUMNS, [{ runId: 'a', cells: { lr: 0.1 } }, { runId: 'b', cells: {} }]).has('lr'), 'present in one run, missing in another: not constant');
    assert.ok(constantColumns(COLUMNS, [{ runId: 'a', cells: {} }, { runId: 'b', cells: {} }]).has('note'), 'empty everywhere: hidden too');
    assert.ok(!constantColumns(COLUMNS, [{ runId: 'a', cells: { K: 1 } }, { runId: 'b', cells: { K: '1' } }]).has('K'), 'a number and its text differ');
  });

  it('hides constant settings by default, shows them on request, and lets the picker override either way', () => {
    const keys = (state: typeof DEFAULT_TABLE_STATE): string[] => visibleColumns(COLUMNS, ROWS, state).map((c) => c.key);
    const hidden = keys(DEFAULT_TABLE_STATE);
    assert.ok(!hidden.includes('lr') && !hidden.includes('backend'));
    assert.ok(hidden.includes('K') && hidden.includes('upperLoss') && hidden.includes('status'));
    assert.deepEqual(keys({ ...DEFAULT_TABLE_STATE, showConstant: true }), COLUMNS.map((c) => c.key));
    const picked = setColumnVisible(setColumnVisible(DEFAULT_TABLE_STATE, 'lr', true), 'note', false);
    assert.ok(keys(picked).includes('lr'));
    assert.ok(!keys(picked).includes('note'));
    assert.ok(!keys({ ...picked, showConstant: true }).includes('note'), 'a column the user hid stays hidden');
  });

  it('shows cells through the shared formats', () => {
    assert.equal(displayCell('number', 0.123456), '0.1235');
    assert.equal(displayCell('number', NaN), 'NaN');
    assert.equal(displayCell('duration', 65_000), '1 min 05 s');
    assert.equal(displayCell('bytes', 2048), '2.00 KiB');
    assert.equal(displayCell('text', 0.123456), '0.123456', 'settings as written');
    assert.equal(displayCell('text', true), 'true');
    assert.equal(displayCell('text', ['a', 'b']), 'a, b');
    assert.equal(displayCell('number', undefined), '—');
    const t = new Date(2026, 11, 6, 3, 4, 5).getTime();
    assert.equal(displayCell('time', t), '2026-12-06 03:04:05');
    assert.equal(formatTime(NaN), '—');
  });
});

describe('selection and state', () => {
  it('selects rows, all shown rows, and acts on the selected rows that are shown', () => {
    let selected = setSelected([], 'cg-2', true);
    selected = setSelected(selected, 'rhg-1', true);
    assert.deepEqual(selected, ['cg-2', 'rhg-1']);
    assert.deepEqual(setSelected(selected, 'cg-2', false), ['rhg-1']);
    const shown = filterRows(ROWS, COLUMNS, 'method=rhg');
    assert.deepEqual(ids(selectedShown(selected, shown)), ['rhg-1'], 'a selected row the filter hides is not acted on');
    const all = toggleAllShown(selected, shown);
    assert.deepEqual(all, ['cg-2', 'rhg-1', 'rhg-4']);
    assert.deepEqual(toggleAllShown(all, shown), ['cg-2'], 'all shown selected: the header box clears them');
    assert.deepEqual(pruneSelection(['gone-9', 'rhg-1'], ROWS), ['rhg-1']);
  });

  it('reads back what it persisted, and defaults for anything malformed', () => {
    const state = { sort: { key: 'K', dir: 'desc' as const }, filter: 'method=rhg', columns: { lr: true, note: false }, showConstant: true, selected: ['rhg-1'] };
    assert.deepEqual(readTableState(JSON.parse(JSON.stringify(state))), state);
    assert.deepEqual(readTableState(undefined), DEFAULT_TABLE_STATE);
    assert.deepEqual(readTableState({ sort: { key: 'K', dir: 'sideways' }, filter: 3, columns: { a: 'yes', b: false }, selected: [1, 'x'] }), {
      filter: '',
      columns: { b: false },
      showConstant: false,
      selected: ['x'],
    });
  });
});
