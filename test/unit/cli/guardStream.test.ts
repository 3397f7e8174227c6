// guardStream: a stream that fails (EPIPE, EIO) is reported once and never written again.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { guardStream } from '../../../src/cli/guardStream';

class FakeStream extends EventEmitter {
  readonly isTTY = false;
  readonly columns = 80;
  readonly written: string[] = [];
  throwOnWrite: Error | undefined;
  write(text: string): boolean {
    if (this.throwOnWrite) throw this.throwOnWrite;
    this.written.push(text);
    return true;
  }
}

const epipe = (): NodeJS.ErrnoException => Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });

void describe('guardStream', () => {
  void it('writes until the stream reports an error, then drops writes; onClosed hears it once', () => {
    const stream = new FakeStream();
    const heard: string[] = [];
    const sink = guardStream(stream, (err) => heard.push(err.code ?? ''));
    assert.equal(sink.isTTY, false);
    assert.equal(sink.columns, 80);
    sink.write('a');
    stream.emit('error', epipe());
    stream.emit('error', epipe());
    assert.equal(sink.write('b'), false);
    assert.deepEqual(stream.written, ['a']);
    assert.deepEqual(heard, ['EPIPE']);
    assert.equal(sink.closed, true);
  });

  void it('takes a write that throws for a closed stream', () => {
    const stream = new FakeStream();
    let heard = 0;
    const sink = guardStream(stream, () => heard++);
    stream.throwOnWrite = epipe();
    assert.equal(sink.write('a'), false);
    assert.equal(sink.write('b'), false);
    assert.equal(heard, 1);
  });
});
