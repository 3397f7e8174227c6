// One hook on a backend's disposeData for every kernel patch that keeps buffers derived from another
// buffer (cached transposes, memoized products): they must go when their source is freed.
import type { DataId } from '@tensorflow/tfjs-core';

/** The backend method this wraps. */
export interface DisposingBackend {
  disposeData(dataId: DataId, force?: boolean): boolean;
}

const listeners = new WeakMap<object, ((dataId: DataId) => void)[]>();

/**
 * Calls `listener(dataId)` after `backend` actually frees a buffer (disposeData returned true). The
 * backend's disposeData is wrapped once, whatever the number of listeners; adding the same listener
 * again does nothing.
 */
export function onDataFreed(backend: DisposingBackend, listener: (dataId: DataId) => void): void {
  let list = listeners.get(backend);
  if (!list) {
    const own: ((dataId: DataId) => void)[] = [];
    list = own;
    listeners.set(backend, own);
    const dispose = backend.disposeData.bind(backend);
    backend.disposeData = (dataId: DataId, force?: boolean): boolean => {
      const freed = dispose(dataId, force);
      if (freed) for (const l of own) l(dataId);
      return freed;
    };
  }
  if (!list.includes(listener)) list.push(listener);
}
