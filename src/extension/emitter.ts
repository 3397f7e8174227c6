// A minimal typed event emitter for the vscode-free parts of the host (RunController), so they run
// in plain Node unit tests. Same shape as vscode.EventEmitter: `event(listener)` returns a disposable.

/** Something to dispose. */
export interface Disposable {
  dispose(): void;
}

/** Subscribes a listener; dispose the result to unsubscribe. */
export type Event<T> = (listener: (e: T) => void) => Disposable;

/** Fires events to its listeners in subscription order; a throwing listener does not stop the others. */
export class Emitter<T> implements Disposable {
  private listeners = new Set<(e: T) => void>();

  /** The subscribe function to hand out. */
  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(e: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(e);
      } catch (err) {
        console.error('[bilevel] event listener failed:', err);
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}

/** Disposes every registered disposable once (hexeditor's `Disposable._register` pattern). */
export class DisposableStore implements Disposable {
  private items: Disposable[] = [];
  private disposed = false;

  add<D extends Disposable>(item: D): D {
    if (this.disposed) item.dispose();
    else this.items.push(item);
    return item;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const item of this.items.splice(0).reverse()) {
      try {
        item.dispose();
      } catch (err) {
        console.error('[bilevel] dispose failed:', err);
      }
    }
  }
}
