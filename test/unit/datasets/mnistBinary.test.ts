// The binary form of the MNIST digits (cache and dist/data/ file) on a tiny synthetic set.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeMnistBinary, encodeMnistBinary } from '../../../src/datasets/mnistBinary';

void describe('the MNIST binary format', () => {
  const digits = { labels: Uint8Array.from([0, 7, 9]), pixels: Uint8Array.from({ length: 3 * 784 }, (_, i) => (i * 31) % 256) };

  void it('round-trips labels and pixels', () => {
    const back = decodeMnistBinary(encodeMnistBinary(digits));
    assert.deepEqual([...back.labels], [...digits.labels]);
    assert.deepEqual([...back.pixels], [...digits.pixels]);
  });

  void it('rejects wrong magic, version, size, checksum and labels with a reason', () => {
    const good = encodeMnistBinary(digits);
    const edit = (at: number, value: number): Buffer => {
      const b = Buffer.from(good);
      b[at] = value;
      return b;
    };
    assert.throws(() => decodeMnistBinary(good.subarray(0, 10)), /truncated/);
    assert.throws(() => decodeMnistBinary(edit(0, 0)), /bad magic/);
    assert.throws(() => decodeMnistBinary(edit(4, 2)), /format version 2/);
    assert.throws(() => decodeMnistBinary(good.subarray(0, good.length - 1)), /truncated or padded/);
    assert.throws(() => decodeMnistBinary(edit(good.length - 1, good[good.length - 1]! ^ 1)), /checksum/);
    const badLabel = encodeMnistBinary({ labels: Uint8Array.from([0, 10, 9]), pixels: digits.pixels });
    assert.throws(() => decodeMnistBinary(badLabel), /label 10 at image 1/);
    assert.throws(() => encodeMnistBinary({ labels: digits.labels, pixels: new Uint8Array(5) }), RangeError);
  });
});
