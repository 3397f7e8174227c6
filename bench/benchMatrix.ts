// The cells of `npm run bench`: problems × methods × K, the speed suite and the memory suite.
import { METHODS, createBuiltinProblem } from '../src/core';
import type { ProblemDefinition } from '../src/core';
import { syntheticHyperCleaning } from './syntheticHyperCleaning';

/** One benchmark cell: a problem, a method, K and how many timed iterations. */
export interface Cell {
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

/** The fixed matrix of `npm run bench` (a subset with `quick`). */
export function matrix(quick: boolean): Cell[] {
  const methods = METHODS.map((m) => m.id);
  const cells: Cell[] = [];
  const toy = (n: number) => () => createBuiltinProblem('toy-nonsingleton', { n });
  const clean = () => syntheticHyperCleaning();
  // Real MNIST digits (docs/methods.md §9f shape: 784 → 10, 50% corrupted labels), 4000 training samples.
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
