// Per-kernel wall-clock timings for a synchronous backend (wasm, cpu): every kernel registered for
// the backend is re-registered with a wrapper that adds performance.now() around its kernelFunc.
// Used by `npm run bench:compare -- --profile` (docs/performance.md) to see where an outer
// iteration's time goes; tf.profile reports the same kernels but times them through backend.time(),
// which on wasm adds a read per kernel. Not for GPU backends: their kernels return before the work ends.
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { wrapKernels } from './wrapKernels';

/** One kernel × input-shape row of a timing table. */
export interface KernelTiming {
  readonly kernel: string;
  /** Input shapes and the kernel's own attributes that change its cost (transposes), e.g. `[5000,784]·[784,10]`. */
  readonly signature: string;
  readonly calls: number;
  readonly totalMs: number;
}

/** A running timer; `stop()` restores the kernels it wrapped. */
export interface KernelTimer {
  /** Forgets every timing so far. */
  reset(): void;
  /** Rows sorted by total time, largest first. */
  table(): KernelTiming[];
  /** Unwraps every kernel (the configs registered when the timer started come back). */
  stop(): void;
}

function signatureOf(inputs: Record<string, TensorInfo | undefined>, attrs: Record<string, unknown> | undefined): string {
  const shapes = Object.values(inputs)
    .filter((t): t is TensorInfo => t !== undefined)
    .map((t) => `[${t.shape.join(',')}]`)
    .join('·');
  const flags = attrs && (attrs['transposeA'] === true || attrs['transposeB'] === true) ? ` tA=${String(attrs['transposeA'])} tB=${String(attrs['transposeB'])}` : '';
  return shapes + flags;
}

/**
 * Wraps every kernel of `backendName` with a timer. Kernels registered later (e.g. a patch applied
 * after this call) are not timed, so start the timer after the backend is fully set up.
 */
export function startKernelTimer(backendName: string): KernelTimer {
  const rows = new Map<string, { kernel: string; signature: string; calls: number; totalMs: number }>();
  const restore = wrapKernels(backendName, (original): KernelFunc => (args) => {
    const t0 = performance.now();
    const out = original.kernelFunc(args);
    const ms = performance.now() - t0;
    const signature = signatureOf(args.inputs as Record<string, TensorInfo | undefined>, args.attrs as Record<string, unknown> | undefined);
    const key = `${original.kernelName}|${signature}`;
    const row = rows.get(key) ?? { kernel: original.kernelName, signature, calls: 0, totalMs: 0 };
    row.calls++;
    row.totalMs += ms;
    rows.set(key, row);
    return out;
  });
  return {
    reset: () => rows.clear(),
    table: () => [...rows.values()].sort((a, b) => b.totalMs - a.totalMs),
    stop: restore,
  };
}
