// Runs a problem's `evaluate` hook (held-out metrics) and reads its values in one batch.
import * as tf from '@tensorflow/tfjs-core';
import { gradientDescent } from '../dynamics/gradientDescent';
import { createRng } from '../rng';
import type { TensorList } from '../tensorList';
import type { CompiledProblem } from './compileProblem';
import type { EvaluationContext, Vars } from './defineProblem';

/** The run's state an evaluation looks at. */
export interface EvaluationState {
  readonly x: TensorList;
  readonly y: TensorList;
  readonly z?: TensorList;
  readonly iteration: number;
  readonly final: boolean;
  /** The run's seed (the evaluation rng derives from it) and lower-loop settings (adapt's defaults). */
  readonly seed: number;
  readonly lowerSteps: number;
  readonly lowerLr: number;
}

/** Per-item values → mean and 95% half-width; names end in `.ci95`. */
const CI_SUFFIX = '.ci95';

/**
 * Calls `evaluate` inside tf.tidy and reads every value with one `await data()` per tensor batch; a
 * 1-D tensor becomes `name` (mean) and `name.ci95` (1.96·s/√n). Throws naming the metric that is not
 * a number, a scalar or a 1-D tensor.
 */
export async function evaluateProblem(problem: CompiledProblem<unknown>, state: EvaluationState): Promise<Record<string, number>> {
  const evaluate = problem.definition.evaluate;
  if (!evaluate) return {};
  const { upper, lower } = problem;
  const vars = (names: readonly string[], list: TensorList): Vars => Object.fromEntries(names.map((n, i) => [n, list[i]!]));
  const list = (names: readonly string[], from: Vars, what: string): TensorList =>
    names.map((n) => {
      const t = from[n];
      if (!t) throw new Error(`evaluate: adapt() got no tensor for ${what} variable '${n}' (got: ${Object.keys(from).join(', ')})`);
      return t;
    });
  const id = problem.definition.id;
  const { numbers, tensors } = tf.tidy(() => {
    const context: EvaluationContext<unknown, unknown> = {
      x: vars(upper.names, state.x),
      y: vars(lower.names, state.y),
      ...(state.z ? { z: vars(lower.names, state.z) } : {}),
      data: problem.data,
      iteration: state.iteration,
      final: state.final,
      // The same stream at every evaluation, apart from the training stream: curves compare like with like.
      rng: createRng(((state.seed + 0x5eed) ^ 0x27d4eb2d) >>> 0),
      start(task) {
        if (state.z) return vars(lower.names, state.z);
        const view = task === undefined ? problem : problem.withTask(task);
        return vars(lower.names, view.lowerStart ? view.lowerStart(state.x) : view.initialLower());
      },
      adapt(from, options = {}) {
        const view = options.task === undefined ? problem : problem.withTask(options.task);
        const steps = options.steps ?? state.lowerSteps;
        const dynamics = gradientDescent(view, { lr: options.lr ?? state.lowerLr });
        const x = options.x ? list(upper.names, options.x, 'upper') : state.x;
        let y = list(lower.names, from, 'lower');
        for (let k = 0; k < steps; k++) {
          const previous = y;
          y = tf.tidy(() => dynamics.step(x, previous, k));
          // Intermediate iterates die now; the caller's `from` stays alive.
          if (k > 0) tf.dispose(previous);
        }
        return vars(lower.names, y);
      },
    };
    const out = evaluate(context);
    if (out === null || typeof out !== 'object') throw new Error(`problem '${id}': evaluate must return { metric: number | tensor }, got ${typeof out}`);
    const numbers: Record<string, number> = {};
    const tensors: Record<string, tf.Tensor> = {};
    for (const [name, value] of Object.entries(out)) {
      if (typeof value === 'number') numbers[name] = value;
      else if (value instanceof tf.Tensor && value.rank <= 1) tensors[name] = tf.cast(value, 'float32');
      else throw new Error(`problem '${id}': evaluate returned '${name}' as ${describe(value)}; expected a number, a scalar or a 1-D tensor of per-item values`);
    }
    return { numbers, tensors };
  });
  const out: Record<string, number> = { ...numbers };
  try {
    for (const [name, t] of Object.entries(tensors)) {
      const values = await t.data();
      if (t.rank === 0) {
        out[name] = values[0]!;
        continue;
      }
      const n = values.length;
      let mean = 0;
      for (let i = 0; i < n; i++) mean += values[i]!;
      mean /= Math.max(n, 1);
      let ss = 0;
      for (let i = 0; i < n; i++) ss += (values[i]! - mean) ** 2;
      out[name] = mean;
      out[`${name}${CI_SUFFIX}`] = n > 1 ? (1.96 * Math.sqrt(ss / (n - 1))) / Math.sqrt(n) : NaN;
    }
  } finally {
    tf.dispose(Object.values(tensors));
  }
  return out;
}

function describe(value: unknown): string {
  if (value instanceof tf.Tensor) return `a tensor of shape [${value.shape.join(', ')}]`;
  return typeof value;
}
