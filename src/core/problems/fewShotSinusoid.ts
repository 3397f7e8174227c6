// Few-shot sinusoid regression (MAML, Finn et al. 2017, §5.1) as a bi-level problem: x is the
// meta-learned initialization (mode `maml`, the ABLO setting of docs/methods.md §6.1) or the shared feature
// extractor whose task-specific head starts from a learned z (mode `head`, docs/methods.md §4 / §9g).
import * as tf from '@tensorflow/tfjs-core';
import { defineProblem } from '../problem/defineProblem';
import type { EvaluationContext, Vars } from '../problem/defineProblem';
import { createRng } from '../rng';
import type { Rng } from '../rng';
import type { BuiltinProblem } from './builtinProblem';
import { LQ_PARAMS, adaptationMetrics, fewShotModel, fewShotSettings, layerNames, perTask, randomLayers } from './fewShotNetwork';
import type { MlpSizes } from './fewShotNetwork';

/** One regression task: K support and Q query points of a·sin(t − φ), inputs and targets as [n, 1]. */
export interface SinusoidTask {
  readonly supportX: tf.Tensor2D;
  readonly supportY: tf.Tensor2D;
  readonly queryX: tf.Tensor2D;
  readonly queryY: tf.Tensor2D;
}

/** A task's numbers before they become tensors (so evaluations can redraw the same tasks). */
export interface SinusoidDraw {
  readonly amplitude: number;
  readonly phase: number;
  readonly supportX: Float32Array;
  readonly queryX: Float32Array;
}

/** The MAML task distribution: amplitude ~ U[0.1, 5], phase ~ U[0, π], inputs ~ U[−5, 5]. */
export function drawSinusoid(rng: Rng, support: number, query: number): SinusoidDraw {
  const amplitude = 0.1 + 4.9 * rng.uniform();
  const phase = Math.PI * rng.uniform();
  const inputs = (n: number): Float32Array => Float32Array.from({ length: n }, () => -5 + 10 * rng.uniform());
  return { amplitude, phase, supportX: inputs(support), queryX: inputs(query) };
}

/** The tensors of a drawn task (the caller disposes them). */
export function sinusoidTask({ amplitude, phase, supportX, queryX }: SinusoidDraw): SinusoidTask {
  const target = (t: Float32Array): Float32Array => t.map((v) => amplitude * Math.sin(v - phase));
  return {
    supportX: tf.tensor2d(supportX, [supportX.length, 1]),
    supportY: tf.tensor2d(target(supportX), [supportX.length, 1]),
    queryX: tf.tensor2d(queryX, [queryX.length, 1]),
    queryY: tf.tensor2d(target(queryX), [queryX.length, 1]),
  };
}

/** Run-long state: the random-initialization baseline per test-task count, computed once (disposed with the data). */
interface SinusoidData {
  readonly baselines: Record<string, tf.Tensor1D>;
  /** The task the objectives see without a sampled one (the check and grad commands). */
  readonly fixedTask: SinusoidTask;
}

/**
 * Few-shot sinusoid regression. Network 1 → hidden → hidden → 1 (ReLU). Mode `maml`: x = all weights,
 * y_0 = start(x) = x, f = support MSE (+ ℓ_q on y), F = query MSE at y_K (fom, ufom, rhg). Mode `head`:
 * x = the two hidden layers, y = the last linear layer from its seeded (or zero) init or the learned z
 * (iaptt-gm, ia-gm). Evaluation: `test.mse` (query MSE after `testSteps` GD steps of size `testLr` from
 * the run's start), `test.mseBeforeAdapt`, and `baseline.randomInit.mse` (the same adaptation from a
 * fresh random network, computed once per run), each a mean over held-out tasks with `.ci95`.
 */
export const fewShotSinusoid: BuiltinProblem = {
  id: 'fewshot-sinusoid',
  title: 'Few-shot sinusoid regression (MAML): learned initialization or head start',
  summary:
    'MAML §5.1 sinusoids (A ~ U[0.1,5], φ ~ U[0,π], t ~ U[−5,5]), 10-shot, 1→40→40→1 ReLU; mode maml (x = init; fom, ufom, rhg) or head (x = features, z = head init; iaptt-gm). Scaled to a CPU: K = 5, s = 0.01 (head 0.05), meta-batch 4, Adam 0.01, 500 meta-iterations instead of MAML’s 70000 at Adam 1e−3.',
  params: [
    { key: 'mode', flag: 'mode', type: 'choice', choices: ['maml', 'head'], default: 'maml', description: 'maml: x = all weights, y_0 = x; head: x = hidden layers, y = last layer (IA methods learn its start z).' },
    { key: 'support', flag: 'support', type: 'integer', default: 10, min: 1, max: 100_000, description: 'Support points per task (K-shot): the lower objective.' },
    { key: 'query', flag: 'query', type: 'integer', default: 10, min: 1, max: 100_000, description: 'Query points per task: the upper objective.' },
    { key: 'hidden', flag: 'hidden', type: 'integer', default: 40, min: 1, max: 10_000, description: 'Width of both hidden layers.' },
    { key: 'headInit', flag: 'head-init', type: 'choice', choices: ['random', 'zero'], default: 'random', description: 'Head mode: the last layer’s start (and z_0 of IA methods): seeded Glorot-uniform or zeros.' },
    ...LQ_PARAMS,
    { key: 'testTasks', flag: 'test-tasks', type: 'integer', default: 100, min: 2, max: 100_000, description: 'Held-out tasks per periodic evaluation.' },
    { key: 'finalTestTasks', flag: 'final-test-tasks', type: 'integer', default: 500, min: 2, max: 100_000, description: 'Held-out tasks at the last evaluation (at least test-tasks).' },
    { key: 'testSteps', flag: 'test-steps', type: 'integer', default: 5, min: 0, max: 100_000, description: 'GD steps of the evaluation’s adaptation, also the default K (override both together to measure what the run optimizes).' },
    {
      key: 'testLr',
      flag: 'test-lr',
      type: 'number',
      default: (o) => (o.mode === 'head' ? 0.05 : 0.01),
      greaterThan: 0,
      description: 'Step size of the evaluation’s adaptation, also the default inner lr (0.01 for maml as in MAML; 0.05 for head: a linear least-squares head tolerates it).',
    },
  ],
  seedDependent: ['the tasks drawn (amplitude, phase, inputs)', 'initial weights (Glorot-uniform; the head zero with --head-init zero)', 'held-out evaluation tasks'],
  create(params) {
    const settings = fewShotSettings(params);
    const { mode, hidden, headInit, testTasks, finalTestTasks } = settings;
    const support = params.support as number;
    const query = params.query as number;
    const sizes: MlpSizes = [1, hidden, hidden, 1];
    const mse = (prediction: tf.Tensor, target: tf.Tensor): tf.Scalar => tf.mean(tf.square(tf.sub(prediction, target)));
    const model = fewShotModel<SinusoidTask>(sizes, settings, mse);
    const upperNames = layerNames(1, mode === 'maml' ? 3 : 2);

    /** Query MSE per task after GD from a fresh random network (or head on random features), same steps and lr. */
    const randomInitBaseline = (context: EvaluationContext<SinusoidData, SinusoidTask>, draws: readonly SinusoidDraw[], seed: number): tf.Tensor1D => {
      const all = randomLayers(sizes, 1, 3, createRng(seed));
      const xr: Vars = Object.fromEntries(upperNames.map((n) => [n, all[n]!]));
      const yr: Vars = Object.fromEntries(model.lowerNames.map((n) => [n, mode === 'head' && headInit === 'zero' ? tf.zerosLike(all[n]!) : all[n]!]));
      return perTask(
        draws.map((d) =>
          tf.tidy(() => {
            const task = sinusoidTask(d);
            const adapted = context.adapt(yr, { task, x: xr, steps: settings.testSteps, lr: settings.testLr });
            return model.upperLoss(xr, adapted, task);
          }),
        ),
      );
    };

    return defineProblem<SinusoidData, SinusoidTask>({
      id: 'fewshot-sinusoid',
      title: this.title,
      description: `${this.summary} Mode ${mode}. The random-initialization baseline adapts the same lower variables (${mode === 'maml' ? 'all weights' : 'the head, on random features'}) from a fresh seeded init.`,
      upper: {
        variables: model.upperVariables,
        objective: (x, y, d, task) => model.upperLoss(x, y, task ?? d.fixedTask),
      },
      lower: {
        variables: model.lowerVariables,
        objective: (x, y, d, task) => model.lowerLoss(x, y, task ?? d.fixedTask),
        ...(model.start ? { start: model.start } : {}),
      },
      data: (rng) => ({ baselines: {}, fixedTask: sinusoidTask(drawSinusoid(rng, support, query)) }),
      sampleTask: (rng) => sinusoidTask(drawSinusoid(rng, support, query)),
      evaluate(context: EvaluationContext<SinusoidData, SinusoidTask>) {
        // Drawn first and always, so the test tasks are the same whether or not the baseline is cached.
        const baselineSeed = Math.floor(context.rng.uniform() * 2 ** 32);
        const n = context.final ? finalTestTasks : testTasks;
        const draws = Array.from({ length: n }, () => drawSinusoid(context.rng, support, query));
        const { before, after } = adaptationMetrics(context, n, (i) => sinusoidTask(draws[i]!), model.upperLoss, settings);
        const key = `${n}`;
        const cache = context.data.baselines;
        // Kept across evaluations (it does not depend on x_t); the solver disposes it with the data.
        cache[key] ??= tf.keep(randomInitBaseline(context, draws, baselineSeed));
        return { 'test.mse': after, 'test.mseBeforeAdapt': before, 'baseline.randomInit.mse': tf.clone(cache[key]) };
      },
      // Adam 0.01 rather than MAML's 1e−3: at 200 meta-iterations it already cuts the random-init
      // baseline's post-adaptation MSE by a third or more (test/unit/core/problems/fewShotSinusoid.test.ts).
      defaults: {
        method: mode === 'maml' ? 'fom' : 'iaptt-gm',
        iterations: 500,
        lowerSteps: settings.testSteps,
        lowerLr: settings.testLr,
        outerOptimizer: 'adam',
        outerLr: 0.01,
        metaBatch: 4,
        evalEvery: 50,
        methodOptions: { startLr: 0.01 },
      },
    });
  },
};
