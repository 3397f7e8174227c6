// The lower-level dynamics interface (docs/methods.md §1.3–1.4): a state map s_{k+1} = Φ_k(s_k, x) whose
// reverse-mode recursion gives the hypergradient. Hypergradient operators see only this interface.
import type { TensorList } from '../tensorList';

/** A lower-level iteration Φ_k on a state (y alone for gradient descent, or y plus buffers). */
export interface LowerDynamics {
  /** Short id for statistics and errors, e.g. `gradient-descent`. */
  readonly id: string;
  /** First-order gradient evaluations one step costs (for the cost counters). */
  readonly gradientsPerStep: number;
  /** Second-order products one reverse step costs (HVP and mixed VJP from one double backward). */
  readonly productsPerReverseStep: number;
  /** The state s_0 built from y_0; differentiable in y_0 (so a learned start gets its gradient). */
  init(y0: TensorList): TensorList;
  /** One step s_k ↦ s_{k+1} at outer point x; differentiable in x and s_k. */
  step(x: TensorList, state: TensorList, k: number): TensorList;
  /** The y part of a state (views, not copies: do not dispose separately). */
  lower(state: TensorList): TensorList;
  /** Lifts a cotangent on y to a cotangent on the whole state (zeros for buffers). */
  lowerCotangent(gy: TensorList, state: TensorList): TensorList;
}
