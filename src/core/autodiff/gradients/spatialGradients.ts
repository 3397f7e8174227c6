// Gradients of 2-D convolution and max pooling that nested tf.grad can differentiate on every backend.
// In tfjs 4.22, Conv2DBackpropFilter (used by the filter gradient of Conv2D and Conv2DBackpropInput)
// has no gradient, and the wasm backend has no Conv2DBackpropFilter kernel at all, so even first
// derivatives with respect to a filter throw there. MaxPool's gradient runs MaxPoolGrad, which has
// no gradient (and is wrong on wasm, see maxPoolGradConfig). Convolutions are bilinear, so each
// backprop kernel's gradient is another convolution; max pooling routes dy through a locally
// constant mask, written here with differentiable ops.
import * as tf from '@tensorflow/tfjs-core';
import { withoutGradient } from '../stopGradient';
import { single } from './gradHelpers';

/** The attributes shared by Conv2D and its two backprop kernels. */
interface ConvOptions {
  strides: [number, number] | number;
  pad: tf.Conv2DAttrs['pad'];
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function asAttrs(attrs: object): tf.NamedAttrMap {
  return attrs as unknown as tf.NamedAttrMap;
}

function conv2d(x: tf.Tensor, filter: tf.Tensor, o: ConvOptions): tf.Tensor {
  return tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, o.strides, o.pad, o.dataFormat, 1, o.dimRoundingMode);
}

/** d/dx of conv2d(x, filter) applied to dy (a transposed convolution); a kernel on every backend. */
function conv2DBackpropInput(inputShape: readonly number[], dy: tf.Tensor, filter: tf.Tensor, o: ConvOptions): tf.Tensor {
  const { strides, pad, dataFormat, dimRoundingMode } = o;
  return tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter }, asAttrs({ strides, pad, dataFormat, dimRoundingMode, inputShape }));
}

/** d/dfilter of conv2d(x, filter) applied to dy: the kernel where the backend has it, else im2col. */
function conv2DBackpropFilter(x: tf.Tensor, dy: tf.Tensor, filterShape: readonly number[], o: ConvOptions): tf.Tensor {
  const { strides, pad, dataFormat, dimRoundingMode } = o;
  if (tf.getKernel(tf.Conv2DBackpropFilter, tf.getBackend()) != null) {
    return tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, asAttrs({ strides, pad, dataFormat, dimRoundingMode, filterShape }));
  }
  return conv2DBackpropFilterIm2col(x, dy, filterShape, o);
}

/**
 * dW[kh, kw, c, co] = Σ_{n, oh, ow} x_padded[n, kh + sH·oh, kw + sW·ow, c] · dy[n, oh, ow, co], as one
 * matMul of the strided input patches with dy. Built from pad, slice, reshape, concat and matMul
 * only, so it runs on every backend and its own gradients are second-order correct.
 */
function conv2DBackpropFilterIm2col(x: tf.Tensor, dy: tf.Tensor, filterShape: readonly number[], o: ConvOptions): tf.Tensor {
  const channelsFirst = o.dataFormat === 'NCHW';
  const xs = channelsFirst ? tf.transpose(x, [0, 2, 3, 1]) : x;
  const dys = channelsFirst ? tf.transpose(dy, [0, 2, 3, 1]) : dy;
  const [n, h, w, c] = xs.shape as [number, number, number, number];
  const [kh, kw, , co] = filterShape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(
    [n, h, w, c], [kh, kw, c, co], o.strides, 1, o.pad, o.dimRoundingMode, false, 'channelsLast',
  );
  const { top, left } = info.padInfo;
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  // Pad so that every window start kh + sH·oh (and a whole stride block after it) is in range.
  const hp = Math.max(h + top, kh - 1 + sh * oh);
  const wp = Math.max(w + left, kw - 1 + sw * ow);
  const xp = tf.pad(xs, [[0, 0], [top, hp - h - top], [left, wp - w - left], [0, 0]]);
  const patches: tf.Tensor[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      let p = tf.slice(xp, [0, i, j, 0], [n, sh * oh, sw * ow, c]);
      // Keep every sH-th row and sW-th column by folding the stride into its own axis.
      if (sh > 1) p = tf.slice(tf.reshape(p, [n * oh, sh, sw * ow * c]), [0, 0, 0], [n * oh, 1, sw * ow * c]);
      if (sw > 1) p = tf.slice(tf.reshape(p, [n * oh * ow, sw, c]), [0, 0, 0], [n * oh * ow, 1, c]);
      patches.push(tf.reshape(p, [n * oh * ow, c]));
    }
  }
  const columns = patches.length === 1 ? patches[0]! : tf.concat(patches, 1);
  const grad = tf.matMul(columns, tf.reshape(dys, [n * oh * ow, co]), true, false);
  return tf.reshape(grad, [kh, kw, c, co]);
}

function assertNoDilation(dilations: [number, number] | number): void {
  const d = typeof dilations === 'number' ? [dilations, dilations] : dilations;
  if (d.some((v) => v !== 1)) {
    throw new Error(`Error in gradient of conv2D: dilation rates greater than 1 are not yet supported in gradients. Got dilations '${String(d)}'`);
  }
}

/** Conv2D: dx = conv2DBackpropInput(dy, filter), dfilter = conv2DBackpropFilter(x, dy). */
export const conv2DGradConfig: tf.GradConfig = {
  kernelName: tf.Conv2D,
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter] = saved as [tf.Tensor, tf.Tensor];
    const o = attrs as unknown as tf.Conv2DAttrs;
    assertNoDilation(o.dilations);
    const g = single(dy);
    return {
      x: () => conv2DBackpropInput(x.shape, g, filter, o),
      filter: () => conv2DBackpropFilter(x, g, filter.shape, o),
    };
  },
};

/** Conv2DBackpropInput (bilinear in dy and filter): d dy = conv2d(ddx, filter), d filter = conv2DBackpropFilter(ddx, dy). */
export const conv2DBackpropInputGradConfig: tf.GradConfig = {
  kernelName: tf.Conv2DBackpropInput,
  inputsToSave: ['dy', 'filter'],
  gradFunc: (ddx, saved, attrs) => {
    const [dy, filter] = saved as [tf.Tensor, tf.Tensor];
    const o = attrs as unknown as tf.Conv2DBackpropInputAttrs;
    const g = single(ddx);
    return {
      dy: () => conv2d(g, filter, o),
      filter: () => conv2DBackpropFilter(g, dy, filter.shape, o),
    };
  },
};

/** Conv2DBackpropFilter (bilinear in x and dy): d x = conv2DBackpropInput(dy, ddw), d dy = conv2d(x, ddw). */
export const conv2DBackpropFilterGradConfig: tf.GradConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  inputsToSave: ['x', 'dy'],
  gradFunc: (ddw, saved, attrs) => {
    const [x, dy] = saved as [tf.Tensor, tf.Tensor];
    const o = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    const g = single(ddw);
    return {
      x: () => conv2DBackpropInput(x.shape, dy, g, o),
      dy: () => conv2d(x, g, o),
    };
  },
};

/** For each of the filterHeight·filterWidth window offsets, a float 0/1 mask of the outputs it is the max of. */
function windowMaxMasks(x: tf.Tensor, o: tf.MaxPoolAttrs): tf.Tensor {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const info = tf.backend_util.computePool2DInfo([n, h, w, c], o.filterSize, o.strides, 1, o.pad, o.dimRoundingMode);
  const { top, left } = info.padInfo;
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const y = tf.maxPool(x as tf.Tensor4D, o.filterSize, o.strides, o.pad, o.dimRoundingMode);
  // −∞ padding never equals a window's max, just as padded positions never win in MaxPool itself.
  const xp = tf.pad(x, [[0, 0], [top, Math.max(0, fh + sh * (oh - 1) - h - top)], [left, Math.max(0, fw + sw * (ow - 1) - w - left)], [0, 0]], -Infinity);
  let found = tf.zeros(y.shape, 'bool');
  const masks: tf.Tensor[] = [];
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      const candidate = tf.stridedSlice(xp, [0, i, j, 0], [n, i + sh * (oh - 1) + 1, j + sw * (ow - 1) + 1, c], [1, sh, sw, 1]);
      // The first maximum in row-major window order, the one tfjs's cpu MaxPoolGrad routes dy to.
      const hit = tf.logicalAnd(tf.equal(candidate, y), tf.logicalNot(found));
      masks.push(tf.cast(hit, 'float32'));
      found = tf.logicalOr(found, hit);
    }
  }
  return tf.stack(masks);
}

/** Spreads a [n, oh, ow, c] tensor onto the stride grid: entry (oh, ow) lands at (sH·oh, sW·ow) of [n, sH·oh, sW·ow, c]. */
function spreadOnStrideGrid(t: tf.Tensor, sh: number, sw: number): tf.Tensor {
  const [n, oh, ow, c] = t.shape as [number, number, number, number];
  let spread = t;
  if (sw > 1) {
    const column = tf.reshape(spread, [n * oh, ow, 1, c]);
    spread = tf.reshape(tf.concat([column, tf.zeros([n * oh, ow, sw - 1, c])], 2), [n, oh, ow * sw, c]);
  }
  if (sh > 1) {
    const row = tf.reshape(spread, [n, oh, 1, ow * sw * c]);
    spread = tf.reshape(tf.concat([row, tf.zeros([n, oh, sh - 1, ow * sw * c])], 2), [n, oh * sh, ow * sw, c]);
  }
  return spread;
}

/**
 * MaxPool: dx = Σ over window offsets of dy ⊙ mask, placed back at that offset. The masks (which
 * input each window's max came from) are locally constant, so they get a zero gradient; the placement is pad/reshape/concat/add, linear in dy,
 * so the outer tape differentiates it into "pick ddx at each argmax". tfjs's own gradient runs the
 * MaxPoolGrad kernel, which has no gradient and which, on the wasm backend, drops dy for windows
 * whose maximum is negative (wrong even at first order).
 */
export const maxPoolGradConfig: tf.GradConfig = {
  kernelName: tf.MaxPool,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as [tf.Tensor];
    const o = attrs as unknown as tf.MaxPoolAttrs;
    return {
      x: () => {
        const [n, h, w, c] = x.shape as [number, number, number, number];
        const info = tf.backend_util.computePool2DInfo([n, h, w, c], o.filterSize, o.strides, 1, o.pad, o.dimRoundingMode);
        const { top, left } = info.padInfo;
        const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
        const masks = withoutGradient(x, (input) => windowMaxMasks(input, o));
        const maskPerOffset = tf.unstack(masks);
        // The padded frame holds every window (top/left padding first) and the full stride grid.
        const hp = Math.max(h + top, fh - 1 + sh * oh);
        const wp = Math.max(w + left, fw - 1 + sw * ow);
        let sum: tf.Tensor | null = null;
        for (let i = 0; i < fh; i++) {
          for (let j = 0; j < fw; j++) {
            const routed = spreadOnStrideGrid(tf.mul(single(dy), maskPerOffset[i * fw + j]!), sh, sw);
            const placed = tf.pad(routed, [[0, 0], [i, hp - i - sh * oh], [j, wp - j - sw * ow], [0, 0]]);
            sum = sum == null ? placed : tf.add(sum, placed);
          }
        }
        return tf.slice(sum!, [0, top, left, 0], [n, h, w, c]);
      },
    };
  },
};

/** The convolution and pooling gradients above, in registration order. */
export const spatialGradients: readonly tf.GradConfig[] = [
  conv2DGradConfig,
  conv2DBackpropInputGradConfig,
  conv2DBackpropFilterGradConfig,
  maxPoolGradConfig,
];
