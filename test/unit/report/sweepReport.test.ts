// The sweep report from a store (src/cli/commands/sweepReport.ts → src/report/writeSweepReport.ts):
// two handwritten sweeps in a temporary store — 2 methods × 3 seeds (one seed diverged, one never
// started) and a 2-option grid — read back into the report's input (statuses, the CLI's group
// statistics, sensitivity by option), rendered with its hooks, its escaping and its target table,
// and an unknown sweep id refused by name.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readSweepReportInput, writeSweepReportFile } from '../../../src/cli/commands/sweepReport';
import type { IterationRecord, RunSummary } from '../../../src/protocol/metrics';
import type { RunConfig } from '../../../src/protocol/runRecord';
import type { SweepRecord, SweepRecordRun, SweepSpec } from '../../../src/protocol/sweep';
import type { SweepReportInput } from '../../../src/report/sweepReportData';
import { SWEEP_REPORT_SCRIPT } from '../../../src/report/sweepReportScript';
import { renderSweepReportHtml } from '../../../src/report/writeSweepReport';
import { RunStore } from '../../../src/store/runStore';
import { SweepStore } from '../../../src/store/sweepStore';

const PLAIN = '20261206-010000-sweep-toy-0001';
const GRID = '20261206-020000-sweep-toy-0002';
const HOSTILE = '<script>alert(1)</script> & "q"';

let root = '';

function rec(t: number, upperDistance: number, upperLoss: number): IterationRecord {
  return {
    iteration: t,
    upperLoss,
    lowerLoss: 0,
    hypergradNorm: upperDistance,
    lowerStationarity: 1e-3,
    upperDistance,
    forwardMs: 1,
    backwardMs: 1,
    gradientEvals: 10 * (t + 1),
    hvpEvals: 10 * (t + 1),
    numTensors: 1,
    numBytes: 4,
    stats: {},
    time: 1000 * t,
  };
}

/** Writes run `run` of `sweep` with `records` and finishes it `status` (no records and no status: never started). */
function writeRun(sweep: string, run: SweepRecordRun, records: readonly IterationRecord[], status?: 'completed' | 'diverged'): void {
  if (!status) return;
  const config: RunConfig = { problem: 'toy', problemParams: {}, method: run.method, methodOptions: { tolerance: 0.3 }, iterations: records.length, seed: run.seed, backend: 'cpu', sweep: { id: sweep, index: run.index } };
  const writer = new RunStore(root).create(config, { id: run.runId, versions: {} });
  writer.append(records);
  const summary: RunSummary = { iterations: records.length, last: records[records.length - 1]!, x: { x: [0] }, y: {}, msPerIteration: 1, peakTensors: 0, peakBytes: 0 };
  writer.finish(status, summary, status === 'diverged' ? 'the loss is NaN' : undefined);
}

function sweepRecord(id: string, spec: SweepSpec, runs: readonly Omit<SweepRecordRun, 'index' | 'runId' | 'options' | 'dropped'>[]): SweepRecord {
  return {
    schemaVersion: 1,
    id,
    ...(spec.name !== undefined ? { name: spec.name } : {}),
    createdAt: '2026-12-06T01:00:00.000Z',
    spec,
    runs: runs.map((r, index) => ({ ...r, index, options: { seed: r.seed }, dropped: [], runId: `${id.slice(0, 15)}-${r.method}-toy-${String(index).padStart(4, '0')}` })),
  };
}

void describe('sweep report', () => {
  let plain: SweepReportInput;
  let grid: SweepReportInput;
  let html = '';
  let gridHtml = '';

  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'bilevel-sweep-report-'));
    const sweeps = new SweepStore(root);
    const a = sweepRecord(PLAIN, { problem: { kind: 'builtin', id: 'toy', params: { n: 1 } }, methods: ['rhg', 'bda'], seeds: [0, 1, 2], grid: [], name: HOSTILE }, [
      ...[0, 1, 2].map((seed) => ({ method: 'rhg', seed, gridPoint: {} })),
      ...[0, 1, 2].map((seed) => ({ method: 'bda', seed, gridPoint: {} })),
    ]);
    sweeps.create(a, '');
    // ‖x − x*‖ per iteration; rhg's seeds end at 0.25, 0.6, 0.05.
    const distances = [[1, 0.5, 0.25], [1, 0.8, 0.6], [2, 1, 0.05], [1, 0.5], [2, 1, NaN]];
    a.runs.forEach((run, i) => {
      const d = distances[i];
      writeRun(PLAIN, run, (d ?? []).map((v, t) => rec(t, v, 2 * v)), i < 4 ? 'completed' : i === 4 ? 'diverged' : undefined);
    });
    const b = sweepRecord(GRID, { problem: { kind: 'builtin', id: 'toy', params: {} }, methods: ['rhg', 'bda'], seeds: [0], grid: [{ flag: 'K', values: [10, 20] }, { flag: 'inner-lr', values: [0.1, 0.2] }] }, [
      { method: 'rhg', seed: 0, gridPoint: { K: 10, 'inner-lr': 0.1 } },
      { method: 'rhg', seed: 0, gridPoint: { K: 10, 'inner-lr': 0.2 } },
      { method: 'rhg', seed: 0, gridPoint: { K: 20, 'inner-lr': 0.1 } },
      { method: 'rhg', seed: 0, gridPoint: { K: 20, 'inner-lr': 0.2 } },
      { method: 'bda', seed: 0, gridPoint: { K: 10 } },
      { method: 'bda', seed: 0, gridPoint: { K: 20 } },
    ]);
    sweeps.create(b, '');
    // Final F: rhg 1, 2, 3, 4 over (K, inner-lr); bda 5 at K=10, 7 at K=20.
    [1, 2, 3, 4, 5, 7].forEach((f, i) => writeRun(GRID, b.runs[i]!, [rec(0, 1, 2 * f), rec(1, 0.5, f)], 'completed'));
    plain = readSweepReportInput(root, PLAIN);
    grid = readSweepReportInput(root, GRID);
    html = renderSweepReportHtml(plain, '/* Chart.js stand-in */');
    gridHtml = renderSweepReportHtml(grid, '/* Chart.js stand-in */');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  void it('reads every run of the sweep with its status, records and final metrics; one never started', () => {
    assert.deepEqual(plain.runs.map((r) => [r.group, r.seed, r.status, r.records.length]), [
      ['rhg', 0, 'completed', 3],
      ['rhg', 1, 'completed', 3],
      ['rhg', 2, 'completed', 3],
      ['bda', 0, 'completed', 2],
      ['bda', 1, 'diverged', 3],
      ['bda', 2, 'not started', 0],
    ]);
    assert.equal(plain.status, 'partial');
    assert.deepEqual(plain.counts, { notStarted: 1, running: 0, completed: 4, diverged: 1, failed: 0, cancelled: 0, interrupted: 0 });
    assert.equal(plain.runs[4]!.message, 'the loss is NaN');
    assert.equal(plain.runs[0]!.tolerance, 0.3);
    assert.equal(plain.problem, 'toy (n=1)');
    assert.equal(plain.seeds, '0-2');
  });

  void it('has the CLI\'s group statistics: median [q20, q80] and mean ± CI over the seeds, by hand', () => {
    const rhg = plain.groups.find((g) => g.key === 'rhg')!;
    const d = rhg.metrics.upperDistance!;
    // {0.05, 0.25, 0.6}: q20 at h = 0.4, q80 at h = 1.6.
    assert.equal(d.n, 3);
    assert.equal(d.median, 0.25);
    assert.ok(Math.abs(d.q20! - 0.13) < 1e-12 && Math.abs(d.q80! - 0.46) < 1e-12);
    assert.ok(Math.abs(d.mean! - 0.3) < 1e-12);
    // The diverged seed's NaN is counted, not summarized; the seed never started is in n only.
    const bda = plain.groups.find((g) => g.key === 'bda')!;
    assert.equal(bda.n, 3);
    assert.deepEqual([bda.metrics.upperDistance!.n, bda.metrics.upperDistance!.nonFinite], [1, 1]);
    // The page prints them as the CLI does.
    assert.ok(html.includes('0.25 [0.13, 0.46]'), 'median [q20, q80] cell');
    assert.ok(html.includes('n=1 (+1 non-finite)'));
  });

  void it('renders the controls, a chart per metric and the target table under stable hooks', () => {
    assert.match(html, /<select id="x-axis">[^]*<option value="oracleCalls" selected>/);
    assert.equal((/<select id="x-axis">([^]*?)<\/select>/.exec(html)![1]!.match(/<option /g) ?? []).length, 5);
    for (const hook of ['<input type="checkbox" id="log-x">', '<input type="checkbox" id="log-y" checked>', '<select id="band-stat">', '<input type="checkbox" id="show-seeds">', '<table id="target-table">', '<table id="groups-table">']) {
      assert.ok(html.includes(hook), hook);
    }
    for (const metric of ['upperLoss', 'upperDistance', 'hypergradNorm', 'lowerStationarity']) assert.ok(html.includes(`<figure class="chart-card" data-metric="${metric}">`), metric);
    // The default target is the runs' tolerance; the rows are computed in Node before the page recomputes them.
    assert.match(html, /<input id="target" [^>]*value="0.3">/);
    const row = (group: string): string => new RegExp(`<tr data-group="${group}">([^]*?)</tr>`).exec(html)![1]!;
    // rhg reaches 0.3 in 2 of 3 seeds: oracle calls 56 and 40 + (0.7/0.95)·20 (median 55.37), seconds
    // 1 + 0.8 and 1 + 0.7/0.95 (median 1.768).
    assert.ok(row('rhg').includes('<td data-axis="oracleCalls">55.37 (2 of 3)</td>'), row('rhg'));
    assert.ok(row('rhg').includes('<td data-axis="time">1.768 (2 of 3)</td>'), row('rhg'));
    assert.ok(row('bda').includes('<td data-axis="oracleCalls" class="not-reached">not reached (0 of 3)</td>'), row('bda'));
    // Without a grid there is no sensitivity and no parallel coordinates.
    assert.ok(!html.includes('id="sensitivity"') && !html.includes('id="parallel"'));
  });

  void it('escapes names everywhere and embeds data no string can break out of', () => {
    assert.ok(!html.includes('<script>alert(1)'), 'a raw hostile tag');
    assert.ok(html.includes('Sweep &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;</h1>'));
    const data = JSON.parse(/<script type="application\/json" id="sweep-data">([^]*?)<\/script>/.exec(html)![1]!) as { groups: { key: string }[] };
    assert.deepEqual(data.groups.map((g) => g.key), ['rhg', 'bda']);
    assert.ok(html.includes('the loss is NaN'), 'the diverged run is listed with its message');
  });

  void it('gives each swept option a sensitivity line per method, pooling seeds and the other option', () => {
    const byFlag = (flag: string): [string, number, number | undefined, number | undefined, number | undefined][] =>
      grid.sensitivity.find((s) => s.flag === flag)!.groups.map((g) => [g.method, g.gridPoint[flag] as number, g.metrics.upperLoss!.median, g.metrics.upperLoss!.q20, g.metrics.upperLoss!.q80]);
    // rhg at K = 10: F ∈ {1, 2}: median 1.5, q20 at h = 0.2 → 1.2, q80 → 1.8.
    const k = byFlag('K');
    assert.deepEqual(k.map(([m, v, med]) => [m, v, med]), [['rhg', 10, 1.5], ['rhg', 20, 3.5], ['bda', 10, 5], ['bda', 20, 7]]);
    assert.ok(Math.abs(k[0]![3]! - 1.2) < 1e-12 && Math.abs(k[0]![4]! - 1.8) < 1e-12);
    // bda does not take inner-lr: no line for it there.
    assert.deepEqual(byFlag('inner-lr').map(([m, v, med]) => [m, v, med]), [['rhg', 0.1, 2], ['rhg', 0.2, 3]]);
    assert.ok(gridHtml.includes('<section id="sensitivity">') && gridHtml.includes('<figure class="chart-card" data-option="K">') && gridHtml.includes('<select id="sensitivity-metric">'));
  });

  void it('draws parallel coordinates for two swept options: an axis per option and per final metric, a line per run', () => {
    assert.ok(gridHtml.includes('<section id="parallel">') && gridHtml.includes('<select id="parallel-color">'));
    const data = JSON.parse(/<script type="application\/json" id="sweep-data">([^]*?)<\/script>/.exec(gridHtml)![1]!) as { parallel: { axes: { key: string }[]; lines: { method: string; values: (number | null)[] }[] } };
    const keys = data.parallel.axes.map((a) => a.key);
    assert.deepEqual(keys.slice(0, 4), ['K', 'inner-lr', 'upperLoss', 'upperDistance']);
    const at = (key: string): (number | null)[] => data.parallel.lines.map((l) => l.values[keys.indexOf(key)]!);
    assert.deepEqual(at('K'), [10, 10, 20, 20, 10, 20]);
    assert.deepEqual(at('inner-lr'), [0.1, 0.2, 0.1, 0.2, null, null]);
    assert.deepEqual(at('upperLoss'), [1, 2, 3, 4, 5, 7]);
  });

  void it('inlines a page script that parses, with the Node functions it recomputes the target table with', () => {
    assert.doesNotThrow(() => new Function(SWEEP_REPORT_SCRIPT));
    for (const name of ['formatNumber', 'firstReach', 'quantileSorted', 'reachCells', 'reachText']) assert.match(SWEEP_REPORT_SCRIPT, new RegExp(`var ${name} = function`), name);
    assert.ok(html.includes(SWEEP_REPORT_SCRIPT.slice(0, 200).replace(/<\/(script)/gi, '<\\/$1')), 'the script is in the page');
  });

  void it('writes the page to a file, and refuses an unknown sweep naming its id and the store', () => {
    const out = path.join(root, 'out', 'report.html');
    assert.deepEqual(writeSweepReportFile(root, GRID, out), { runs: 6, file: out });
    const text = readFileSync(out, 'utf8');
    assert.ok(text.startsWith('<!DOCTYPE html>') && text.includes('Chart'), 'Chart.js is inlined');
    const missing = path.join(root, 'missing.html');
    assert.throws(() => writeSweepReportFile(root, '20261206-030000-sweep-none-0003', missing), (err: Error) => err.message.includes("'20261206-030000-sweep-none-0003'") && err.message.includes(root));
    assert.equal(existsSync(missing), false);
  });
});
