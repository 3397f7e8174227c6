// Every webgpu kernel replacement of this folder, applied in one call once tfjs-backend-webgpu has registered.
import { patchWebgpuCum } from './patchWebgpuCum';
import { patchWebgpuLog } from './patchWebgpuLog';
import { patchWebgpuTrig } from './patchWebgpuTrig';

/** Replaces the webgpu kernels the op table found wrong: Cumsum/Cumprod (shader cache key), Sin/Cos (accuracy), Log (log 0 = −∞). Idempotent. */
export function patchWebgpuKernels(): void {
  patchWebgpuCum();
  patchWebgpuTrig();
  patchWebgpuLog();
}
