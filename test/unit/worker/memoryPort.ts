// Test helper: an in-memory pair of message ports that behaves like the IPC channel of a fork with
// `serialization: 'advanced'`: each message is structured-cloned (v8.serialize, as the channel does)
// and delivered asynchronously, in order.
import { deserialize, serialize } from 'node:v8';
import type { MessagePort } from '../../../src/protocol/worker';

/** Two connected ports: what `a` sends, `b` receives, and back. */
export function createMemoryPortPair<AtoB, BtoA>(): { a: MessagePort<AtoB, BtoA>; b: MessagePort<BtoA, AtoB> } {
  const toA = new Set<(message: BtoA) => void>();
  const toB = new Set<(message: AtoB) => void>();
  const port = <Out, In>(targets: Set<(message: Out) => void>, own: Set<(message: In) => void>): MessagePort<Out, In> => ({
    send(message) {
      const copy = deserialize(serialize(message)) as Out;
      setImmediate(() => targets.forEach((handler) => handler(copy)));
    },
    onMessage(handler) {
      own.add(handler);
      return () => void own.delete(handler);
    },
  });
  return { a: port<AtoB, BtoA>(toB, toA), b: port<BtoA, AtoB>(toA, toB) };
}
