// Every wasm kernel patch of this folder, applied in one call once the wasm backend is active.
import { memoizeWasmMatMul } from './memoizeWasmMatMul';
import { patchWasmCast } from './patchWasmCast';
import { patchWasmIdentity } from './patchWasmIdentity';
import { patchWasmMatMul } from './patchWasmMatMul';

/** What {@link patchWasmKernels} may leave out (all patches are on by default). */
export interface WasmKernelPatchOptions {
  /** Keep products of the data matrix for reuse (memoizeWasmMatMul); default true. */
  readonly memoizeMatMul?: boolean;
}

/**
 * Applies the wasm kernel patches: shared-buffer Identity and same-dtype Cast, BatchMatMul without
 * transposed operands, then the product memo on top of it. Idempotent; a no-op for kernels wasm does not have.
 */
export function patchWasmKernels(options: WasmKernelPatchOptions = {}): void {
  patchWasmIdentity();
  patchWasmCast();
  patchWasmMatMul();
  if (options.memoizeMatMul ?? true) memoizeWasmMatMul();
}
