// Tests of the report page (src/report/writeReport.ts) rendered in Node with a stand-in for
// Chart.js: escaping of the embedded JSON, the static table and options, and finding Chart.js.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IterationRecord } from '../../../src/protocol/metrics';
import type { ChartSpec, ReportInput } from '../../../src/report/reportData';
import { buildCharts } from '../../../src/report/reportData';
import { REPORT_SCRIPT } from '../../../src/report/reportScript';
import { embedJson, loadChartJs, renderReportHtml } from '../../../src/report/writeReport';

const HOSTILE = '</script><script>alert(1)</script><!-- x';

function record(t: number): IterationRecord {
  return {
    iteration: t,
    upperLoss: 1 / (t + 1),
    lowerLoss: 0,
    hypergradNorm: 1,
    lowerStationarity: 0,
    forwardMs: 1,
    backwardMs: 1,
    gradientEvals: t,
    hvpEvals: t,
    numTensors: 3,
    numBytes: 12,
    stats: { 'ptt.kStar': t % 3, 'cg.note': HOSTILE },
  };
}

const INPUT: ReportInput = {
  problem: 'toy-quadratic',
  problemParams: { n: 5, identity: false },
  backend: 'cpu <test>',
  date: '2026-01-02T03:04:05.000Z',
  table: { headers: ['method', 'status', 'final F'], rows: [['ptt', 'completed', '0.25'], ['rhg', 'diverged', 'NaN']] },
  methods: [
    { method: 'ptt', status: 'completed', options: { iterations: 4, K: 10 }, warnings: [HOSTILE], records: [0, 1, 2, 3].map(record) },
    { method: 'rhg', status: 'diverged', message: HOSTILE, options: { iterations: 4, K: 20 }, warnings: [], records: [record(0)] },
  ],
};

/** The text of `<script type="application/json" id="ID">`. */
function jsonBlock(html: string, id: string): unknown {
  const m = new RegExp(`<script type="application/json" id="${id}">([^]*?)</script>`).exec(html);
  assert.ok(m, `no #${id} block`);
  return JSON.parse(m[1]!);
}

describe('writeReport', () => {
  const html = renderReportHtml(INPUT, '/* Chart.js stand-in */ window.Chart = function () {};');

  it('embeds JSON that no string can break out of, and that parses back to the same data', () => {
    assert.ok(!embedJson({ s: HOSTILE }).includes('<'));
    assert.deepEqual(JSON.parse(embedJson({ s: HOSTILE })), { s: HOSTILE });
    // The hostile text appears only escaped: never as a live tag.
    assert.equal(html.split('<script>alert(1)').length, 1);
    const records = jsonBlock(html, 'report-records') as { method: string; records: IterationRecord[] }[];
    assert.deepEqual(records.map((r) => r.method), ['ptt', 'rhg']);
    assert.deepEqual(records[0]!.records, INPUT.methods[0]!.records);
    assert.equal(records[1]!.records[0]!.stats['cg.note'], HOSTILE);
  });

  it('embeds the chart specs, including the k* trace and histogram of the PTT method', () => {
    const charts = jsonBlock(html, 'report-charts') as ChartSpec[];
    const ids = charts.map((c) => c.id);
    assert.ok(ids.includes('upperLoss') && ids.includes('stat-ptt.kStar') && ids.includes('hist-ptt.kStar'), ids.join(', '));
    assert.ok(!ids.includes('stat-cg.note'), 'string stats get no chart');
    assert.match(html, /id="charts-ptt"/);
  });

  it('renders the title, table, options and notes as static HTML', () => {
    assert.match(html, /<h1>toy-quadratic \(n=5, identity=false\)<\/h1>/);
    assert.match(html, /backend cpu &lt;test&gt; · 2026-01-02T03:04:05.000Z/);
    assert.match(html, /<td class="status-diverged">diverged<\/td>/);
    // K differs between the methods, so its options row is highlighted; iterations does not.
    assert.match(html, /<tr class="differs"><td>K<\/td><td>10<\/td><td>20<\/td><\/tr>/);
    assert.match(html, /<tr><td>iterations<\/td><td>4<\/td><td>4<\/td><\/tr>/);
    assert.ok(html.includes(`<b>rhg</b>: &lt;/script&gt;`));
  });

  it('loads the real Chart.js UMD build from node_modules', () => {
    const src = loadChartJs();
    assert.match(src.slice(0, 200), /Chart\.js v4\./);
    assert.ok(src.length > 100_000);
  });

  it('says how to install chart.js when it cannot be found', () => {
    // Resolving from the file system root finds no node_modules/chart.js.
    assert.throws(() => loadChartJs('/nonexistent-dir/x.js'), /--report needs the chart.js package: npm install chart.js/);
  });
});

/** A DOM element stand-in with just what the page script touches. */
class FakeElement {
  hidden = false;
  checked = false;
  className = '';
  textContent = '';
  type = '';
  readonly children: FakeElement[] = [];
  private readonly listeners = new Map<string, ((e: { target: FakeElement }) => void)[]>();
  constructor(readonly tag: string) {}
  appendChild(child: FakeElement): FakeElement {
    this.children.push(child);
    return child;
  }
  setAttribute(): void {}
  querySelector(): FakeElement {
    return this.children[0] ?? this.appendChild(new FakeElement('input'));
  }
  addEventListener(type: string, listener: (e: { target: FakeElement }) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  dispatchEvent(e: { type: string }): void {
    for (const l of this.listeners.get(e.type) ?? []) l({ target: this });
  }
}

interface FakeChart {
  readonly config: { options: { scales: { y: { type: string; ticks: { callback?: (v: number, i: number, ticks: { value: number }[]) => string } } } } };
  readonly options: FakeChart['config']['options'];
}

/** Runs the page script on `charts` with stand-ins for the DOM and Chart.js; returns the charts it made. */
function runPageScript(charts: unknown): FakeChart[] {
  const made: FakeChart[] = [];
  const byId = new Map<string, FakeElement>();
  const getElementById = (id: string): FakeElement => {
    if (!byId.has(id)) byId.set(id, Object.assign(new FakeElement('div'), id === 'report-charts' ? { textContent: JSON.stringify(charts) } : {}));
    return byId.get(id)!;
  };
  function Chart(this: FakeChart & { data: unknown; update: () => void }, _canvas: unknown, config: FakeChart['config'] & { data: unknown }): void {
    Object.assign(this, { config, options: config.options, data: config.data, update: () => {} });
    made.push(this);
  }
  (Chart as unknown as { defaults: unknown }).defaults = { font: {} };
  const document = { getElementById, createElement: (tag: string) => new FakeElement(tag), createTextNode: (text: string) => Object.assign(new FakeElement('#text'), { textContent: text }) };
  class Event {
    constructor(readonly type: string) {}
  }
  new Function('Chart', 'document', 'Event', REPORT_SCRIPT)(Chart, document, Event);
  return made;
}

describe('report page script', () => {
  const methods = [{ method: 'rhg', status: 'completed', options: {}, warnings: [], records: [0, 1, 2].map((t) => ({ ...record(t), hypergradNorm: 10 ** -t, upperLoss: 2e-6 * (t + 1) })) }];

  it('labels ticks with the shared number format (src/common/format.ts, inlined)', () => {
    const [upper] = runPageScript(buildCharts(methods).filter((c) => c.id === 'upperLoss'));
    const tick = upper!.options.scales.y.ticks.callback!;
    assert.deepEqual([2e-6, 0.25, 0, 123456].map((v) => tick(v, 0, [])), ['2e-6', '0.25', '0', '1.235e+5']);
  });

  it('starts the charts the catalog marks as log-scale on a log y axis, and the others linear', () => {
    const specs = buildCharts(methods).filter((c) => c.id === 'upperLoss' || c.id === 'hypergradNorm');
    const made = runPageScript(specs);
    assert.deepEqual(made.map((c) => c.options.scales.y.type), specs.map((s) => (s.id === 'hypergradNorm' ? 'logarithmic' : 'linear')));
  });
});
