// Replaces webgpu's Sin and Cos by AccurateTrigProgram (why: see that file).
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { AccurateTrigProgram, type TrigFunction } from './accurateTrigProgram';
import { replaceWebgpuKernel } from './replaceWebgpuKernel';

function trig(fn: TrigFunction): KernelFunc {
  return ({ inputs, backend }) => {
    const x = inputs['x'] as TensorInfo;
    return (backend as WebGPUBackend).runWebGPUProgram(new AccurateTrigProgram(x.shape, fn), [x], 'float32');
  };
}

/** Re-registers webgpu's Sin and Cos with float32-accurate shaders; idempotent, a no-op without webgpu. */
export function patchWebgpuTrig(): void {
  replaceWebgpuKernel('Sin', trig('sin'));
  replaceWebgpuKernel('Cos', trig('cos'));
}
