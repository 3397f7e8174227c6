// Counts what the webgpu backend does, as opposed to how long it takes: on a GPU a kernel returns
// before its work ends, so per-kernel wall-clock timings (kernels/kernelTimer.ts) mean nothing
// there, while counts of kernels, GPU dispatches, queue submits, GPU→CPU downloads, CPU→GPU uploads,
// shader compilations and buffer allocations do not depend on the hardware: SwiftShader gives the
// same counts as an H100. Used by `npm run bench:compare -- --backend webgpu --profile`
// (docs/performance.md, "WebGPU: where the time goes").
//
// The counters wrap methods of the live WebGPUBackend instance (own properties shadowing the
// prototype's, so the backend's internal `this.method()` calls go through them) and its pipeline
// cache; this file imports nothing from tfjs-backend-webgpu, whose import must wait until Dawn's
// navigator.gpu exists (registerWebgpuBackend.ts), so it works on the instance's shape alone.
import * as tf from '@tensorflow/tfjs-core';
import type { DataId, KernelFunc } from '@tensorflow/tfjs-core';
import { wrapKernels } from '../kernels/wrapKernels';

/** Per-program counts: GPU dispatches recorded and pipelines (shaders) compiled. */
export interface ProgramCounts {
  dispatches: number;
  newPipelines: number;
}

/** Everything counted since the counters started (or were last reset), as plain JSON. */
export interface WebgpuCounts {
  /** tfjs kernels the engine ran on webgpu (a kernel may dispatch 0, 1 or several programs). */
  kernels: number;
  /** GPU compute dispatches (one per program run). */
  dispatches: number;
  /** queue.submit calls (a batch of dispatches, and one before every download). */
  submits: number;
  /** GPU→CPU buffer reads (each waits for the GPU: a sync point). */
  downloads: number;
  downloadBytes: number;
  /** Synchronous reads (dataSync/arraySync) of values still on the GPU: they throw in Node. */
  syncReads: number;
  /** CPU→GPU uploads of tensor values. */
  uploads: number;
  uploadBytes: number;
  /** Shader pipelines compiled (pipeline-cache misses). */
  newPipelines: number;
  /** GPU buffers created by the buffer manager, and those it handed out again from its free list. */
  buffersCreated: number;
  buffersReused: number;
  /** Kernel name → calls. */
  byKernel: Record<string, number>;
  /** Program (its class name, e.g. `BinaryOpProgram`) → dispatches and compilations. */
  byProgram: Record<string, ProgramCounts>;
}

/** Running counters on the webgpu backend; `stop()` puts back every method they wrapped. */
export interface WebgpuCounters {
  /** The counts so far, as a fresh plain object. */
  snapshot(): WebgpuCounts;
  /** Sets every count back to zero. */
  reset(): void;
  /** Unwraps the backend's methods, pipeline cache and kernels. */
  stop(): void;
}

/** The parts of tfjs-backend-webgpu 4.22's WebGPUBackend and BufferManager the counters touch. */
interface TensorData {
  readonly dtype: tf.DataType;
  readonly shape: number[];
  readonly values: unknown;
  readonly resource: unknown;
}
interface Program {
  readonly shaderKey?: string;
}
type Method = (...args: unknown[]) => unknown;
interface BufferManagerShape {
  numBytesAllocated: number;
  acquireBuffer: Method;
}
interface WebgpuBackendShape {
  pipelineCache: Record<string, unknown>;
  bufferManager: BufferManagerShape;
  tensorMap: { get(dataId: DataId): TensorData | undefined };
  runWebGPUProgram: Method;
  recordAndSubmit: Method;
  submitQueue: Method;
  getBufferData: Method;
  readSync: Method;
  uploadToGPU: Method;
}

const WRAPPED = ['runWebGPUProgram', 'recordAndSubmit', 'submitQueue', 'getBufferData', 'readSync', 'uploadToGPU'] as const;

function emptyCounts(): WebgpuCounts {
  return { kernels: 0, dispatches: 0, submits: 0, downloads: 0, downloadBytes: 0, syncReads: 0, uploads: 0, uploadBytes: 0, newPipelines: 0, buffersCreated: 0, buffersReused: 0, byKernel: {}, byProgram: {} };
}

/** The webgpu backend instance, checked to have the methods this file wraps (a tfjs upgrade may rename them). */
function webgpuBackend(): WebgpuBackendShape {
  if (tf.findBackendFactory('webgpu') === null) throw new Error('startWebgpuCounters: the webgpu backend is not registered; select it first (--backend webgpu)');
  const backend = tf.findBackend('webgpu') as unknown as Partial<WebgpuBackendShape> | null;
  if (backend === null) throw new Error('startWebgpuCounters: the webgpu backend has not been initialized; select it first (--backend webgpu)');
  const missing = WRAPPED.filter((m) => typeof backend[m] !== 'function');
  if (missing.length > 0 || typeof backend.pipelineCache !== 'object' || typeof backend.bufferManager?.acquireBuffer !== 'function' || backend.tensorMap === undefined) {
    throw new Error(`startWebgpuCounters: this tfjs-backend-webgpu lacks ${missing.join(', ') || 'pipelineCache/bufferManager/tensorMap'} (written against 4.22)`);
  }
  return backend as WebgpuBackendShape;
}

/** A program's name in the table: its class (what the shader does), else its shader key's first part. */
function programName(program: unknown): string {
  const name = (program as { constructor?: { name?: string } } | null)?.constructor?.name;
  if (name !== undefined && name !== '' && name !== 'Object') return name;
  return (program as Program | null)?.shaderKey?.split('_')[0] ?? 'unknown';
}

/**
 * Starts counting on the webgpu backend (selected before, and with its kernel patches applied: stop()
 * puts back the kernels registered at this call). Nested counters are not supported.
 */
export function startWebgpuCounters(): WebgpuCounters {
  const backend = webgpuBackend();
  let counts = emptyCounts();
  const program = (name: string): ProgramCounts => (counts.byProgram[name] ??= { dispatches: 0, newPipelines: 0 });

  // Own properties already on the instance (none in 4.22) are put back as they were; otherwise the
  // wrapper is deleted so the prototype's method shows through again.
  const saved = WRAPPED.map((name) => ({ name, own: Object.prototype.hasOwnProperty.call(backend, name), value: backend[name] }));
  const wrap = (name: (typeof WRAPPED)[number], around: (inner: Method, args: unknown[]) => unknown): void => {
    const inner = backend[name].bind(backend) as Method;
    backend[name] = (...args: unknown[]) => around(inner, args);
  };

  // The program being compiled, so a pipeline-cache miss is charged to it.
  let current = 'unknown';
  wrap('runWebGPUProgram', (inner, args) => {
    const outer = current;
    current = programName(args[0]);
    try {
      return inner(...args);
    } finally {
      current = outer;
    }
  });
  // recordAndSubmit records exactly one dispatchWorkgroups; runWebGPUProgram skips it for empty outputs.
  wrap('recordAndSubmit', (inner, args) => {
    counts.dispatches++;
    program(programName(args[0])).dispatches++;
    return inner(...args);
  });
  wrap('submitQueue', (inner, args) => {
    counts.submits++;
    return inner(...args);
  });
  wrap('getBufferData', (inner, args) => {
    counts.downloads++;
    counts.downloadBytes += (args[0] as { size?: number } | undefined)?.size ?? 0;
    return inner(...args);
  });
  wrap('readSync', (inner, args) => {
    const data = backend.tensorMap.get(args[0] as DataId);
    if (data !== undefined && data.values == null && data.dtype !== 'string') counts.syncReads++;
    return inner(...args);
  });
  // uploadToGPU also allocates outputs (no values, nothing copied): only values on the CPU count.
  wrap('uploadToGPU', (inner, args) => {
    const data = backend.tensorMap.get(args[0] as DataId);
    if (data !== undefined && data.resource == null && data.values != null) {
      counts.uploads++;
      counts.uploadBytes += (data.dtype === 'complex64' ? 8 : 4) * tf.util.sizeFromShape(data.shape);
    }
    return inner(...args);
  });

  // The buffer manager adds a buffer's size to numBytesAllocated only when it creates one.
  const manager = backend.bufferManager;
  const acquireOwn = Object.prototype.hasOwnProperty.call(manager, 'acquireBuffer');
  const acquire = manager.acquireBuffer;
  manager.acquireBuffer = (...args: unknown[]) => {
    const before = manager.numBytesAllocated;
    const buffer = acquire.apply(manager, args);
    if (manager.numBytesAllocated > before) counts.buffersCreated++;
    else counts.buffersReused++;
    return buffer;
  };

  // A key set for the first time is a compilation; checkCompileCompletionAsync re-sets existing keys.
  const cache = backend.pipelineCache;
  backend.pipelineCache = new Proxy(cache, {
    set(target, key, value) {
      if (typeof key === 'string' && !(key in target)) {
        counts.newPipelines++;
        program(current).newPipelines++;
      }
      target[key as string] = value;
      return true;
    },
  });

  // Kernels through the registry, as kernelTimer.ts does: the engine looks a kernel up on every call.
  const restoreKernels = wrapKernels('webgpu', (original): KernelFunc => (args) => {
    counts.kernels++;
    counts.byKernel[original.kernelName] = (counts.byKernel[original.kernelName] ?? 0) + 1;
    return original.kernelFunc(args);
  });

  let stopped = false;
  return {
    snapshot: () => JSON.parse(JSON.stringify(counts)) as WebgpuCounts,
    reset() {
      counts = emptyCounts();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      for (const { name, own, value } of saved) {
        if (own) backend[name] = value;
        else Reflect.deleteProperty(backend, name);
      }
      if (acquireOwn) manager.acquireBuffer = acquire;
      else delete (manager as Partial<BufferManagerShape>).acquireBuffer;
      backend.pipelineCache = cache;
      restoreKernels();
    },
  };
}
