// tfjs-backend-wasm 4.22's Cast copies its input even to the dtype it already has. tfjs's engine
// runs exactly that Cast (to float32) as the gradient of every clone it makes to save a tensor for
// the backward pass, so each double backward (a Hessian-vector product, a reverse step of RHG)
// copied every saved float32 tensor on its path once more, ~600 copies per RHG iteration at K = 50.
// A same-dtype Cast now shares the buffer, as the patched Identity does.
import type { DataType } from '@tensorflow/tfjs-core';
import { aliasWhereCopied } from './patchWasmIdentity';

/** Makes wasm's Cast to a tensor's own dtype a reference-counted alias; idempotent, a no-op without wasm. */
export function patchWasmCast(): void {
  aliasWhereCopied('Cast', (x, attrs) => (attrs['dtype'] as DataType) === x.dtype);
}
