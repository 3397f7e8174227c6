// tfjs-backend-wasm 4.22's Identity kernel copies its input into a new buffer. tfjs's engine runs
// Identity for every tensor it saves for the backward pass (engine.clone in
// saveTensorsForBackwardMode), so each recorded matMul copied the whole data matrix (5000×784
// floats, 2.5–6 ms) once per lower step, and the copy's new data id also defeated the transpose
// cache of patchWasmMatMul. Tensors are immutable, so this shares the buffer with a reference
// count instead, as tfjs-backend-cpu's Identity and wasm's own Reshape do.
import * as tf from '@tensorflow/tfjs-core';
import type { DataId, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

/** The part of the wasm backend this kernel uses (the same call wasm's Reshape makes). */
interface RefCountingBackend {
  incRef(dataId: DataId): void;
}

let patched = false;

/** A new tensor on x's buffer (one more reference to it): what Identity, or a Cast to x's own dtype, returns. */
export function aliasOf(x: TensorInfo, backend: unknown): TensorInfo {
  (backend as RefCountingBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

/** Replaces wasm's Identity by a reference-counted alias of its input; idempotent, a no-op without wasm. */
export function patchWasmIdentity(): void {
  if (patched) return;
  const original = tf.getKernel('Identity', 'wasm');
  if (!original) return;
  const copy = original.kernelFunc;
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs['x'] as TensorInfo;
    // String tensors live in JS, not on the wasm heap; the original handles them.
    if (x.dtype === 'string') return copy(args);
    return aliasOf(x, args.backend);
  };
  const config: KernelConfig = { ...original, kernelFunc };
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel(config);
  patched = true;
}
