// Constants uploaded once. Every JS number an op receives (tf.mul(lr, g), tf.div(x, n), the
// gradient seed tf.ones([]), tfjs's own gradients' `sub(1, y)`) becomes a fresh one-element tensor
// on the CPU, and on webgpu each is copied to the GPU the first time a program reads it: a new
// staging buffer, a mapped write and a copy command, 12 per lower-level step of RHG on the linear
// hyper-cleaning workload (docs/performance.md). Here a one-element tensor written with a value
// written before shares that earlier tensor's data: the same GPU buffer, uploaded once, reference
// counted by the backend exactly as tf.reshape shares data. tfjs tensors are immutable (a
// Variable's assign swaps its data, it never writes into it), so sharing cannot change a value.
//
// Wraps the live WebGPUBackend's write (an own property shadowing the prototype's, as the
// counters do): this file imports nothing from tfjs-backend-webgpu, whose import must wait until
// Dawn's navigator.gpu exists (registerWebgpuBackend.ts).
import * as tf from '@tensorflow/tfjs-core';
import type { DataId } from '@tensorflow/tfjs-core';

/** The parts of tfjs-backend-webgpu 4.22's WebGPUBackend the cache touches. */
interface WebgpuBackendShape {
  write(values: unknown, shape: number[], dtype: tf.DataType): DataId;
  incRef(dataId: DataId): void;
  disposeData(dataId: DataId, force?: boolean): boolean;
  tensorMap: { has(dataId: DataId): boolean };
}

/** What the cache did since it was installed: one-element writes served from it, and values it holds. */
export interface ScalarCacheStats {
  hits: number;
  misses: number;
  size: number;
}

/** The cache on one backend: its statistics, and `clear()`, which releases every value it holds. */
export interface WebgpuScalarCache {
  stats(): ScalarCacheStats;
  clear(): void;
}

/** Values kept by default: the step sizes, sample counts, 0, 1 and ±1 of a run, with room for per-iteration values (Adam's bias corrections) to pass through without evicting them all. */
export const DEFAULT_SCALAR_CACHE_SIZE = 256;

const installed = new WeakMap<object, WebgpuScalarCache>();

/**
 * Makes the webgpu backend `backend` share the data of one-element tensors of equal dtype, shape
 * and value (bit for bit: −0 and 0, and NaN payloads, stay apart), keeping the `capacity` most
 * recently written values; idempotent per backend.
 */
export function cacheWebgpuScalars(backend: tf.KernelBackend, capacity = DEFAULT_SCALAR_CACHE_SIZE): WebgpuScalarCache {
  const existing = installed.get(backend);
  if (existing !== undefined) return existing;
  const gpu = backend as unknown as WebgpuBackendShape;
  const write = gpu.write.bind(gpu);
  // Insertion order is recency order: a hit re-inserts its key, eviction takes the first.
  const held = new Map<string, DataId>();
  const stats = { hits: 0, misses: 0 };

  const release = (dataId: DataId): void => {
    // The cache's own reference: when it is the last one, the engine's record of the data goes too.
    if (gpu.tensorMap.has(dataId) && gpu.disposeData(dataId)) tf.engine().removeDataId(dataId, backend);
  };

  gpu.write = (values: unknown, shape: number[], dtype: tf.DataType): DataId => {
    const key = scalarKey(values, shape, dtype);
    if (key === null) return write(values, shape, dtype);
    const hit = held.get(key);
    if (hit !== undefined && gpu.tensorMap.has(hit)) {
      stats.hits++;
      held.delete(key);
      held.set(key, hit);
      gpu.incRef(hit);
      return hit;
    }
    stats.misses++;
    const dataId = write(values, shape, dtype);
    gpu.incRef(dataId);
    held.set(key, dataId);
    if (held.size > capacity) {
      const [oldest, oldId] = held.entries().next().value as [string, DataId];
      held.delete(oldest);
      release(oldId);
    }
    return dataId;
  };

  const cache: WebgpuScalarCache = {
    stats: () => ({ ...stats, size: held.size }),
    clear: () => {
      for (const dataId of held.values()) release(dataId);
      held.clear();
    },
  };
  installed.set(backend, cache);
  return cache;
}

/** The cache key of a one-element numeric write (dtype, shape, value bits), or null for anything else. */
function scalarKey(values: unknown, shape: number[], dtype: tf.DataType): string | null {
  if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') return null;
  if (!ArrayBuffer.isView(values) || (values as Float32Array).length !== 1) return null;
  // The float32 bits, so −0 ≠ 0 and a NaN matches only its own payload.
  const bits = dtype === 'float32' ? new Uint32Array(Float32Array.of((values as Float32Array)[0]!).buffer)[0]! : Number((values as Int32Array)[0]);
  return `${dtype}:${shape.join('x')}:${bits}`;
}
