// The example problem that `Bilevel: New Problem File` (VS Code) and `bilevel init` (CLI) write: a
// small, working problem with a known solution, so the first ▶ Run shows the distance curves going to
// zero. Pure text (unit-tested for its shape and its types; the worker compiles it like any problem
// file). Its objectives need no annotations: defineProblem's types give `x` and `y` (Vars) and the
// return type (tf.Scalar), so the file type-checks under `strict` with nothing but the declarations
// shipped in dist/types.

/** The scaffolded file's text. */
export const PROBLEM_TEMPLATE = `// A bi-level problem for Bilevel Lab. Use the buttons above \`defineProblem(\`:
//   ▶ Run                    train it with the default method and watch the live charts
//   ⇄ Compare…               run several methods on the same seed and overlay them
//   ✓ Check hypergradient    compare the method's hypergradient with finite differences
// or the command line: npx bilevel run --problem <this file>
// Types: VS Code with the Bilevel Lab extension resolves both imports; elsewhere, \`npx bilevel init\`
// writes a tsconfig.json for them (then \`npx tsc --noEmit\` checks this file).
import * as tf from '@tensorflow/tfjs-core';
import { defineProblem } from 'bilevel-lab';

/** Where the upper level wants the lower solution y*(x) to land. */
const target = [1, -0.5, 2];
/** Weight of the lower level's ridge term. */
const lambda = 0.5;

/**
 * Lower: y*(x) = argmin_y ½‖y − x‖² + ½λ‖y‖² = x / (1 + λ).
 * Upper: min_x ½‖y*(x) − t‖², so x* = (1 + λ)·t and y* = t.
 */
export default defineProblem({
  id: 'example',
  title: 'Ridge-shrunk target (example)',
  upper: {
    variables: { x: { shape: [3], init: 0 } },
    objective: (_x, { y }) => tf.mul(0.5, tf.sum(tf.square(tf.sub(y!, tf.tensor1d(target))))),
  },
  lower: {
    variables: { y: { shape: [3], init: 0 } },
    objective: ({ x }, { y }) =>
      tf.add(tf.mul(0.5, tf.sum(tf.square(tf.sub(y!, x!)))), tf.mul(0.5 * lambda, tf.sum(tf.square(y!)))),
  },
  // Optional: a known solution turns on the distance charts ‖x − x*‖ and ‖y − y*‖.
  solution: {
    upper: { x: target.map((t) => (1 + lambda) * t) },
    lower: { y: target },
  },
  // Optional: what ▶ Run uses unless the settings or the command say otherwise.
  defaults: { method: 'rhg', iterations: 200, lowerSteps: 20, lowerLr: 0.5, outerLr: 0.5 },
});
`;

/** `example.bilevel.ts`, or `example-2.bilevel.ts`, … : the first name not in `taken`. */
export function problemFileName(taken: ReadonlySet<string>): string {
  for (let i = 1; ; i++) {
    const name = i === 1 ? 'example.bilevel.ts' : `example-${i}.bilevel.ts`;
    if (!taken.has(name)) return name;
  }
}
