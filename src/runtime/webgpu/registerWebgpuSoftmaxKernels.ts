// The webgpu implementations of the fused softmax kernels whose gradients src/core/autodiff
// registers (fusedSoftmax.ts); on other backends core computes the same values with generic ops.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { SOFTMAX_KERNELS } from '../../common/softmaxKernelNames';
import { SoftmaxRowProgram, type SoftmaxRowKind } from './softmaxRowProgram';

function rowKernel(kind: SoftmaxRowKind): KernelFunc {
  return ({ inputs, backend }) => {
    const logits = inputs['logits'] as TensorInfo;
    const classes = logits.shape[logits.shape.length - 1]!;
    const outputShape = kind === 'crossEntropy' ? logits.shape.slice(0, -1) : logits.shape;
    const program = new SoftmaxRowProgram(kind, outputShape);
    const ordered = program.variableNames.map((name) => inputs[name] as TensorInfo);
    return (backend as WebGPUBackend).runWebGPUProgram(program, ordered, 'float32', [{ type: 'int32', data: [classes] }]);
  };
}

/** Registers the fused softmax kernels (softmax, its Jacobian product, cross-entropy, its gradient and its Hessian-vector product) on webgpu; idempotent. */
export function registerWebgpuSoftmaxKernels(): void {
  for (const kind of Object.keys(SOFTMAX_KERNELS) as SoftmaxRowKind[]) {
    const kernelName = SOFTMAX_KERNELS[kind];
    if (tf.getKernel(kernelName, 'webgpu') === undefined) tf.registerKernel({ kernelName, backendName: 'webgpu', kernelFunc: rowKernel(kind) });
  }
}
