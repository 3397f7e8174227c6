// `npm run bench [-- --quick] [-- --backend wasm]`: a fixed matrix of problems × methods × K,
// printed as JSON lines (one per cell): median seconds per outer iteration and peak bytes.
import * as tf from '@tensorflow/tfjs-core';
import { METHODS, Solver, createBuiltinProblem } from '../src/core';
import type { ProblemDefinition } from '../src/core';
import { parseBackendName, releaseBackend, selectBackend } from '../src/worker/backend';
import { syntheticHyperCleaning } from './syntheticHyperCleaning';
import { registerNodeDatasets } from '../src/datasets/registerNodeDatasets';
import { timeSolverSteps } from './timeSolverSteps';

interface Cell {
  readonly problem: string;
  readonly size: Record<string, number>;
  readonly make: () => ProblemDefinition<unknown, unknown>;
  readonly method: string;
  readonly K: number;
  /** Timed outer iterations (after one untimed warm-up). */
  readonly iterations: number;
  /** Extra method options (e.g. memoryMode), also printed. */
  readonly options?: Readonly<Record<string, string | number | boolean>>;
  /** Which part of the matrix: speed (every method) or memory (modes whose claim is about memory). */
  readonly suite?: 'speed' | 'memory';
}

function matrix(quick: boolean): Cell[] {
  const methods = METHODS.map((m) => m.id);
  const cells: Cell[] = [];
  const toy = (n: number) => () => createBuiltinProblem('toy-nonsingleton', { n });
  const clean = () => syntheticHyperCleaning();
  // Real MNIST digits (spec §9f shape: 784 → 10, 50% corrupted labels), 4000 training samples.
  const mnist = () => createBuiltinProblem('hyperclean-mnist', {});
  const mnistSize = { train: 4000, validation: 2000, features: 784 };
  // The memory claims (issue 3): IAPTT-GM's two-pass mode keeps k* states, not K; UFOM's recompute
  // mode keeps O(1) states in r. Each mode runs beside its store-everything counterpart.
  // UFOM's recompute pass costs r(r+1)/2 steps, so its r axis stops at 20 on the data-sized shape.
  const memory = (make: () => ProblemDefinition<unknown, unknown>, problem: string, size: Record<string, number>, pttKs: number[], ufomRs: number[], iterations: number): Cell[] => [
    ...pttKs.flatMap((K) => ['store', 'two-pass'].map((memoryMode) => ({ problem, size, make, method: 'iaptt-gm', K, iterations, options: { memoryMode }, suite: 'memory' as const }))),
    ...ufomRs.flatMap((K) => ['store', 'recompute'].map((memoryMode) => ({ problem, size, make, method: 'ufom', K, iterations, options: { memoryMode, q: 1 }, suite: 'memory' as const }))),
  ];
  if (quick) {
    for (const method of methods) cells.push({ problem: 'toy-nonsingleton', size: { n: 100 }, make: toy(100), method, K: 10, iterations: 3 });
    for (const method of ['rhg', 'fom']) cells.push({ problem: 'synthetic-hyperclean', size: { samples: 5000, features: 784 }, make: clean, method, K: 10, iterations: 2 });
    cells.push({ problem: 'hyperclean-mnist', size: mnistSize, make: mnist, method: 'rhg', K: 10, iterations: 2 });
    cells.push(...memory(toy(100), 'toy-nonsingleton', { n: 100 }, [10, 40], [10, 40], 2));
    return cells;
  }
  for (const n of [100, 10000]) for (const K of [10, 50, 100]) for (const method of methods) cells.push({ problem: 'toy-nonsingleton', size: { n }, make: toy(n), method, K, iterations: 5 });
  for (const K of [10, 50, 100]) for (const method of methods) cells.push({ problem: 'synthetic-hyperclean', size: { samples: 5000, features: 784 }, make: clean, method, K, iterations: 3 });
  for (const method of methods) cells.push({ problem: 'hyperclean-mnist', size: mnistSize, make: mnist, method, K: 50, iterations: 2 });
  cells.push(...memory(clean, 'synthetic-hyperclean', { samples: 5000, features: 784 }, [10, 50, 100], [5, 10, 20], 1));
  return cells;
}

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
  if (suite !== undefined && suite !== 'speed' && suite !== 'memory') throw new Error(`--suite: must be speed or memory, got ${suite}`);
  const started = Date.now();
  for (const cell of matrix(quick).filter((c) => suite === undefined || (c.suite ?? 'speed') === suite)) {
    const base = { bench: 'outer-iteration', suite: cell.suite ?? 'speed', backend: backend.name, backendDetail: backend.detail, problem: cell.problem, ...cell.size, method: cell.method, ...(cell.options ?? {}), K: cell.K, iterations: cell.iterations, tfjs: tf.version_core };
    try {
      console.log(JSON.stringify({ ...base, ...(await measure(cell)) }));
    } catch (e) {
      console.log(JSON.stringify({ ...base, error: e instanceof Error ? e.message : String(e) }));
    }
  }
  console.log(JSON.stringify({ bench: 'done', quick, seconds: (Date.now() - started) / 1000 }));
  releaseBackend();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
