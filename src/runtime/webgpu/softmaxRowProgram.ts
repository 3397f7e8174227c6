// One WGSL program for the five fused softmax kernels (src/common/softmaxKernelNames.ts). On the
// lower-level step of a classifier, tfjs's generic ops spend ~17 dispatches on the cross-entropy
// (max, the finite test, where, sub, exp, sum, log, add, div, one-hot, cast, products and sums),
// and ~11 more on its gradient and the Hessian-vector product through it (docs/performance.md,
// "WebGPU: counts per outer iteration"); each of these programs is one dispatch.
//
// One thread per output element walks its row of `classes` logits (the row's max and Σ exp again
// in every thread): no workgroup memory or barriers, and a row of ≤ 256 classes
// (MAX_FUSED_SOFTMAX_CLASSES) costs a thread a few hundred cached reads, nothing beside a dispatch.
// Rows are the last axis of the flat, contiguous inputs, whatever their rank.
import { getMainHeaderString as main } from '@tensorflow/tfjs-backend-webgpu/dist/webgpu_program';
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu/dist/webgpu_program';
import { computeDispatch, flatDispatchLayout } from '@tensorflow/tfjs-backend-webgpu/dist/webgpu_util';

/** Which kernel of the family a {@link SoftmaxRowProgram} computes. */
export type SoftmaxRowKind = 'softmax' | 'jvp' | 'crossEntropy' | 'crossEntropyGrad' | 'crossEntropyHvp';

const INPUTS: Record<SoftmaxRowKind, string[]> = {
  softmax: ['logits'],
  jvp: ['logits', 'u'],
  crossEntropy: ['logits', 'labels'],
  crossEntropyGrad: ['logits', 'labels', 'dy'],
  crossEntropyHvp: ['logits', 'labels', 'dy', 'u'],
};

// p_index·(u_index − Σₖ pₖuₖ): row `base`'s softmax Jacobian times u, at `index`.
const JVP = `
    var pu = 0.0;
    for (var k = 0; k < C; k++) { pu += exp(logits[base + k] - m) * u[base + k]; }
    let ju = exp(logits[index] - m) / total * (u[index] - pu / total);`;

// Each kind's value at flat output index `index` (row `row`, column `col`, the row's first logit
// at `base`), given the row's shift m and Σ exp(z − m) as `m` and `total`.
const BODIES: Record<SoftmaxRowKind, string> = {
  softmax: 'return exp(logits[index] - m) / total;',
  jvp: `${JVP}
    return ju;`,
  crossEntropy: `
    let label = i32(labels[row]);
    if (label < 0 || label >= C) { return 0.0; }
    // An all −∞ row: log 0 = −∞ (the driver's log(0) need not be), and −∞ − (−∞) = NaN as in generic ops.
    let lse = select(log(total) + m, -uniforms.INFINITY, total == 0.0);
    return lse - logits[base + label];`,
  crossEntropyGrad: `
    let label = i32(labels[row]);
    if (label < 0 || label >= C) { return 0.0; }
    let t = select(0.0, 1.0, col == label);
    return dy[row] * (exp(logits[index] - m) / total - t);`,
  crossEntropyHvp: `
    let label = i32(labels[row]);
    if (label < 0 || label >= C) { return 0.0; }${JVP}
    return dy[row] * ju;`,
};

/** A fused softmax-family kernel over rows of `classes` logits; `outputShape` is the logits' shape, or their shape without the class axis for crossEntropy. */
export class SoftmaxRowProgram implements WebGPUProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [64, 1, 1];
  uniforms = 'classes : i32,';
  size = true;

  constructor(
    private readonly kind: SoftmaxRowKind,
    outputShape: number[],
  ) {
    this.variableNames = INPUTS[kind];
    this.outputShape = outputShape;
    this.dispatchLayout = flatDispatchLayout(outputShape);
    this.dispatch = computeDispatch(this.dispatchLayout, outputShape, this.workgroupSize);
    this.shaderKey = `bilevel_softmax_row_${kind}`;
  }

  getUserCode(): string {
    // Per output element of a row-shaped output (crossEntropy) the row is the index itself.
    const perRow = this.kind === 'crossEntropy';
    return `
      fn value(index : i32, row : i32, col : i32, base : i32, C : i32) -> f32 {
        // The shift: the row's max, or 0 where that is not finite (an all −∞ row), as maxShift does.
        var m = logits[base];
        for (var k = 1; k < C; k++) { m = max(m, logits[base + k]); }
        if (!(abs(m) <= 3.402823e+38)) { m = 0.0; }
        var total = 0.0;
        for (var k = 0; k < C; k++) { total += exp(logits[base + k] - m); }
        ${BODIES[this.kind]}
      }
      ${main('index')} {
        if (index < uniforms.size) {
          let C = uniforms.classes;
          let row = ${perRow ? 'index' : 'index / C'};
          let col = ${perRow ? '0' : 'index - row * C'};
          setOutputAtIndex(index, value(index, row, col, row * C, C));
        }
      }
    `;
  }
}
