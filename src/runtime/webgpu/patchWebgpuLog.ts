// tfjs-backend-webgpu 4.22's Log shader is `if (a < 0.0) { return NAN; } return log(a);`, which
// leaves log(0) and log(NaN) to the driver, and on Vulkan WGSL's log becomes SPIR-V's GLSL.std.450
// Log, undefined for x ≤ 0. SwiftShader uses that room: log(0) gave −88.0297 = −127·ln 2 (the
// exponent field of 0 read as a power of 2) instead of −∞, so logSumExp of an all −∞ slice,
// log Σ exp(−∞) = log 0, came out finite; log(NaN) gave 89.128 = ln(1.5·2¹²⁸). This keeps tfjs's
// kernel (CPU handoff for small tensors still on the CPU, the same shader otherwise) and answers ±0
// with −∞ and NaN with NaN in the shader. Subnormal inputs, which WGSL lets a driver flush to zero,
// give −∞ like 0 where flushed (SwiftShader).
import type { KernelFunc, NumericDataType, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { logImplCPU } from '@tensorflow/tfjs-backend-webgpu/dist/kernel_utils/shared';
import { UnaryOpType } from '@tensorflow/tfjs-backend-webgpu/dist/unary_op_util';
import { UnaryOpProgram } from '@tensorflow/tfjs-backend-webgpu/dist/unary_op_webgpu';
import { getMainHeaderString as main } from '@tensorflow/tfjs-backend-webgpu/dist/webgpu_program';
import { replaceWebgpuKernel } from './replaceWebgpuKernel';

/** tfjs's elementwise Log program with log(±0) = −∞ and log(NaN or x < 0) = NaN stated, not left to the driver. */
export class ExactZeroLogProgram extends UnaryOpProgram {
  constructor(outputShape: number[]) {
    super(outputShape, UnaryOpType.LOG);
    this.shaderKey = 'bilevel_log_exact_zero';
  }

  override getUserCode(): string {
    return `
      fn unaryOperation(a : f32) -> f32 {
        if (isnan(a) || a < 0.0) { return uniforms.NAN; }
        if (a == 0.0) { return -uniforms.INFINITY; }
        return log(a);
      }
      ${main('index')} {
        if (index < uniforms.size) {
          setOutputAtIndex(index, unaryOperation(getAByOutputIndex(index)));
        }
      }
    `;
  }
}

/** tfjs-backend-webgpu's unaryKernelFunc for Log (kernels/Log.ts) running {@link ExactZeroLogProgram}. */
const log: KernelFunc = ({ inputs, backend: b }) => {
  const backend = b as WebGPUBackend;
  const x = inputs['x'] as TensorInfo;
  if (backend.shouldExecuteOnCPU([x])) {
    // tf.log hands the kernel float32 only.
    const values = backend.tensorMap.get(x.dataId).values as Float32Array;
    return backend.makeTensorInfo(x.shape, x.dtype, logImplCPU(values, x.dtype as NumericDataType));
  }
  return backend.runWebGPUProgram(new ExactZeroLogProgram(x.shape), [x], x.dtype);
};

/** Re-registers webgpu's Log with log(0) = −∞ and log(NaN) = NaN on every driver; idempotent, a no-op without webgpu. */
export function patchWebgpuLog(): void {
  replaceWebgpuKernel('Log', log);
}
