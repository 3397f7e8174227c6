// `npm run bench [-- --quick] [-- --backend wasm] [-- --suite speed|memory|sweep|panel]`: a fixed matrix of
// problems × methods × K, printed as JSON lines (one per cell): median seconds per outer iteration and
// peak bytes; then the sweep suite: the per-run overhead of `bilevel sweep` (sweepOverhead.ts); then
// the panel suite: the live panel's charts of a 10^5-record run (panelCharts.ts).
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Solver } from '../src/core';
import { parseBackendName, releaseBackend, selectBackend } from '../src/runtime/backend';
import { matrix } from './benchMatrix';
import type { Cell } from './benchMatrix';
import { registerNodeDatasets } from '../src/datasets/registerNodeDatasets';
import { timePanelCharts } from './panelCharts';
import { measureSweepOverhead } from './sweepOverhead';
import type { SweepOverheadCase } from './sweepOverhead';
import { timeSolverSteps } from './timeSolverSteps';

async function measure(cell: Cell): Promise<Record<string, unknown>> {
  // CG and NS use as many inner iterations as unrolled steps, so the K axis compares like with like.
  const extra: Record<string, number> = cell.method === 'cg' ? { cgIterations: cell.K } : cell.method === 'neumann' ? { neumannTerms: cell.K } : {};
  // Two spare iterations: the run's last one evaluates held-out metrics, which is not the method's time.
  const solver = await Solver.create(cell.make(), cell.method, { lowerSteps: cell.K, iterations: cell.iterations + 2, evalEvery: 0, ...extra, ...(cell.options ?? {}) });
  try {
    const { seconds, kStars, summary } = await timeSolverSteps(solver, cell.iterations);
    return {
      medianSecondsPerIteration: seconds[Math.floor(seconds.length / 2)],
      minSecondsPerIteration: seconds[0],
      peakBytes: summary.peakBytes,
      peakTensors: summary.peakTensors,
      // PTT's peak follows the largest k* it back-propagated, not K.
      ...(kStars.length > 0 ? { maxKStar: Math.max(...kStars) } : {}),
    };
  } finally {
    solver.dispose();
  }
}

async function main(): Promise<void> {
  registerNodeDatasets();
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const backendFlag = args.indexOf('--backend');
  const backend = await selectBackend(parseBackendName(backendFlag >= 0 ? (args[backendFlag + 1] ?? '') : 'wasm'));
  const suiteFlag = args.indexOf('--suite');
  const suite = suiteFlag >= 0 ? args[suiteFlag + 1] : undefined;
  if (suite !== undefined && !['speed', 'memory', 'sweep', 'panel'].includes(suite)) throw new Error(`--suite: must be speed, memory, sweep or panel, got ${suite}`);
  const started = Date.now();
  for (const cell of matrix(quick).filter((c) => suite !== 'sweep' && suite !== 'panel' && (suite === undefined || (c.suite ?? 'speed') === suite))) {
    const base = { bench: 'outer-iteration', suite: cell.suite ?? 'speed', backend: backend.name, backendDetail: backend.detail, problem: cell.problem, ...cell.size, method: cell.method, ...(cell.options ?? {}), K: cell.K, iterations: cell.iterations, tfjs: tf.version_core };
    try {
      console.log(JSON.stringify({ ...base, ...(await measure(cell)) }));
    } catch (e) {
      console.log(JSON.stringify({ ...base, error: e instanceof Error ? e.message : String(e) }));
    }
  }
  if (suite === undefined || suite === 'sweep') {
    // 100 ten-iteration runs, one at a time (jobs 1: the runs never overlap, so wall − Σ run time is
    // all overhead), on cpu, where such a run's set-up is cheapest; the old process per run too, unless --quick.
    const cases: SweepOverheadCase[] = (quick ? ['reuse'] : ['reuse', 'per-run']).map((workers) => ({ workers: workers as SweepOverheadCase['workers'], runs: 100, jobs: 1, backend: 'cpu' }));
    for (const c of cases) {
      try {
        console.log(JSON.stringify(measureSweepOverhead(path.join(__dirname, 'cli.js'), c)));
      } catch (e) {
        console.log(JSON.stringify({ bench: 'sweep-overhead', ...c, error: e instanceof Error ? e.message : String(e) }));
      }
    }
  }
  if (suite === undefined || suite === 'panel') console.log(JSON.stringify(timePanelCharts()));
  console.log(JSON.stringify({ bench: 'done', quick, seconds: (Date.now() - started) / 1000 }));
  releaseBackend();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
