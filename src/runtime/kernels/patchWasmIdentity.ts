// tfjs-backend-wasm 4.22's Identity kernel copies its input into a new buffer. tfjs's engine runs
// Identity for every tensor it saves for the backward pass (engine.clone in
// saveTensorsForBackwardMode), so each recorded matMul copied the whole data matrix (5000×784
// floats, 2.5–6 ms) once per lower step, and the copy's new data id also defeated the transpose
// cache of patchWasmMatMul. Tensors are immutable, so this shares the buffer with a reference
// count instead, as tfjs-backend-cpu's Identity and wasm's own Reshape do.
import * as tf from '@tensorflow/tfjs-core';
import type { DataId, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

/** The part of the wasm backend this kernel uses (the same call wasm's Reshape makes). */
interface RefCountingBackend {
  incRef(dataId: DataId): void;
}

const patched = new Set<string>();

/**
 * Re-registers wasm's `kernelName` so that it returns an alias of its input `x` (one more reference
 * to the same buffer, which tfjs never writes in place) wherever `aliases` says the result would be
 * a copy of it, and runs the original otherwise; idempotent, a no-op without wasm. String tensors
 * live in JS, not on the wasm heap, so they always take the original.
 */
export function aliasWhereCopied(kernelName: string, aliases: (x: TensorInfo, attrs: NamedAttrMap) => boolean): void {
  if (patched.has(kernelName)) return;
  const original = tf.getKernel(kernelName, 'wasm');
  if (!original) return;
  const run = original.kernelFunc;
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs['x'] as TensorInfo;
    if (x.dtype === 'string' || !aliases(x, args.attrs ?? {})) return run(args);
    (args.backend as unknown as RefCountingBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
  const config: KernelConfig = { ...original, kernelFunc };
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel(config);
  patched.add(kernelName);
}

/** Replaces wasm's Identity by a reference-counted alias of its input; idempotent, a no-op without wasm. */
export function patchWasmIdentity(): void {
  aliasWhereCopied('Identity', () => true);
}
