// Every webgpu kernel of this folder, replacements and our own fused ones, registered in one call once tfjs-backend-webgpu has.
import { patchWebgpuCum } from './patchWebgpuCum';
import { patchWebgpuLog } from './patchWebgpuLog';
import { patchWebgpuTrig } from './patchWebgpuTrig';
import { registerWebgpuSoftmaxKernels } from './registerWebgpuSoftmaxKernels';

/** Replaces the webgpu kernels the op table found wrong (Cumsum/Cumprod: shader cache key, Sin/Cos: accuracy, Log: log 0 = −∞) and registers the fused softmax kernels. Idempotent. */
export function patchWebgpuKernels(): void {
  patchWebgpuCum();
  patchWebgpuTrig();
  patchWebgpuLog();
  registerWebgpuSoftmaxKernels();
}
