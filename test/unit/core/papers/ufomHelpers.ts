// Test helpers for UFOM: one hypergradient call as the solver makes it (per task, with the lower
// start and its path added), and the option and compile shortcuts the UFOM tests share.
import * as tf from '@tensorflow/tfjs-core';
import { compileProblem, createBuiltinProblem, createRng, resolveRunOptions } from '../../../../src/core';
import type { CompiledProblem, ResolvedOptions, Rng, StatValue } from '../../../../src/core';
import { createCounters } from '../../../../src/core/derivatives';
import type { Counters } from '../../../../src/core/derivatives';
import { addStartPath } from '../../../../src/core/methods/addStartPath';
import type { MethodState } from '../../../../src/core/methods/methodSpec';
import { ufom } from '../../../../src/core/methods/ufom';
import type { TensorList } from '../../../../src/core/tensorList';
import { readList } from '../../../../src/core/tensorList';

/** A UFOM estimate read back: the whole upper gradient (direct part + lower-start path) and the stats. */
export interface UfomEstimate {
  readonly g: number[];
  readonly stats: Readonly<Record<string, StatValue>>;
}

/** What a call may share with the next ones (the solver shares all three across a run). */
export interface CallContext {
  readonly state?: MethodState;
  readonly rng: Rng;
  readonly counters?: Counters;
}

/** Calls ufom.hypergradient at x exactly as the solver does for one task; disposes everything but x. */
export async function ufomAt(problem: CompiledProblem, x: TensorList, options: ResolvedOptions<typeof ufom.options>, call: CallContext): Promise<UfomEstimate> {
  const y0 = problem.lowerStart ? tf.tidy(() => problem.lowerStart!(x).map((t) => tf.clone(t))) : problem.initialLower();
  const result = await ufom.hypergradient({
    problem,
    x,
    y0,
    options,
    counters: call.counters ?? createCounters(),
    ...(call.state ? { state: call.state } : {}),
    rng: call.rng,
    needsLowerStartGradient: problem.lowerStart !== undefined,
  });
  const total = addStartPath(problem, x, result.gx, result.gy0);
  const g = (await readList(total)).flat();
  tf.dispose([...y0, ...result.gx, ...(result.gy0 ?? []), ...result.yK, ...total]);
  return { g, stats: result.stats };
}

/** Resolved ufom options for a built-in problem (its defaults, then `given`). */
export function ufomOptions(problemId: string, given: Readonly<Record<string, unknown>>, params: Readonly<Record<string, unknown>> = {}): ResolvedOptions<typeof ufom.options> {
  return resolveRunOptions(createBuiltinProblem(problemId, params), ufom, given);
}

/** Compiles a built-in problem with the run's seed. */
export async function compileBuiltin(problemId: string, params: Readonly<Record<string, unknown>> = {}, seed = 0): Promise<CompiledProblem> {
  return compileProblem(createBuiltinProblem(problemId, params), createRng(seed));
}

/** Sample mean and its standard error s/√n (s with the n − 1 denominator). */
export function meanAndStandardError(samples: readonly number[]): { mean: number; standardError: number } {
  const n = samples.length;
  const mean = samples.reduce((a, b) => a + b, 0) / n;
  const variance = samples.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return { mean, standardError: Math.sqrt(variance / n) };
}
