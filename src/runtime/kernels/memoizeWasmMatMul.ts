// Reuses a wasm BatchMatMul result when the same product is asked for again. Core's reverse pass and
// its Hessian-vector products re-run a lower step from a stored state to differentiate it (spec
// §1.4), so with the data matrix X both products of a step, X·W_k and Xᵀ·δ_k, are computed in the
// forward unroll and again in the reverse step (RHG, T-RHG, IAPTT-GM), and X·W_K and Xᵀ·δ_K once more
// per HVP of CG and NS. The recomputed δ_k is a new tensor with the same bits, so a product is keyed
// by the larger operand's data id (tfjs tensors never change their data) and the smaller operand's
// content: a hash of sampled words to find the entry, then an exact comparison of every bit. The
// kernel is deterministic, so a hit is bit-for-bit the value a recomputation gives. Only products
// with a large operand (the data) are kept, least recently used first out past a byte budget, and
// every entry goes with its larger operand.
import * as tf from '@tensorflow/tfjs-core';
import type { DataId, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { onDataFreed } from './onDataFreed';

/** The wasm backend's buffer calls this uses: disposeData (wrapped to drop entries), incRef, heap views. */
interface MemoBackend {
  disposeData(dataId: DataId, force?: boolean): boolean;
  incRef(dataId: DataId): void;
  refCount(dataId: DataId): number;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** Options of {@link memoizeWasmMatMul}. */
export interface MemoizeMatMulOptions {
  /** Keep a product only if its larger operand (the data, keyed by identity) has at least this many entries (default 16 384). */
  readonly minOperandSize?: number;
  /**
   * Bytes of results and small operands kept at most (default 128 MiB); the least recently used go
   * first. RHG's reverse pass wants every product of its forward unroll back, ~0.45 MB a step for
   * a 5000-sample, 10-class linear model (46 MB at K = 100, where 64 MiB fell short once products
   * of past iterations filled it). The memo stays full of those past products: they go only when
   * newer ones need the room.
   */
  readonly maxBytes?: number;
}

/** Live statistics of the memo (for tests and the benchmark). */
export interface MatMulMemoStats {
  hits: number;
  misses: number;
  entries: number;
  bytes: number;
  /** The most bytes held at once since the memo started, or since a caller reset it to `bytes`. */
  peakBytes: number;
}

interface Entry {
  readonly key: string;
  readonly out: TensorInfo;
  readonly bytes: number;
  /** The large operands' data ids: the entry goes when one of them is freed. */
  readonly owners: readonly DataId[];
  /**
   * The small operands, in input order (a, b), held by one more reference to their buffers (tfjs
   * buffers never change), for the exact comparison on a hit. Copying them instead cost ~0.1 ms
   * per miss, mostly allocating and collecting the JS copy.
   */
  readonly operands: readonly (TensorInfo | undefined)[];
}

let installed: MatMulMemoStats | undefined;

/** Words of the small operand that go into its key: the key only finds an entry, and hits are confirmed bit by bit. */
const HASHED_WORDS = 1024;

/**
 * FNV-1a over the length and at most HASHED_WORDS evenly spaced 32-bit words. A full hash cost
 * ~0.1 ms per 50 000-float operand, ~10 % of the memo's products' time; operands that differ only
 * between the sampled words share a key, and the exact comparison then tells them apart.
 */
function hashWords(words: Int32Array): number {
  let h = Math.imul(0x811c9dc5 ^ words.length, 0x01000193);
  const stride = Math.max(1, Math.ceil(words.length / HASHED_WORDS));
  for (let i = 0; i < words.length; i += stride) h = Math.imul(h ^ words[i]!, 0x01000193);
  return h >>> 0;
}

/** Bit-for-bit equality (a native memcmp: ~20x faster than a JS loop over the wasm heap). */
function sameWords(a: Int32Array, b: Int32Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/**
 * Wraps the registered wasm BatchMatMul (apply after patchWasmMatMul) with the memo; idempotent,
 * a no-op without wasm. Returns the memo's statistics, which it keeps up to date.
 */
export function memoizeWasmMatMul(options: MemoizeMatMulOptions = {}): MatMulMemoStats | undefined {
  if (installed) return installed;
  const current = tf.getKernel('BatchMatMul', 'wasm');
  if (!current) return undefined;
  const minOperandSize = options.minOperandSize ?? 16_384;
  const maxBytes = options.maxBytes ?? 128 * 2 ** 20;
  const inner = current.kernelFunc;
  const stats: MatMulMemoStats = { hits: 0, misses: 0, entries: 0, bytes: 0, peakBytes: 0 };
  // Insertion order is recency order: a hit re-inserts its entry.
  const entries = new Map<string, Entry>();
  const byOwner = new Map<DataId, Set<Entry>>();
  // Data ids are objects; keys need a printable id for each.
  const ids = new WeakMap<object, number>();
  let nextId = 0;
  const idOf = (d: DataId): number => {
    let id = ids.get(d as object);
    if (id === undefined) ids.set(d as object, (id = nextId++));
    return id;
  };
  let memoBackend: MemoBackend | undefined;
  const drop = (e: Entry, freedOwner?: DataId): void => {
    // Freeing a buffer below can re-enter through the disposeData hook and reach this entry again.
    if (entries.get(e.key) !== e) return;
    entries.delete(e.key);
    for (const owner of e.owners) if (owner !== freedOwner) byOwner.get(owner)?.delete(e);
    stats.entries--;
    stats.bytes -= e.bytes;
    // The memo's own references; a buffer stays while a tensor still uses it.
    memoBackend!.disposeData(e.out.dataId);
    for (const operand of e.operands) if (operand) memoBackend!.disposeData(operand.dataId);
  };
  // Every entry goes with any of its large operands.
  const dropDependents = (dataId: DataId): void => {
    const dependent = byOwner.get(dataId);
    if (!dependent) return;
    byOwner.delete(dataId);
    for (const e of dependent) drop(e, dataId);
  };
  const hookDispose = (backend: MemoBackend): void => {
    if (memoBackend === backend) return;
    memoBackend = backend;
    onDataFreed(backend, dropDependents);
  };
  const kernelFunc: KernelFunc = (args) => {
    const a = args.inputs['a'] as TensorInfo;
    const b = args.inputs['b'] as TensorInfo;
    // The larger operand (both on a tie) is the data, keyed by identity; the other by content.
    const sizes = [tf.util.sizeFromShape(a.shape), tf.util.sizeFromShape(b.shape)] as const;
    if (Math.max(...sizes) < minOperandSize) return inner(args);
    const large = [sizes[0] >= sizes[1], sizes[1] >= sizes[0]];
    const backend = args.backend as unknown as MemoBackend;
    hookDispose(backend);
    const { transposeA, transposeB } = args.attrs as NamedAttrMap & { transposeA: boolean; transposeB: boolean };
    // Views on the wasm heap, used only before the kernel runs: it may grow the heap, which detaches them.
    const wordsOf = (t: TensorInfo): Int32Array => {
      const view = backend.typedArrayFromHeap(t);
      return new Int32Array(view.buffer, view.byteOffset, view.byteLength / 4);
    };
    const words = [a, b].map((t, i) => (large[i] ? undefined : wordsOf(t)));
    const part = (t: TensorInfo, i: number, transposed: boolean): string => `${large[i] ? `#${idOf(t.dataId)}` : `h${hashWords(words[i]!)}`}[${t.shape.join(',')}]${transposed ? 'T' : ''}`;
    const key = `${part(a, 0, transposeA)}·${part(b, 1, transposeB)}`;
    const hit = entries.get(key);
    const same = (kept: TensorInfo | undefined, i: number): boolean => kept === undefined || kept.dataId === [a, b][i]!.dataId || sameWords(wordsOf(kept), words[i]!);
    // A forced free (the engine moving a tensor to another backend) ignores the memo's references:
    // an entry whose buffers are gone is a miss, and goes.
    const alive = (e: Entry): boolean => backend.refCount(e.out.dataId) > 0 && e.operands.every((t) => t === undefined || backend.refCount(t.dataId) > 0);
    if (hit && alive(hit) && hit.operands.every(same)) {
      stats.hits++;
      entries.delete(key);
      entries.set(key, hit);
      backend.incRef(hit.out.dataId);
      return { dataId: hit.out.dataId, shape: [...hit.out.shape], dtype: hit.out.dtype };
    }
    stats.misses++;
    const out = inner(args) as TensorInfo;
    if (hit) drop(hit); // A key collision: the newer product takes the key.
    const operands = [a, b].map((t, i) => (large[i] ? undefined : { dataId: t.dataId, shape: [...t.shape], dtype: t.dtype }));
    const bytes = tf.util.sizeFromShape(out.shape) * 4 + operands.reduce((s, t) => s + (t ? tf.util.sizeFromShape(t.shape) * 4 : 0), 0);
    if (bytes > maxBytes) return out;
    for (const oldest of entries.values()) {
      if (stats.bytes + bytes <= maxBytes) break;
      drop(oldest);
    }
    backend.incRef(out.dataId);
    for (const operand of operands) if (operand) backend.incRef(operand.dataId);
    const owners = [a, b].filter((_, i) => large[i]).map((t) => t.dataId);
    const e: Entry = { key, out: { dataId: out.dataId, shape: [...out.shape], dtype: out.dtype }, bytes, owners, operands };
    entries.set(key, e);
    for (const owner of owners) {
      const set = byOwner.get(owner) ?? new Set<Entry>();
      set.add(e);
      byOwner.set(owner, set);
    }
    stats.entries++;
    stats.bytes += bytes;
    stats.peakBytes = Math.max(stats.peakBytes, stats.bytes);
    return out;
  };
  const config: KernelConfig = { ...current, kernelFunc };
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel(config);
  installed = stats;
  return stats;
}
