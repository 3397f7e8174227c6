// A monotonic millisecond clock without DOM or node typings (core's tsconfig has neither).
declare const performance: { now(): number } | undefined;

/** Milliseconds from a monotonic clock where the runtime has one (Node, browsers), else Date.now. */
export function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
