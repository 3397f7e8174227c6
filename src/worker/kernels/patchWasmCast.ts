// tfjs-backend-wasm 4.22's Cast copies its input even to the dtype it already has. tfjs's engine
// runs exactly that Cast (to float32) as the gradient of every clone it makes to save a tensor for
// the backward pass, so each double backward (a Hessian-vector product, a reverse step of RHG)
// copied every saved float32 tensor on its path once more, ~600 copies per RHG iteration at K = 50.
// A same-dtype Cast now shares the buffer, as the patched Identity does.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { aliasOf } from './patchWasmIdentity';

let patched = false;

/** Makes wasm's Cast to a tensor's own dtype a reference-counted alias; idempotent, a no-op without wasm. */
export function patchWasmCast(): void {
  if (patched) return;
  const original = tf.getKernel('Cast', 'wasm');
  if (!original) return;
  const convert = original.kernelFunc;
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs['x'] as TensorInfo;
    const { dtype } = args.attrs as NamedAttrMap & { dtype: tf.DataType };
    // Strings live in JS, not on the wasm heap; other dtypes convert as before.
    if (dtype !== x.dtype || x.dtype === 'string') return convert(args);
    return aliasOf(x, args.backend);
  };
  const config: KernelConfig = { ...original, kernelFunc };
  tf.unregisterKernel('Cast', 'wasm');
  tf.registerKernel(config);
  patched = true;
}
