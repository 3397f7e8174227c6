// N-way K-shot classification on MNIST digits (docs/methods.md §9g scaled to a CPU): x is a shared MLP feature
// extractor and y a task's linear head whose start z IA methods learn (mode `head`, the IAPTT-GM
// setting), or x is the whole network's initialization (mode `maml`).
import * as tf from '@tensorflow/tfjs-core';
import { crossEntropy } from '../autodiff/crossEntropy';
import { loadDataset, shuffledIndices } from '../data';
import type { LabelledImages } from '../data';
import { defineProblem } from '../problem/defineProblem';
import type { EvaluationContext, Vars } from '../problem/defineProblem';
import type { Rng } from '../rng';
import { accuracyOf } from './accuracyOf';
import type { BuiltinProblem } from './builtinProblem';
import { LQ_PARAMS, adaptationMetrics, fewShotModel, fewShotSettings } from './fewShotNetwork';
import type { MlpSizes } from './fewShotNetwork';

/** One N-way task: support and query images [n, 784] with labels 0..ways−1 (int32), class-major. */
export interface DigitsTask {
  readonly supportX: tf.Tensor2D;
  readonly supportY: tf.Tensor1D;
  readonly queryX: tf.Tensor2D;
  readonly queryY: tf.Tensor1D;
}

/** Rows of the image set per class, for the tasks of one phase (meta-train or meta-test). */
export interface ClassPool {
  /** Original digit of each class. */
  readonly classes: readonly number[];
  /** Row indices of each class's images, parallel to `classes`. */
  readonly rows: readonly Int32Array[];
}

/** The meta-train and meta-test pools of a split. */
export interface DigitPools {
  readonly set: LabelledImages;
  readonly train: ClassPool;
  readonly test: ClassPool;
}

/** Digits of the meta-train classes under `split = classes`; the other five are meta-test. */
export const META_TRAIN_DIGITS: readonly number[] = [0, 1, 2, 3, 4];

/**
 * Splits a labelled set for few-shot tasks. `classes`: meta-train digits 0–4, meta-test digits 5–9
 * (disjoint classes, the standard protocol; only 5 per side, so ways ≤ 5). `images`: all classes on
 * both sides, each class's images halved at random (disjoint images, ways ≤ classes).
 */
export function splitDigits(set: LabelledImages, split: 'classes' | 'images', rng: Rng): DigitPools {
  const byClass: number[][] = Array.from({ length: set.classes }, () => []);
  for (let i = 0; i < set.count; i++) byClass[set.labels[i]!]!.push(i);
  const all = byClass.map((rows) => Int32Array.from(rows));
  if (split === 'classes') {
    const train = META_TRAIN_DIGITS.filter((c) => c < set.classes);
    const test = Array.from({ length: set.classes }, (_, c) => c).filter((c) => !train.includes(c));
    return { set, train: { classes: train, rows: train.map((c) => all[c]!) }, test: { classes: test, rows: test.map((c) => all[c]!) } };
  }
  const classes = Array.from({ length: set.classes }, (_, c) => c);
  const halves = all.map((rows) => {
    const order = shuffledIndices(rows.length, rng);
    const shuffled = Int32Array.from(order, (j) => rows[j]!);
    const cut = Math.floor(rows.length / 2);
    return [shuffled.subarray(0, cut), shuffled.subarray(cut)] as const;
  });
  return { set, train: { classes, rows: halves.map((h) => h[0]) }, test: { classes, rows: halves.map((h) => h[1]) } };
}

/**
 * Draws a task from a pool: `ways` distinct classes in random order (label j = the j-th drawn class),
 * then `shots` + `queries` distinct images per class; returns tensors the caller disposes.
 */
export function drawDigitsTask(pools: DigitPools, pool: ClassPool, ways: number, shots: number, queries: number, rng: Rng): DigitsTask {
  const { set } = pools;
  const f = set.features;
  const picked = Array.from(shuffledPrefix(pool.classes.length, ways, rng));
  const supportX = new Float32Array(ways * shots * f);
  const queryX = new Float32Array(ways * queries * f);
  const supportY = new Int32Array(ways * shots);
  const queryY = new Int32Array(ways * queries);
  picked.forEach((c, label) => {
    const rows = pool.rows[c]!;
    const chosen = shuffledPrefix(rows.length, shots + queries, rng);
    for (let s = 0; s < shots + queries; s++) {
      const image = set.images.subarray(rows[chosen[s]!]! * f, (rows[chosen[s]!]! + 1) * f);
      if (s < shots) {
        supportX.set(image, (label * shots + s) * f);
        supportY[label * shots + s] = label;
      } else {
        const q = s - shots;
        queryX.set(image, (label * queries + q) * f);
        queryY[label * queries + q] = label;
      }
    }
  });
  return {
    supportX: tf.tensor2d(supportX, [ways * shots, f]),
    supportY: tf.tensor1d(supportY, 'int32'),
    queryX: tf.tensor2d(queryX, [ways * queries, f]),
    queryY: tf.tensor1d(queryY, 'int32'),
  };
}

/** The first `k` entries of a random permutation of 0..n−1 (partial Fisher–Yates); throws when k > n. */
function shuffledPrefix(n: number, k: number, rng: Rng): Int32Array {
  if (k > n) throw new RangeError(`a task needs ${k} distinct items but only ${n} are available`);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rng.uniform() * (n - i));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order.subarray(0, k);
}

/** Run-long data: the split (behind a function, so tf.dispose does not walk 7.8M pixels) and the fixed task. */
interface DigitsData {
  readonly pools: () => DigitPools;
  /** The task the objectives see without a sampled one (the check and grad commands). */
  readonly fixedTask: DigitsTask;
}

/**
 * N-way K-shot MNIST. Network 784 → hidden → hidden → ways (ReLU). Mode `head` (default, docs/methods.md §9g):
 * x = the two hidden layers, y = the linear head from its seeded (or zero) init or the learned z;
 * f = support cross-entropy (+ ℓ_q on y), F = query cross-entropy. Mode `maml`: x = all weights,
 * y_0 = x. Evaluation: `test.accuracy` on meta-test tasks after `testSteps` GD steps of size `testLr`
 * from the run's start (IAPTT code: 10 steps at 0.1 from z), and `test.accuracyBeforeAdapt`.
 */
export const fewShotDigits: BuiltinProblem = {
  id: 'fewshot-mnist',
  title: 'Few-shot MNIST digits (N-way K-shot): learned feature extractor and head start',
  summary:
    'Spec §9g on MNIST (digits 0–4 meta-train, 5–9 meta-test), 5-way 1-shot, 15 queries, MLP 784→64→64 features, linear head; scaled to a CPU: K = 10, s = 0.1, meta-batch 4, Adam 1e−3, 300 meta-iterations instead of 80000.',
  params: [
    { key: 'mode', flag: 'mode', type: 'choice', choices: ['head', 'maml'], default: 'head', description: 'head: x = feature extractor, y = linear head (IA methods learn its start z); maml: x = all weights, y_0 = x.' },
    { key: 'ways', flag: 'ways', type: 'integer', default: 5, min: 2, max: 10, description: 'Classes per task (N-way): at most the 10 digits, 5 with split=classes.' },
    { key: 'shots', flag: 'shots', type: 'integer', default: 1, min: 1, max: 8000, description: 'Support images per class (K-shot): the lower objective (shots + queries must fit a digit\'s images in the split).' },
    { key: 'queries', flag: 'queries', type: 'integer', default: 15, min: 1, max: 8000, description: 'Query images per class: the upper objective and the test accuracy.' },
    {
      key: 'split',
      flag: 'split',
      type: 'choice',
      choices: ['classes', 'images'],
      default: 'classes',
      description: 'classes: meta-train digits 0–4, meta-test digits 5–9 (disjoint classes); images: all digits, disjoint halves of each digit’s images.',
    },
    { key: 'hidden', flag: 'hidden', type: 'integer', default: 64, min: 1, max: 10_000, description: 'Width of both hidden layers of the feature extractor.' },
    { key: 'headInit', flag: 'head-init', type: 'choice', choices: ['random', 'zero'], default: 'random', description: 'Head mode: the head’s start (and z_0 of IA methods): seeded Glorot-uniform or zeros.' },
    ...LQ_PARAMS,
    { key: 'testTasks', flag: 'test-tasks', type: 'integer', default: 50, min: 2, max: 100_000, description: 'Meta-test tasks per periodic evaluation.' },
    { key: 'finalTestTasks', flag: 'final-test-tasks', type: 'integer', default: 500, min: 2, max: 100_000, description: 'Meta-test tasks at the last evaluation (at least test-tasks).' },
    { key: 'testSteps', flag: 'test-steps', type: 'integer', default: 10, min: 0, max: 100_000, description: 'GD steps of the evaluation’s adaptation (IAPTT code: 10).' },
    { key: 'testLr', flag: 'test-lr', type: 'number', default: 0.1, greaterThan: 0, description: 'Step size of the evaluation’s adaptation (IAPTT code: 0.1).' },
  ],
  seedDependent: ['class/image split', 'the tasks drawn (classes, images)', 'initial weights (Glorot-uniform; the head zero with --head-init zero)', 'meta-test tasks'],
  create(params) {
    const settings = fewShotSettings(params);
    const { mode, hidden, testTasks, finalTestTasks } = settings;
    const ways = params.ways as number;
    const shots = params.shots as number;
    const queries = params.queries as number;
    const split = params.split as 'classes' | 'images';
    const sizes: MlpSizes = [784, hidden, hidden, ways];
    const model = fewShotModel<DigitsTask>(sizes, settings, (logits, labels) => crossEntropy(logits, labels) as tf.Scalar);
    const testAccuracy = (x: Vars, y: Vars, task: DigitsTask): tf.Scalar => accuracyOf(model.predict(x, y, task.queryX), task.queryY);

    return defineProblem<DigitsData, DigitsTask>({
      id: 'fewshot-mnist',
      title: this.title,
      description:
        `${this.summary} Split ${split === 'classes' ? 'by classes: digits 0–4 meta-train, 5–9 meta-test' : 'by images: all digits, disjoint image halves'}; mode ${mode}. ` +
        'Inner step 0.1 (seed Table 5 and the code’s test-time value) rather than the code’s 0.01→0.001 training schedule: with a few hundred meta-iterations instead of 80000, ten steps at 0.01 barely move the head from z.',
      upper: {
        variables: model.upperVariables,
        objective: (x, y, d, task) => model.upperLoss(x, y, task ?? d.fixedTask),
      },
      lower: {
        variables: model.lowerVariables,
        objective: (x, y, d, task) => model.lowerLoss(x, y, task ?? d.fixedTask),
        ...(model.start ? { start: model.start } : {}),
      },
      data(rng) {
        const set = loadDataset('mnist');
        const pools = splitDigits(set, split, rng);
        for (const [phase, pool] of [
          ['meta-train', pools.train],
          ['meta-test', pools.test],
        ] as const) {
          if (ways > pool.classes.length) throw new RangeError(`ways = ${ways} needs ${ways} ${phase} classes; split '${split}' has ${pool.classes.length} (digits ${pool.classes.join(', ')})`);
        }
        return { pools: () => pools, fixedTask: drawDigitsTask(pools, pools.train, ways, shots, queries, rng) };
      },
      sampleTask: (rng, data) => drawDigitsTask(data.pools(), data.pools().train, ways, shots, queries, rng),
      evaluate(context: EvaluationContext<DigitsData, DigitsTask>) {
        const pools = context.data.pools();
        const n = context.final ? finalTestTasks : testTasks;
        const { before, after } = adaptationMetrics(context, n, () => drawDigitsTask(pools, pools.test, ways, shots, queries, context.rng), testAccuracy, settings);
        return { 'test.accuracy': after, 'test.accuracyBeforeAdapt': before };
      },
      defaults: {
        method: mode === 'head' ? 'iaptt-gm' : 'fom',
        iterations: 300,
        lowerSteps: settings.testSteps,
        lowerLr: settings.testLr,
        outerOptimizer: 'adam',
        outerLr: 0.001,
        metaBatch: 4,
        evalEvery: 50,
        methodOptions: { startLr: 0.001 },
      },
    });
  },
};
