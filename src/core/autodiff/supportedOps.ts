// The ops whose nested derivatives (Hessian-vector and mixed products) are tested, as data.
// test/unit/core/autodiff/hvpOpTable.test.ts runs every entry on the cpu, wasm and webgpu backends
// and compares nested tf.grad with finite differences; add an entry here and it is tested. On
// webgpu the int32-label crossEntropy entries run the fused softmax kernels (fusedSoftmax.ts).
//
// Left out, because their nested derivatives are still wrong or missing in tfjs 4.22 (see
// registerSecondOrderGradients.ts): tf.logSoftmax and tf.losses.softmaxCrossEntropy (customGrad;
// use logSoftmax and crossEntropy from this folder), LRN and MaxPool3D (their gradients use the
// saved output), AvgPool/AvgPool3D, DepthwiseConv2dNative, Conv3D, Dilation2D and the resize ops
// (their backprop kernels have no gradient), Conv2D with dilations > 1 (no gradient even at first
// order), and kernels with no gradient at all (StridedSlice, Einsum, TopK, ...).
import * as tf from '@tensorflow/tfjs-core';
import { crossEntropy } from './crossEntropy';
import { zeroGradients } from './gradients/zeroGradients';
import { logSoftmax } from './logSoftmax';
import { logSumExp } from './logSumExp';
import { softmax } from './softmax';

/** One op under test: g(x) = Σ w ⊙ fn(x) for unary entries, h(x, y) = Σ w ⊙ fn(x, y) for binary ones. */
export interface SupportedOp {
  /** Name shown in test output; unique. */
  readonly name: string;
  /** The tfjs kernel whose nested gradient the entry checks, or 'composite' for a function of several. */
  readonly kernel: string;
  /** A test function using the op; composed with a smooth function where the op alone is (piecewise) linear. */
  readonly fn: (x: tf.Tensor, y?: tf.Tensor) => tf.Tensor;
  /** Shape of x (default [2, 3]). */
  readonly shape?: readonly number[];
  /** Interval x is sampled from (default [-1, 1]). */
  readonly domain?: readonly [number, number];
  /** Shape of y; set exactly for binary entries. */
  readonly yShape?: readonly number[];
  /** Interval y is sampled from (default [-1, 1]). */
  readonly yDomain?: readonly [number, number];
  /** Inputs where fn is not twice differentiable; samples keep away from them. */
  readonly kinks?: readonly number[];
  /** Samples must be pairwise apart, so no argmax flips under a finite-difference step (max, min, pooling). */
  readonly distinct?: boolean;
  /** Binary entries with a kink at x = y (maximum, minimum): each x_i keeps away from y_i. */
  readonly apart?: boolean;
}

/** A deterministic, non-symmetric constant of the given shape (filters, weights inside test functions). */
function ramp(shape: number[]): tf.Tensor {
  const size = shape.reduce((p, c) => p * c, 1);
  return tf.tensor(Array.from({ length: size }, (_, i) => Math.sin(1.3 * i + 0.7)), shape);
}

function int(values: number[] | number[][], shape: number[]): tf.Tensor {
  return tf.tensor(values.flat(), shape, 'int32');
}

const POSITIVE: readonly [number, number] = [0.5, 2];

/** The supported ops, grouped by family; every entry is tested on cpu and wasm. */
export const supportedOps: readonly SupportedOp[] = [
  // Elementwise, unary.
  { name: 'Neg', kernel: tf.Neg, fn: (x) => tf.square(tf.neg(x)) },
  { name: 'Square', kernel: tf.Square, fn: (x) => tf.mul(tf.square(x), x) },
  { name: 'Sqrt', kernel: tf.Sqrt, fn: (x) => tf.sqrt(x), domain: POSITIVE },
  { name: 'Rsqrt', kernel: tf.Rsqrt, fn: (x) => tf.rsqrt(x), domain: POSITIVE },
  { name: 'Reciprocal', kernel: tf.Reciprocal, fn: (x) => tf.reciprocal(x), domain: POSITIVE },
  { name: 'Exp', kernel: tf.Exp, fn: (x) => tf.exp(x) },
  { name: 'Log', kernel: tf.Log, fn: (x) => tf.log(x), domain: POSITIVE },
  { name: 'Log1p', kernel: tf.Log1p, fn: (x) => tf.log1p(x), domain: [-0.5, 1] },
  { name: 'Expm1', kernel: tf.Expm1, fn: (x) => tf.expm1(x) },
  { name: 'Softplus', kernel: tf.Softplus, fn: (x) => tf.softplus(x), domain: [-3, 3] },
  { name: 'softplus as log(1 + exp)', kernel: 'composite', fn: (x) => tf.log(tf.add(1, tf.exp(x))), domain: [-3, 3] },
  { name: 'Sigmoid', kernel: tf.Sigmoid, fn: (x) => tf.sigmoid(x), domain: [-3, 3] },
  { name: 'Tanh', kernel: tf.Tanh, fn: (x) => tf.tanh(x), domain: [-2, 2] },
  { name: 'Relu', kernel: tf.Relu, fn: (x) => tf.square(tf.relu(x)), kinks: [0] },
  { name: 'Relu6', kernel: tf.Relu6, fn: (x) => tf.square(tf.relu6(x)), domain: [-2, 8], kinks: [0, 6] },
  { name: 'Elu', kernel: tf.Elu, fn: (x) => tf.elu(x), domain: [-2, 2], kinks: [0] },
  { name: 'Selu', kernel: tf.Selu, fn: (x) => tf.selu(x), domain: [-2, 2], kinks: [0] },
  { name: 'LeakyRelu', kernel: tf.LeakyRelu, fn: (x) => tf.square(tf.leakyRelu(x, 0.2)), kinks: [0] },
  { name: 'Abs', kernel: tf.Abs, fn: (x) => tf.mul(tf.abs(x), x), kinks: [0] },
  { name: 'Sin', kernel: tf.Sin, fn: (x) => tf.sin(x), domain: [-2, 2] },
  { name: 'Cos', kernel: tf.Cos, fn: (x) => tf.cos(x), domain: [-2, 2] },
  { name: 'Tan', kernel: tf.Tan, fn: (x) => tf.tan(x) },
  { name: 'Asin', kernel: tf.Asin, fn: (x) => tf.asin(x), domain: [-0.8, 0.8] },
  { name: 'Atan', kernel: tf.Atan, fn: (x) => tf.atan(x), domain: [-2, 2] },
  { name: 'Sinh', kernel: tf.Sinh, fn: (x) => tf.sinh(x) },
  { name: 'Cosh', kernel: tf.Cosh, fn: (x) => tf.cosh(x) },
  { name: 'Erf', kernel: tf.Erf, fn: (x) => tf.erf(x) },
  { name: 'Pow (scalar exponent)', kernel: tf.Pow, fn: (x) => tf.pow(x, 2.5), domain: POSITIVE },
  { name: 'ClipByValue', kernel: tf.ClipByValue, fn: (x) => tf.square(tf.clipByValue(x, -0.5, 0.5)), kinks: [-0.5, 0.5] },
  { name: 'Cast', kernel: tf.Cast, fn: (x) => tf.square(tf.cast(x, 'float32')) },
  { name: 'Identity', kernel: tf.Identity, fn: (x) => tf.square(tf.clone(x)) },

  // Elementwise, binary (with broadcasting where the op allows it).
  { name: 'Add', kernel: tf.Add, fn: (x, y) => tf.square(tf.add(x, y!)), yShape: [3] },
  { name: 'Sub', kernel: tf.Sub, fn: (x, y) => tf.square(tf.sub(x, y!)), yShape: [2, 1] },
  { name: 'Mul', kernel: tf.Multiply, fn: (x, y) => tf.mul(tf.mul(x, y!), x), yShape: [3] },
  { name: 'Div', kernel: tf.RealDiv, fn: (x, y) => tf.div(x, y!), yShape: [1, 3], yDomain: POSITIVE },
  { name: 'AddN', kernel: tf.AddN, fn: (x, y) => tf.square(tf.addN([x, y!, x])), yShape: [2, 3] },
  { name: 'SquaredDifference', kernel: tf.SquaredDifference, fn: (x, y) => tf.mul(tf.squaredDifference(x, y!), x), yShape: [2, 3] },
  { name: 'Pow (tensor base and exponent)', kernel: tf.Pow, fn: (x, y) => tf.pow(x, y!), domain: POSITIVE, yShape: [2, 3], yDomain: [-1.5, 2] },
  { name: 'Maximum', kernel: tf.Maximum, fn: (x, y) => tf.square(tf.maximum(x, y!)), yShape: [2, 3], apart: true },
  { name: 'Minimum', kernel: tf.Minimum, fn: (x, y) => tf.square(tf.minimum(x, y!)), yShape: [2, 3], apart: true },
  { name: 'Prelu', kernel: tf.Prelu, fn: (x, y) => tf.square(tf.prelu(x, y!)), yShape: [3], yDomain: [0.1, 0.5], kinks: [0] },
  { name: 'Select', kernel: tf.Select, fn: (x, y) => tf.where(tf.greater(x, 0), tf.exp(x), tf.mul(x, y!)), yShape: [2, 3], kinks: [0] },

  // Reductions, scans and normalizations.
  { name: 'Sum', kernel: tf.Sum, fn: (x) => tf.square(tf.sum(x, 1)) },
  { name: 'Mean', kernel: tf.Mean, fn: (x) => tf.square(tf.mean(x, 0)) },
  { name: 'Max', kernel: tf.Max, fn: (x) => tf.square(tf.max(x, 1)), distinct: true },
  { name: 'Max (all axes)', kernel: tf.Max, fn: (x) => tf.square(tf.max(x)), distinct: true },
  { name: 'Min', kernel: tf.Min, fn: (x) => tf.square(tf.min(x, 0)), distinct: true },
  { name: 'Prod', kernel: tf.Prod, fn: (x) => tf.prod(x, 1), domain: POSITIVE },
  { name: 'Prod (all axes)', kernel: tf.Prod, fn: (x) => tf.prod(x), domain: [0.7, 1.4] },
  { name: 'Cumsum (axis 0)', kernel: tf.Cumsum, fn: (x) => tf.square(tf.cumsum(x, 0)) },
  { name: 'Cumprod', kernel: tf.Cumprod, fn: (x) => tf.cumprod(x, 1), domain: POSITIVE },
  { name: 'Cumprod (exclusive, reverse)', kernel: tf.Cumprod, fn: (x) => tf.cumprod(x, 1, true, true), domain: POSITIVE },
  { name: 'Softmax', kernel: tf.Softmax, fn: (x) => tf.softmax(x), domain: [-2, 2] },
  { name: 'softmax (axis 0)', kernel: 'composite', fn: (x) => softmax(x, 0), domain: [-2, 2] },
  { name: 'logSoftmax', kernel: 'composite', fn: (x) => logSoftmax(x), domain: [-2, 2] },
  { name: 'logSumExp', kernel: 'composite', fn: (x) => logSumExp(x, 1), domain: [-2, 2] },
  { name: 'tf.logSumExp', kernel: 'composite', fn: (x) => tf.logSumExp(x, 1), domain: [-2, 2] },
  { name: 'crossEntropy (int32 labels, OneHot)', kernel: tf.OneHot, fn: (x) => crossEntropy(x, int([2, 0], [2])), domain: [-2, 2] },
  { name: 'crossEntropy (soft labels)', kernel: 'composite', fn: (x, y) => crossEntropy(x, y!, { reduction: 'sum' }), domain: [-2, 2], yShape: [2, 3], yDomain: [0, 1] },
  { name: 'crossEntropy (no reduction)', kernel: 'composite', fn: (x) => crossEntropy(x, int([1, 1], [2]), { reduction: 'none' }), domain: [-2, 2] },

  // Matrix products.
  { name: 'MatMul', kernel: tf.BatchMatMul, fn: (x, y) => tf.square(tf.matMul(x, y!)), yShape: [3, 2] },
  { name: 'MatMul (transposeB)', kernel: tf.BatchMatMul, fn: (x, y) => tf.square(tf.matMul(x, y!, false, true)), yShape: [4, 3] },

  // Shape and indexing.
  { name: 'Transpose', kernel: tf.Transpose, fn: (x) => tf.mul(tf.transpose(x), ramp([3, 2])), shape: [2, 3] },
  { name: 'Transpose (squared)', kernel: tf.Transpose, fn: (x) => tf.square(tf.transpose(x)) },
  { name: 'Reshape', kernel: tf.Reshape, fn: (x) => tf.square(tf.reshape(x, [3, 2])) },
  { name: 'ExpandDims', kernel: tf.ExpandDims, fn: (x) => tf.square(tf.expandDims(x, 1)) },
  { name: 'Concat', kernel: tf.Concat, fn: (x, y) => tf.mul(tf.concat([x, y!], 1), tf.concat([y!, x], 1)), yShape: [2, 3] },
  { name: 'Slice', kernel: tf.Slice, fn: (x) => tf.square(tf.slice(x, [0, 1], [2, 2])) },
  { name: 'SplitV', kernel: tf.SplitV, fn: (x) => { const [a, b] = tf.split(x, [1, 2], 1); return tf.mul(a!, tf.square(b!)); } },
  { name: 'Pack', kernel: tf.Pack, fn: (x, y) => tf.mul(tf.stack([x, y!]), tf.stack([y!, x])), yShape: [2, 3] },
  { name: 'Unpack', kernel: tf.Unpack, fn: (x) => { const [a, b] = tf.unstack(x); return tf.mul(a!, tf.square(b!)); } },
  { name: 'PadV2', kernel: tf.PadV2, fn: (x) => tf.square(tf.pad(x, [[1, 0], [0, 2]], 0.5)) },
  { name: 'Tile', kernel: tf.Tile, fn: (x) => tf.mul(tf.tile(x, [2, 1]), ramp([4, 3])), shape: [2, 3] },
  { name: 'Tile (squared)', kernel: tf.Tile, fn: (x) => tf.square(tf.tile(x, [2, 1])) },
  { name: 'Reverse', kernel: tf.Reverse, fn: (x) => tf.mul(tf.reverse(x, 1), x) },
  { name: 'Gather (axis 1, repeated indices)', kernel: tf.GatherV2, fn: (x) => tf.square(tf.gather(x, int([2, 0, 2], [3]), 1)) },
  { name: 'Gather (axis 0)', kernel: tf.GatherV2, fn: (x) => tf.square(tf.gather(x, int([3, 1, 3], [3]))), shape: [4, 2] },
  { name: 'Gather (batchDims 1)', kernel: tf.GatherV2, fn: (x) => tf.square(tf.gather(x, int([[2, 0], [1, 1]], [2, 2]), 1, 1)) },
  { name: 'GatherNd', kernel: tf.GatherNd, fn: (x) => tf.square(tf.gatherND(x, int([[0, 1], [1, 2], [0, 1]], [3, 2]))) },
  { name: 'ScatterNd', kernel: tf.ScatterNd, fn: (x) => tf.square(tf.scatterND(int([[1], [1]], [2, 1]), x, [3, 3])) },

  // Convolution and pooling (NHWC).
  { name: 'Conv2D (fixed filter)', kernel: tf.Conv2D, fn: (x) => tf.square(tf.conv2d(x as tf.Tensor4D, ramp([2, 2, 2, 3]) as tf.Tensor4D, 1, 'valid')), shape: [1, 4, 4, 2] },
  { name: 'Conv2D (input and filter)', kernel: tf.Conv2D, fn: (x, y) => tf.square(tf.conv2d(x as tf.Tensor4D, y as tf.Tensor4D, 1, 'valid')), shape: [1, 4, 4, 2], yShape: [2, 2, 2, 3] },
  { name: 'Conv2D (stride 2, same)', kernel: tf.Conv2D, fn: (x, y) => tf.square(tf.conv2d(x as tf.Tensor4D, y as tf.Tensor4D, 2, 'same')), shape: [2, 5, 5, 2], yShape: [3, 3, 2, 2] },
  { name: 'Conv2DBackpropInput (conv2dTranspose)', kernel: tf.Conv2DBackpropInput, fn: (x, y) => tf.square(tf.conv2dTranspose(x as tf.Tensor4D, y as tf.Tensor4D, [1, 4, 4, 3], 1, 'valid')), shape: [1, 3, 3, 2], yShape: [2, 2, 3, 2] },
  { name: 'MaxPool (2x2, stride 1, same)', kernel: tf.MaxPool, fn: (x) => tf.square(tf.maxPool(x as tf.Tensor4D, 2, 1, 'same')), shape: [1, 3, 3, 2], distinct: true },
  { name: 'MaxPool (3x3, stride 2, valid)', kernel: tf.MaxPool, fn: (x) => tf.sin(tf.maxPool(x as tf.Tensor4D, 3, 2, 'valid')), shape: [1, 5, 5, 1], domain: [-2, 2], distinct: true },
];

/**
 * Kernels whose derivatives of every order are correct under nested tf.grad once
 * registerSecondOrderGradients() has run: those the table above tests, plus the kernels given zero
 * gradients (comparisons, logical ops, argmax).
 */
export const SECOND_ORDER_SAFE_KERNELS: readonly string[] = [
  ...new Set([
    ...supportedOps.map((op) => op.kernel).filter((k) => k !== 'composite'),
    ...zeroGradients.map((config) => config.kernelName),
  ]),
].sort();
