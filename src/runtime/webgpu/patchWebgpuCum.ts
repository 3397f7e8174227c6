// tfjs-backend-webgpu 4.22's cumulative sum and product compile their shader with the length of the
// scanned axis baked into it (`end + pow2 < LENGTH` for reverse scans, `end != LENGTH − 1` for
// exclusive ones) but cache it under a key without that length, so the second reverse scan of a
// different length reuses the first one's shader and returns wrong values: tf.cumsum(x, 1, false,
// true) on [[1,2,3],[4,5,6]] gave [[3,2,3],[9,5,6]] after a scan of length 2. Reverse cumsum is
// cumsum's gradient, so every nested derivative through it was wrong. This keeps tfjs's algorithm and
// adds the length to the key.
import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { CumOpType, CumProgram } from '@tensorflow/tfjs-backend-webgpu/dist/cum_webgpu';
import { replaceWebgpuKernel } from './replaceWebgpuKernel';

/** tfjs's CumProgram with the scanned length in its shader cache key. */
class KeyedCumProgram extends CumProgram {
  constructor(op: CumOpType, shape: number[], exclusive: boolean, reverse: boolean) {
    super(op, shape, exclusive, reverse);
    this.shaderKey = `${this.shaderKey}_len${shape[shape.length - 1]}`;
  }
}

function runKernel(name: string, backend: WebGPUBackend, inputs: Record<string, TensorInfo>, attrs: Record<string, unknown> = {}): TensorInfo {
  const kernel = tf.getKernel(name, 'webgpu');
  if (!kernel) throw new Error(`webgpu has no ${name} kernel`);
  return kernel.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as TensorInfo;
}

/** tfjs-backend-webgpu's cumImpl (kernels/Cum_impl.ts) running {@link KeyedCumProgram}. */
function cumulative(op: CumOpType): KernelFunc {
  return ({ inputs, backend: b, attrs }) => {
    const backend = b as WebGPUBackend;
    const x = inputs['x'] as TensorInfo;
    const { axis, exclusive, reverse } = attrs as { axis: number; exclusive: boolean; reverse: boolean };
    const rank = x.shape.length;
    const permutation = backend_util.getAxesPermutation([axis], rank);
    const permuted = permutation === null ? x : runKernel('Transpose', backend, { x }, { perm: permutation });
    const size = permuted.shape[rank - 1]!;
    let result = runKernel('Identity', backend, { x: permuted });
    // Hillis–Steele scan: pass i adds the value 2^i places back (or ahead, reversed).
    const passes = [...Array.from({ length: Math.ceil(Math.log2(size)) }, (_, i) => [i, false] as const), ...(exclusive ? [[0, true] as const] : [])];
    for (const [i, shift] of passes) {
      const program = new KeyedCumProgram(op, [...permuted.shape], shift, reverse);
      const previous = result;
      result = backend.runWebGPUProgram(program, [result], result.dtype, [{ type: 'float32', data: [i] }]);
      backend.disposeData(previous.dataId);
    }
    if (permutation === null) return result;
    const restored = runKernel('Transpose', backend, { x: result }, { perm: backend_util.getUndoAxesPermutation(permutation) });
    backend.disposeData(result.dataId);
    backend.disposeData(permuted.dataId);
    return restored;
  };
}

/** Re-registers webgpu's Cumsum and Cumprod with correctly keyed shaders; idempotent, a no-op without webgpu. */
export function patchWebgpuCum(): void {
  replaceWebgpuKernel('Cumsum', cumulative(CumOpType.Sum));
  replaceWebgpuKernel('Cumprod', cumulative(CumOpType.Prod));
}
