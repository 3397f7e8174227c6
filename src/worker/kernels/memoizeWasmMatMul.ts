// Reuses a wasm BatchMatMul result when the same product of the same two buffers is asked for again.
// Core's reverse pass and its Hessian-vector products re-run a lower step from a stored state to
// differentiate it (spec §1.4), so X·W_k with the data matrix X and a stored W_k is computed once in
// the forward unroll and again in the reverse step (RHG, T-RHG, IAPTT-GM), and X·W_K once per HVP of
// CG and NS. tfjs tensors never change their data, so a product keyed by the two input data ids (and
// shapes and transpose flags) stays valid until either input is freed; the kernel is deterministic,
// so a hit is bit-for-bit the value a recomputation gives. Only products with a large operand (the
// data) are kept, within a byte budget; entries go with either input.
import * as tf from '@tensorflow/tfjs-core';
import type { DataId, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

/** The wasm backend's buffer calls this uses: disposeData (wrapped to drop entries) and incRef. */
interface RefCountingBackend {
  disposeData(dataId: DataId, force?: boolean): boolean;
  incRef(dataId: DataId): void;
}

/** Options of {@link memoizeWasmMatMul}. */
export interface MemoizeMatMulOptions {
  /** Keep a product only if one operand has at least this many entries (default 16 384: data, not weights). */
  readonly minOperandSize?: number;
  /** Bytes of results kept at most (default 64 MiB); past it, new products are not kept. */
  readonly maxBytes?: number;
}

interface Entry {
  readonly key: string;
  readonly out: TensorInfo;
  readonly bytes: number;
  readonly inputs: readonly [DataId, DataId];
}

/** Live statistics of the memo (for tests and the benchmark). */
export interface MatMulMemoStats {
  hits: number;
  misses: number;
  entries: number;
  bytes: number;
}

let installed: MatMulMemoStats | undefined;

/**
 * Wraps the registered wasm BatchMatMul (apply after patchWasmMatMul) with the memo; idempotent,
 * a no-op without wasm. Returns the memo's statistics, which it keeps up to date.
 */
export function memoizeWasmMatMul(options: MemoizeMatMulOptions = {}): MatMulMemoStats | undefined {
  if (installed) return installed;
  const current = tf.getKernel('BatchMatMul', 'wasm');
  if (!current) return undefined;
  const minOperandSize = options.minOperandSize ?? 16_384;
  const maxBytes = options.maxBytes ?? 64 * 2 ** 20;
  const inner = current.kernelFunc;
  const stats: MatMulMemoStats = { hits: 0, misses: 0, entries: 0, bytes: 0 };
  const entries = new Map<string, Entry>();
  const byInput = new Map<DataId, Set<Entry>>();
  // Data ids are objects; keys need a printable id for each.
  const ids = new WeakMap<object, number>();
  let nextId = 0;
  const idOf = (d: DataId): number => {
    let id = ids.get(d as object);
    if (id === undefined) ids.set(d as object, (id = nextId++));
    return id;
  };
  const hooked = new WeakSet<object>();
  const hookDispose = (backend: RefCountingBackend): void => {
    if (hooked.has(backend)) return;
    hooked.add(backend);
    const dispose = backend.disposeData.bind(backend);
    backend.disposeData = (dataId: DataId, force?: boolean): boolean => {
      const freed = dispose(dataId, force);
      const dependent = freed ? byInput.get(dataId) : undefined;
      if (dependent) {
        byInput.delete(dataId);
        for (const e of dependent) {
          entries.delete(e.key);
          for (const input of e.inputs) if (input !== dataId) byInput.get(input)?.delete(e);
          stats.entries--;
          stats.bytes -= e.bytes;
          // The memo's own reference; the buffer stays while a tensor still uses it.
          backend.disposeData(e.out.dataId);
        }
      }
      return freed;
    };
  };
  const kernelFunc: KernelFunc = (args) => {
    const a = args.inputs['a'] as TensorInfo;
    const b = args.inputs['b'] as TensorInfo;
    if (tf.util.sizeFromShape(a.shape) < minOperandSize && tf.util.sizeFromShape(b.shape) < minOperandSize) return inner(args);
    const backend = args.backend as unknown as RefCountingBackend;
    hookDispose(backend);
    const { transposeA, transposeB } = args.attrs as NamedAttrMap & { transposeA: boolean; transposeB: boolean };
    const key = `${idOf(a.dataId)}[${a.shape.join(',')}]${transposeA ? 'T' : ''}·${idOf(b.dataId)}[${b.shape.join(',')}]${transposeB ? 'T' : ''}`;
    const hit = entries.get(key);
    if (hit) {
      stats.hits++;
      backend.incRef(hit.out.dataId);
      return { dataId: hit.out.dataId, shape: [...hit.out.shape], dtype: hit.out.dtype };
    }
    stats.misses++;
    const out = inner(args) as TensorInfo;
    const bytes = tf.util.sizeFromShape(out.shape) * 4;
    if (stats.bytes + bytes <= maxBytes) {
      backend.incRef(out.dataId);
      const e: Entry = { key, out: { dataId: out.dataId, shape: [...out.shape], dtype: out.dtype }, bytes, inputs: [a.dataId, b.dataId] };
      entries.set(key, e);
      for (const input of e.inputs) {
        const set = byInput.get(input) ?? new Set<Entry>();
        set.add(e);
        byInput.set(input, set);
      }
      stats.entries++;
      stats.bytes += bytes;
    }
    return out;
  };
  const config: KernelConfig = { ...current, kernelFunc };
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel(config);
  installed = stats;
  return stats;
}
