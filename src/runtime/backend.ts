// Picks and initializes the tfjs backend for a run (worker, CLI, bench). Core never picks a backend
// (STYLE.md §2); whoever runs core calls selectBackend() once before building any tensor.
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setThreadsCount, setWasmPaths, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { patchWasmKernels } from './kernels/patchWasmKernels';
import * as tf from '@tensorflow/tfjs-core';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type AdapterSummary, probeWebgpuAdapter } from './probeWebgpuAdapter';
import { softwareAdapterReason } from './softwareAdapter';
import { withWasmThreads } from './wasmThreads';
import { cacheWebgpuScalars } from './webgpu/cacheWebgpuScalars';
import { messageOf } from '../common/messageOf';
// The facts `detail` words, as fields, so readers (the panel's label) need not parse it: run.json's type.
import type { BackendFacts } from '../protocol/runRecord';

/** Every accepted `--backend` value, in the order error messages list them. */
export const BACKEND_NAMES = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;

/** A backend the user may ask for; `auto` tries the others in {@link AUTO_ORDER}. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** A backend that actually runs kernels (tfjs's own name for it). */
export type ConcreteBackendName = Exclude<BackendName, 'auto'>;

/** The order `auto` tries backends in: fastest first, cpu always works. */
export const AUTO_ORDER: readonly ConcreteBackendName[] = ['tensorflow', 'webgpu', 'wasm', 'cpu'];

/** A backend `auto` passed over, and why; a software webgpu adapter also says which (`adapter`, `software`). */
export interface SkippedBackend extends Pick<BackendFacts, 'adapter' | 'software'> {
  readonly name: ConcreteBackendName;
  readonly reason: string;
}

/** What {@link selectBackend} set up; {@link backendRecord} is what run.json's `backend` keeps of it. */
export interface BackendInfo extends BackendFacts {
  readonly requested: BackendName;
  /** The backend now active in tfjs (`tf.getBackend()`). */
  readonly name: ConcreteBackendName;
  /** Versions and hardware facts: tfjs-node build, GPU adapter, wasm SIMD/threads, binary folder. */
  readonly detail: string;
  /** Backends `auto` tried first and could not use; empty for an explicit request. */
  readonly skipped: readonly SkippedBackend[];
}

/** The backend that ran as run.json's `backend` and the worker's `ready` keep it (protocol/runRecord.ts). */
export type BackendRecord = Omit<BackendInfo, 'requested' | 'skipped'> & { readonly skipped?: readonly SkippedBackend[] };

/** `info` as run.json's `backend`: every fact, without `requested` (config.backend has it), `skipped` only when not empty. */
export function backendRecord(info: BackendInfo): BackendRecord {
  const { requested: _requested, skipped, ...ran } = info;
  return { ...ran, ...(skipped.length > 0 ? { skipped } : {}) };
}

/** Knobs for {@link selectBackend}; every field has a working default. */
export interface SelectBackendOptions {
  /** Folder with the tfjs-backend-wasm*.wasm files; default: next to the bundle, else the package's dist/. */
  readonly wasmDir?: string;
  /** Dawn options passed to the `webgpu` package's `create()`, e.g. `backend=vulkan` or `adapter=NAME`. */
  readonly dawnOptions?: readonly string[];
  /** How long the WebGPU adapter probe may take before webgpu counts as unavailable (ms, default 20000). */
  readonly webgpuProbeTimeoutMs?: number;
  /** The exact wasm kernel patches (src/runtime/kernels): all (default), all but the product memo, or none (to measure them). */
  readonly wasmKernels?: 'patched' | 'no-memo' | 'stock';
  /** wasm pool threads (1–8); default {@link defaultWasmThreads}: `BILEVEL_WASM_THREADS`, else one per core. */
  readonly wasmThreads?: number;
  /** How long the threaded wasm build may take to start before the single-threaded one runs instead (ms, default 20000). */
  readonly wasmThreadsTimeoutMs?: number;
}

const VALID_CHOICES = `Valid backends: ${BACKEND_NAMES.join(', ')}.`;

/** Thrown when a requested backend cannot run here; `reason` is the bare cause `auto` records, `facts` what it knows of the adapter. */
export class BackendUnavailableError extends Error {
  constructor(
    readonly backend: ConcreteBackendName,
    readonly reason: string,
    readonly facts: Pick<BackendFacts, 'adapter' | 'software'> = {},
  ) {
    super(`backend '${backend}' ${reason}. ${VALID_CHOICES}`);
    this.name = 'BackendUnavailableError';
  }
}

/** Parses a user-supplied backend name (case-insensitive); throws listing the valid choices. */
export function parseBackendName(s: string): BackendName {
  const name = s.trim().toLowerCase();
  if ((BACKEND_NAMES as readonly string[]).includes(name)) return name as BackendName;
  throw new Error(`Unknown backend '${s}'. ${VALID_CHOICES}`);
}

/**
 * Makes `requested` the active tfjs backend and reports what runs. `auto` tries tensorflow → webgpu
 * → wasm → cpu and keeps the first that initializes, listing the others in `skipped` (webgpu on a
 * software adapter such as SwiftShader counts as skipped, src/runtime/softwareAdapter.ts); an explicit
 * name that cannot run throws a {@link BackendUnavailableError} saying why and what to install.
 *
 * - `tensorflow` loads @tensorflow/tfjs-node-gpu, else @tensorflow/tfjs-node, at run time; neither
 *   is a dependency of this package.
 * - `webgpu` runs on Dawn (the `webgpu` package). In Node, `dataSync()`/`arraySync()` on webgpu
 *   tensors fail ("OffscreenCanvas is not defined"), so every read must be `await t.data()`. Dawn
 *   may keep Node alive (webgpu README, "Lifetime") until {@link releaseBackend} or process.exit().
 * - `wasm` runs with SIMD when available, and then the threaded build with one XNNPACK thread per
 *   core (`wasmThreads`, `BILEVEL_WASM_THREADS`), which tfjs leaves off in Node; src/runtime/wasmThreads.ts
 *   makes it start there. If the threads fail to start, the single-threaded build runs and the detail says why.
 * - `cpu` always works. Its "looks like you are running TensorFlow.js in Node.js" banner is consumed
 *   with tfjs's `PROD` flag raised for one scalar write; `PROD` only gates tfjs's console warnings.
 */
export async function selectBackend(requested: BackendName, options: SelectBackendOptions = {}): Promise<BackendInfo> {
  // Callers in plain JS (or a config file) can pass anything; check at the door.
  const name = parseBackendName(requested);
  if (name !== 'auto') {
    return { requested: name, name, ...(await activate(name, options)), skipped: [] };
  }
  const skipped: SkippedBackend[] = [];
  for (const candidate of AUTO_ORDER) {
    try {
      return { requested: name, name: candidate, ...(await activate(candidate, options, true)), skipped };
    } catch (err) {
      skipped.push(err instanceof BackendUnavailableError ? { name: candidate, reason: err.reason, ...err.facts } : { name: candidate, reason: firstLine(messageOf(err)) });
    }
  }
  throw new Error(`No tfjs backend could be initialized: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}

/**
 * Frees what the webgpu backend holds (its GPU device and Dawn's `navigator.gpu`) so Node can exit
 * on its own. Other backends hold nothing that keeps Node alive, so for them this does nothing.
 * After it, webgpu cannot be selected again in this process.
 */
export function releaseBackend(): void {
  if (webgpu === undefined) return;
  // Read the instance from the registry directly: tf.findBackend() would initialize a missing one.
  const backend = tf.engine().registry.webgpu as { device?: { destroy?: () => void } } | undefined;
  if (tf.findBackendFactory('webgpu') !== null) tf.removeBackend('webgpu');
  backend?.device?.destroy?.();
  const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  if (nav !== undefined) delete nav.gpu;
  webgpu = undefined;
}

/** What one backend's activation reports: the detail in words and the same facts as fields. */
type Activated = BackendFacts & { readonly detail: string };

/** `auto` is true when `auto` is trying candidates: then webgpu turns down software adapters. */
async function activate(name: ConcreteBackendName, options: SelectBackendOptions, auto = false): Promise<Activated> {
  switch (name) {
    case 'tensorflow':
      return activateTensorflow();
    case 'webgpu':
      return activateWebgpu(options, auto);
    case 'wasm':
      return activateWasm(options);
    case 'cpu':
      return activateCpu();
  }
}

// A require that neither esbuild nor the TypeScript checker follows: the optional native packages
// below are resolved from the running bundle's folder at run time, never bundled.
const nodeRequire = createRequire(__filename);

const TFJS_NODE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

async function activateTensorflow(): Promise<Activated> {
  const failures: string[] = [];
  for (const pkg of TFJS_NODE_PACKAGES) {
    let mod: { version?: Record<string, string> };
    try {
      // tfjs-node brings its own copy of tfjs-core, but tfjs keeps the engine, the flags and the
      // kernel and gradient registries on a global object, so its 'tensorflow' backend and kernels
      // land in the same registry as the bundled tfjs-core used by core.
      mod = nodeRequire(pkg) as typeof mod;
    } catch (err) {
      if (isMissingPackage(err, pkg)) continue;
      failures.push(`${pkg} is installed but failed to load: ${firstLine(messageOf(err))}`);
      continue;
    }
    if (tf.findBackendFactory('tensorflow') === null) {
      failures.push(`${pkg} loaded but registered no 'tensorflow' backend with this tfjs-core ${tf.version_core}`);
      continue;
    }
    await setBackendOrThrow('tensorflow');
    const version = mod.version?.[pkg.slice('@tensorflow/'.length)] ?? mod.version?.['tfjs-node'] ?? 'unknown version';
    const core = mod.version?.['tfjs-core'];
    const mismatch = core !== undefined && core !== tf.version_core ? ` (its tfjs-core ${core} differs from ${tf.version_core})` : '';
    const build = `${pkg.slice('@tensorflow/'.length)} ${version}`;
    return { detail: `${build}${mismatch}`, build };
  }
  if (failures.length > 0) throw new BackendUnavailableError('tensorflow', `is unavailable: ${failures.join('; ')}`);
  throw new BackendUnavailableError(
    'tensorflow',
    'needs @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node, and neither is installed (npm install @tensorflow/tfjs-node)',
  );
}

/** The `webgpu` package's exports that we use (its own types pull DOM-like globals into the build). */
interface DawnModule {
  create(options: string[]): GpuLike;
  globals: object;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<object | null>;
}

/** Set once Dawn's `navigator.gpu` is installed and tfjs-backend-webgpu has registered. */
let webgpu: { readonly detail: string; readonly adapter: string; readonly software: string | null } | undefined;

/** Why `auto` passes over a software adapter (`software`: softwareAdapterReason's words), with the facts. */
function softwareAdapterSkip(adapter: string, software: string): BackendUnavailableError {
  return new BackendUnavailableError('webgpu', `skipped: ${software}, slower than wasm (--backend webgpu still runs on it)`, { adapter, software });
}

async function activateWebgpu(options: SelectBackendOptions, auto: boolean): Promise<Activated> {
  if (auto && webgpu?.software) throw softwareAdapterSkip(webgpu.adapter, webgpu.software);
  if (webgpu === undefined) {
    let moduleUrl: string;
    try {
      moduleUrl = pathToFileURL(nodeRequire.resolve('webgpu')).href;
    } catch {
      throw new BackendUnavailableError('webgpu', 'needs the webgpu package (Dawn for Node), which is not installed (npm install webgpu)');
    }
    const dawnOptions = [...(options.dawnOptions ?? [])];
    // Probe in a child first: it captures Dawn's reason when there is no adapter and keeps native
    // warnings and crashes out of this process; only a machine with an adapter loads Dawn here.
    const probe = await probeWebgpuAdapter(moduleUrl, dawnOptions, options.webgpuProbeTimeoutMs ?? 20_000);
    if (probe.adapter === null) {
      throw new BackendUnavailableError('webgpu', `found no WebGPU adapter (${probe.diagnostics || 'Dawn returned no adapter and gave no reason'})`);
    }
    const adapter = adapterName(probe.adapter);
    const software = softwareAdapterReason(probe.adapter);
    if (auto && software !== null) throw softwareAdapterSkip(adapter, software);
    const dawn = (await import(moduleUrl)) as DawnModule;
    const gpu = dawn.create(dawnOptions);
    if ((await gpu.requestAdapter({ powerPreference: 'high-performance' })) === null) {
      throw new BackendUnavailableError('webgpu', 'found no WebGPU adapter in this process although the probe saw one');
    }
    // tfjs-backend-webgpu uses the WebGPU constants (GPUBufferUsage, …) as globals, and registers
    // its backend at import time only if navigator.gpu exists, so both must be in place first.
    Object.assign(globalThis, dawn.globals);
    installNavigatorGpu(gpu);
    const { webgpuBackendVersion, patchWebgpuKernels } = await import('./registerWebgpuBackend');
    if (tf.findBackendFactory('webgpu') === null) {
      throw new BackendUnavailableError('webgpu', 'was not registered: tfjs-backend-webgpu was imported before navigator.gpu was set');
    }
    // Kernels tfjs-backend-webgpu gets wrong (src/runtime/webgpu): replaced before any of them runs.
    patchWebgpuKernels();
    webgpu = { adapter, software, detail: `Dawn (webgpu ${packageVersion('webgpu')}) on ${describeAdapter(probe.adapter)}; tfjs-backend-webgpu ${webgpuBackendVersion}` };
  }
  await setBackendOrThrow('webgpu');
  // Constants (step sizes, counts, 0 and 1) uploaded once, not at every op that takes a JS number.
  cacheWebgpuScalars(tf.backend());
  return { detail: webgpu.detail, adapter: webgpu.adapter, ...(webgpu.software !== null ? { software: webgpu.software } : {}) };
}

/** Gives tfjs a `navigator.gpu`, whether or not this Node already defines `navigator` (Node ≥ 21 does). */
function installNavigatorGpu(gpu: GpuLike): void {
  const g = globalThis as { navigator?: object };
  if (g.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  } else {
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
  }
}

/** The adapter's name for a label: its description, else its device, else its vendor's. */
function adapterName(a: AdapterSummary): string {
  return a.description || a.device || (a.vendor ? `${a.vendor} adapter` : 'unnamed adapter');
}

function describeAdapter(a: AdapterSummary): string {
  const name = a.description || a.device || 'unnamed adapter';
  const facts = [a.vendor && `vendor ${a.vendor}`, a.architecture && `arch ${a.architecture}`, a.isFallbackAdapter && 'fallback (software) adapter'];
  const extra = facts.filter(Boolean).join(', ');
  return extra ? `${name} (${extra})` : name;
}

/** The wasm file the backend will load: the threaded build needs SIMD (see selectBackend's JSDoc). */
function wasmFileFor(simd: boolean, threaded: boolean): string {
  if (threaded) return 'tfjs-backend-wasm-threaded-simd.wasm';
  return simd ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm';
}

/** The folder next to the running bundle if the build copied the wasm files there, else the package's dist/. */
export function defaultWasmDir(): string {
  if (existsSync(path.join(__dirname, 'tfjs-backend-wasm.wasm'))) return __dirname;
  return path.join(path.dirname(nodeRequire.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
}

/** tfjs-backend-wasm builds at most this many pool threads (its PTHREAD_POOL_SIZE). */
export const MAX_WASM_THREADS = 8;

/**
 * The wasm thread count asked for: `BILEVEL_WASM_THREADS` if set, else one per core
 * (os.availableParallelism), at most {@link MAX_WASM_THREADS}; throws on a malformed value.
 */
export function defaultWasmThreads(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['BILEVEL_WASM_THREADS'];
  if (raw === undefined || raw.trim() === '') return Math.min(os.availableParallelism(), MAX_WASM_THREADS);
  return parseWasmThreads(raw, 'BILEVEL_WASM_THREADS');
}

/** Parses a wasm thread count (1–8); `source` names the flag or variable in the error. */
export function parseWasmThreads(raw: string, source: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_WASM_THREADS) {
    throw new Error(`${source} must be a whole number of threads from 1 to ${MAX_WASM_THREADS}, got '${raw}'`);
  }
  return n;
}

async function activateWasm(options: SelectBackendOptions): Promise<Activated> {
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const alreadyUp = tf.engine().registry.wasm !== undefined;
  let dir = 'already initialized';
  let threadsFailed: string | undefined;
  if (!alreadyUp) {
    try {
      dir = options.wasmDir ?? defaultWasmDir();
    } catch {
      throw new BackendUnavailableError('wasm', `found no tfjs-backend-wasm.wasm next to the bundle (${__dirname}) and no @tensorflow/tfjs-backend-wasm package`);
    }
    const threads = options.wasmThreads ?? defaultWasmThreads();
    const threaded = simd && threads > 1 && existsSync(path.join(dir, wasmFileFor(simd, true)));
    const file = wasmFileFor(simd, threaded);
    if (!existsSync(path.join(dir, file))) throw new BackendUnavailableError('wasm', `found no ${file} in ${dir}`);
    // tfjs joins the prefix and the file name by plain concatenation, so it must end in a separator.
    setWasmPaths(dir.endsWith(path.sep) ? dir : dir + path.sep);
    if (threaded) {
      // Set rather than detected: tfjs's detection says false in Node (tfjs issue 3830), and
      // withWasmThreads supplies what it lacks there (src/runtime/wasmThreads.ts).
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
      setThreadsCount(threads);
      try {
        await withWasmThreads(threads, () => setBackendOrThrow('wasm'), options.wasmThreadsTimeoutMs);
      } catch (err) {
        // The single-threaded build (initialized below) still works; say why the threads did not start.
        threadsFailed = `${threads} threads failed (${firstLine(messageOf(err))})`;
        tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      }
    } else {
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    }
  }
  await setBackendOrThrow('wasm');
  // Exact kernel patches (shared-buffer Identity, untransposed matMul, data-product memo): docs/performance.md.
  const kernels = options.wasmKernels ?? 'patched';
  if (kernels !== 'stock') patchWasmKernels({ memoizeMatMul: kernels === 'patched' });
  const running = getThreadsCount();
  const threads = running > 1 ? `${running} threads` : 'single-threaded';
  const fallback = threadsFailed !== undefined ? `; ${threadsFailed}, so single-threaded` : '';
  return {
    detail: `tfjs-backend-wasm ${version_wasm}, ${simd ? 'simd' : 'no simd'}, ${threads}${fallback}, binaries: ${dir}`,
    simd,
    threads: running,
    ...(threadsFailed !== undefined ? { threadsFailed } : {}),
  };
}

async function activateCpu(): Promise<Activated> {
  await setBackendOrThrow('cpu');
  silenceCpuBanner();
  return { detail: `tfjs-backend-cpu ${version_cpu} (plain JavaScript kernels)` };
}

/**
 * The cpu backend prints its "install tfjs-node" banner on its first tensor write, through tfjs's
 * warn(), which is silent while the PROD flag is set. Raising PROD for that one write and restoring
 * it leaves every later warning intact; PROD changes nothing else in tfjs 4.22 (log.ts, environment.ts).
 */
function silenceCpuBanner(): void {
  const env = tf.env();
  const prod = env.getBool('PROD');
  env.set('PROD', true);
  try {
    tf.dispose(tf.scalar(0));
  } finally {
    env.set('PROD', prod);
  }
}

/**
 * tf.setBackend() reports a failed init only by returning false after console.warn-ing the cause, so
 * warnings are held while it runs: replayed on success, folded into the thrown error on failure.
 */
async function setBackendOrThrow(name: ConcreteBackendName): Promise<void> {
  const held: unknown[][] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void held.push(args);
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } catch (err) {
    ok = false;
    held.push([messageOf(err)]);
  } finally {
    console.warn = warn;
  }
  if (!ok) {
    const cause = held
      .map((args) => args.map(String).join(' '))
      .filter((text) => !text.startsWith('Initialization of backend'))
      .map(firstLine)
      .join('; ');
    throw new BackendUnavailableError(name, `failed to initialize${cause ? `: ${cause}` : ''}`);
  }
  for (const args of held) warn(...args);
}

function packageVersion(pkg: string): string {
  try {
    return (nodeRequire(`${pkg}/package.json`) as { version?: string }).version ?? '?';
  } catch {
    return '?';
  }
}

function isMissingPackage(err: unknown, pkg: string): boolean {
  return (err as { code?: string }).code === 'MODULE_NOT_FOUND' && firstLine(messageOf(err)).includes(`'${pkg}'`);
}


function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? text;
}
