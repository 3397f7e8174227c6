// The approximate problem φ_K a method differentiates, stated by the method itself so that the
// hypergradient check can difference exactly that function (docs/methods.md §13).
import { createCounters } from '../derivatives';
import type { LowerDynamics } from '../dynamics/lowerDynamics';
import { disposeTrajectory, unrollDynamics } from '../dynamics/unrollDynamics';
import type { CompiledProblem } from '../problem/compileProblem';
import type { TensorList } from '../tensorList';
import type { AnyMethodSpec, MethodSpec } from './methodSpec';
import type { OptionList } from './options';
import type { MethodOptions } from './runOptions';

/** A method whose hypergradient is, by construction, the gradient of φ_K(x, y_0) below. */
export interface ApproximateObjective<S extends OptionList = OptionList> {
  /** φ_K(x, y_0), values only; disposes nothing. */
  approximateObjective(problem: CompiledProblem, options: MethodOptions<S>, x: TensorList, y0: TensorList): Promise<number>;
}

/** A registered method that states its φ_K. */
export type MethodWithObjective<S extends OptionList = OptionList> = MethodSpec<S> & ApproximateObjective<S>;

/** True when the method states its own φ_K (BDA, IA-GM, IA-GM(A), PTT, IAPTT-GM). */
export function hasApproximateObjective(method: AnyMethodSpec): method is MethodWithObjective {
  return typeof (method as Partial<ApproximateObjective>).approximateObjective === 'function';
}

/**
 * F(x, y_K) (`last`) or max_{1≤k≤K} F(x, y_k) (`max`, PTT's φ_K of docs/methods.md §4.1) along `steps` steps of
 * `dynamics` from y_0, without a graph.
 */
export async function unrolledObjective(
  problem: CompiledProblem,
  dynamics: LowerDynamics,
  x: TensorList,
  y0: TensorList,
  steps: number,
  reduce: 'last' | 'max',
): Promise<number> {
  const trajectory = await unrollDynamics(dynamics, x, y0, { steps, trace: (y) => problem.upperObjective(x, y) }, createCounters());
  disposeTrajectory(trajectory);
  const values = trajectory.traced!;
  return reduce === 'last' ? values[values.length - 1]! : Math.max(...values);
}
