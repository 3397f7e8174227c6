// The live panel's chart path on a long run (issue 14's "fast with 10^5 points"): min/max decimation
// of one series and every chart of a run with 10^5 records, smoothing on, timed in-process. The
// panel's data side (webview/state.ts) is plain TypeScript without the DOM, so Node runs it as is.
import type { IterationRecord } from '../src/protocol/metrics';
import { decimateMinMax, PanelModel } from '../webview/state';

/** A record of a run whose upper loss and distance decay as 1/(t + 1). */
function record(t: number): IterationRecord {
  const decay = 1 / (t + 1);
  return { iteration: t, upperLoss: decay, lowerLoss: -1, hypergradNorm: 0.5, lowerStationarity: 1e-6, upperDistance: 2 * decay, forwardMs: 1, backwardMs: 3, gradientEvals: t, hvpEvals: t, numTensors: 10, numBytes: 1000 + t, stats: {} };
}

/** Median of `rounds` timings (ms) of `f`. */
function medianMs(rounds: number, f: () => void): number {
  const ms: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    f();
    ms.push(performance.now() - t0);
  }
  return ms.sort((a, b) => a - b)[Math.floor(rounds / 2)]!;
}

/** The bench row: ms to decimate 10^5 points to 2000, and ms to build every chart of a 10^5-record run (median of 5). */
export function timePanelCharts(records = 100_000, maxPoints = 2000): Record<string, unknown> {
  const points = Array.from({ length: records }, (_, i) => ({ x: i, y: Math.sin(i / 50) }));
  const decimateMs = medianMs(5, () => void decimateMinMax(points, maxPoints));
  const model = new PanelModel();
  const run = { runId: 'a', label: 'a', method: 'rhg', problem: 'toy', status: 'running' as const, iterations: records, startedAt: 0, records: Array.from({ length: records }, (_, t) => record(t)) };
  model.applySnapshot({ title: 'bench', chartDefaults: { logScaleY: false, smoothing: 0, maxPointsPerSeries: maxPoints }, runs: [run] });
  const charts = model.chartIds().length;
  const allChartsMs = medianMs(5, () => {
    for (const id of model.chartIds()) model.chart(id, { logX: false, logY: false }, 0.9, maxPoints);
  });
  return { bench: 'panel-charts', records, maxPoints, charts, decimateMs: +decimateMs.toFixed(2), allChartsMs: +allChartsMs.toFixed(2) };
}
