// Gradients of gather/scatter kernels that work on every backend and under nested tf.grad.
// tfjs 4.22's GatherV2 gradient sums with UnsortedSegmentSum, a kernel the wasm backend lacks (so
// even first derivatives of tf.gather throw there), and its batchDims branch calls chained tensor
// methods that this bundle does not register. GatherNd and ScatterNd have no gradient at all.
// gather, gatherND and scatterND are each other's adjoints, so routing them through one another
// keeps every order of derivative connected; scatterND sums duplicate indices on cpu, wasm and webgpu.
import * as tf from '@tensorflow/tfjs-core';
import { floatZeros, single } from './gradHelpers';

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/** The adjoint of gather(x, indices, axis) with batchDims 0: scatter-adds dy back into x's shape. */
function scatterGathered(xShape: readonly number[], indices: tf.Tensor, dy: tf.Tensor, axis: number): tf.Tensor {
  const outer = xShape.slice(0, axis);
  const inner = xShape.slice(axis + 1);
  const count = indices.size;
  const values = tf.reshape(dy, [...outer, count, ...inner]);
  // Bring the gathered axis to the front, where scatterND indexes.
  const perm = [outer.length, ...range(0, outer.length), ...range(outer.length + 1, outer.length + 1 + inner.length)];
  const front = outer.length === 0 ? values : tf.transpose(values, perm);
  const summed = tf.scatterND(tf.reshape(indices, [count, 1]), front, [xShape[axis]!, ...outer, ...inner]);
  return outer.length === 0 ? summed : tf.transpose(summed, tf.backend_util.getUndoAxesPermutation(perm));
}

/** GatherV2: dx = scatter-add of dy at the gathered positions, per batch when batchDims > 0. */
export const gatherGradConfig: tf.GradConfig = {
  kernelName: tf.GatherV2,
  inputsToSave: ['x', 'indices'],
  gradFunc: (dy, saved, attrs) => {
    const [x, indices] = saved as [tf.Tensor, tf.Tensor];
    const { axis, batchDims } = attrs as unknown as tf.GatherV2Attrs;
    const g = single(dy);
    const parsedAxis = tf.util.parseAxisParam(axis, x.shape)[0]!;
    const dx = (): tf.Tensor => {
      if (batchDims === 0) return scatterGathered(x.shape, indices, g, parsedAxis);
      // Flatten the batch dimensions into one and scatter each batch on its own.
      const batchSize = x.shape.slice(0, batchDims).reduce((p, c) => p * c, 1);
      const xRest = x.shape.slice(batchDims);
      const idxRest = indices.shape.slice(batchDims);
      const dyRest = g.shape.slice(batchDims);
      const idx = tf.reshape(indices, [batchSize, ...idxRest]);
      const d = tf.reshape(g, [batchSize, ...dyRest]);
      const parts = range(0, batchSize).map((i) =>
        scatterGathered(
          xRest,
          tf.reshape(tf.slice(idx, i, 1), idxRest),
          tf.reshape(tf.slice(d, i, 1), dyRest),
          parsedAxis - batchDims,
        ),
      );
      return tf.reshape(tf.stack(parts), x.shape);
    };
    return { x: dx, indices: () => floatZeros(indices) };
  },
};

/** GatherNd: d params = scatterND(indices, dy, params.shape), which sums repeated indices. */
export const gatherNdGradConfig: tf.GradConfig = {
  kernelName: tf.GatherNd,
  inputsToSave: ['params', 'indices'],
  gradFunc: (dy, saved) => {
    const [params, indices] = saved as [tf.Tensor, tf.Tensor];
    return {
      params: () => tf.scatterND(indices, single(dy), params.shape),
      indices: () => floatZeros(indices),
    };
  },
};

/** ScatterNd: d updates = gatherND(dy, indices), the adjoint of the scatter-add. */
export const scatterNdGradConfig: tf.GradConfig = {
  kernelName: tf.ScatterNd,
  inputsToSave: ['indices'],
  gradFunc: (dy, saved) => {
    const [indices] = saved as [tf.Tensor];
    return {
      updates: () => tf.gatherND(single(dy), indices),
      indices: () => floatZeros(indices),
    };
  },
};

/** The indexing gradients above, in registration order. */
export const indexingGradients: readonly tf.GradConfig[] = [gatherGradConfig, gatherNdGradConfig, scatterNdGradConfig];
