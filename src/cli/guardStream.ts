// stdout closed under a run (`bilevel run … | head -1`) or a hung-up terminal makes the next write
// fail with an 'error' event (EPIPE, EIO). Unhandled, that event killed the process mid-run and
// left its record `running`; here it means "stop printing", and the caller decides what else.
import type { ProgressSink } from './progressBar';

/** What guardStream needs of a stream: process.stdout and process.stderr are ones. */
export interface GuardedTarget {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
  on(event: 'error', listener: (err: NodeJS.ErrnoException) => void): unknown;
}

/** A sink that writes to `stream` until it fails, then drops every write; `onClosed` hears the first failure, once. */
export function guardStream(stream: GuardedTarget, onClosed: (err: NodeJS.ErrnoException) => void): ProgressSink & { readonly closed: boolean } {
  let closed = false;
  const close = (err: NodeJS.ErrnoException): void => {
    if (closed) return;
    closed = true;
    onClosed(err);
  };
  stream.on('error', close);
  return {
    get isTTY() {
      return stream.isTTY;
    },
    get columns() {
      return stream.columns;
    },
    get closed() {
      return closed;
    },
    write(text: string): boolean {
      if (closed) return false;
      try {
        stream.write(text);
        return true;
      } catch (err) {
        // A synchronous failure (a destroyed stream) means the same as the 'error' event.
        close(err as NodeJS.ErrnoException);
        return false;
      }
    },
  };
}
