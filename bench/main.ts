// `npm run bench [-- --quick] [-- --backend wasm]`: a fixed matrix of problems × methods × K,
// printed as JSON lines (one per cell): median seconds per outer iteration and peak bytes.
import * as tf from '@tensorflow/tfjs-core';
import { METHODS, Solver, createBuiltinProblem } from '../src/core';
import type { ProblemDefinition } from '../src/core';
import { parseBackendName, releaseBackend, selectBackend } from '../src/worker/backend';
import { syntheticHyperCleaning } from './syntheticHyperCleaning';

interface Cell {
  readonly problem: string;
  readonly size: Record<string, number>;
  readonly make: () => ProblemDefinition<unknown, unknown>;
  readonly method: string;
  readonly K: number;
  /** Timed outer iterations (after one untimed warm-up). */
  readonly iterations: number;
}

function matrix(quick: boolean): Cell[] {
  const methods = METHODS.map((m) => m.id);
  const cells: Cell[] = [];
  const toy = (n: number) => () => createBuiltinProblem('toy-nonsingleton', { n });
  const clean = () => syntheticHyperCleaning();
  if (quick) {
    for (const method of methods) cells.push({ problem: 'toy-nonsingleton', size: { n: 100 }, make: toy(100), method, K: 10, iterations: 3 });
    for (const method of ['rhg', 'fom']) cells.push({ problem: 'synthetic-hyperclean', size: { samples: 5000, features: 784 }, make: clean, method, K: 10, iterations: 2 });
    return cells;
  }
  for (const n of [100, 10000]) for (const K of [10, 50, 100]) for (const method of methods) cells.push({ problem: 'toy-nonsingleton', size: { n }, make: toy(n), method, K, iterations: 5 });
  for (const K of [10, 50, 100]) for (const method of methods) cells.push({ problem: 'synthetic-hyperclean', size: { samples: 5000, features: 784 }, make: clean, method, K, iterations: 3 });
  return cells;
}

async function measure(cell: Cell): Promise<Record<string, unknown>> {
  // CG and NS use as many inner iterations as unrolled steps, so the K axis compares like with like.
  const extra: Record<string, number> = cell.method === 'cg' ? { cgIterations: cell.K } : cell.method === 'neumann' ? { neumannTerms: cell.K } : {};
  const solver = await Solver.create(cell.make(), cell.method, { lowerSteps: cell.K, iterations: cell.iterations + 1, ...extra });
  const seconds: number[] = [];
  try {
    await solver.step(); // Warm-up: kernel compilation, first allocations.
    for (let i = 0; i < cell.iterations; i++) {
      const t0 = performance.now();
      await solver.step();
      seconds.push((performance.now() - t0) / 1000);
    }
    const summary = await solver.summary();
    seconds.sort((a, b) => a - b);
    return {
      medianSecondsPerIteration: seconds[Math.floor(seconds.length / 2)],
      minSecondsPerIteration: seconds[0],
      peakBytes: summary.peakBytes,
      peakTensors: summary.peakTensors,
    };
  } finally {
    solver.dispose();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const backendFlag = args.indexOf('--backend');
  const backend = await selectBackend(parseBackendName(backendFlag >= 0 ? (args[backendFlag + 1] ?? '') : 'wasm'));
  const started = Date.now();
  for (const cell of matrix(quick)) {
    const base = { bench: 'outer-iteration', backend: backend.name, backendDetail: backend.detail, problem: cell.problem, ...cell.size, method: cell.method, K: cell.K, iterations: cell.iterations, tfjs: tf.version_core };
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
