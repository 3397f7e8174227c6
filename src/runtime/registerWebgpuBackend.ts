// Importing this module evaluates @tensorflow/tfjs-backend-webgpu, which registers the 'webgpu'
// backend only if `navigator.gpu` exists at that moment. backend.ts therefore loads this file with a
// dynamic `import()` after it has installed Dawn's `navigator.gpu`; esbuild keeps such a module lazy
// (wrapped and evaluated on first import), so nothing here runs when the bundle starts. The kernel
// replacements import the package's internals, so they load here too.
import '@tensorflow/tfjs-backend-webgpu';
// The package's index exports no version, so it is read from the file that defines it.
import { version } from '@tensorflow/tfjs-backend-webgpu/dist/version';

export { patchWebgpuKernels } from './webgpu/patchWebgpuKernels';

/** Version of the tfjs WebGPU backend; importing this module registers that backend. */
export const webgpuBackendVersion: string = version;
