// esbuild-wasm run inside this process. Its Node API (`require('esbuild-wasm')`) starts the compiler as
// a child process with the command `node` from PATH, which a VS Code install need not have (the worker
// itself runs on VS Code's own runtime). Its browser API runs the same wasm binary in-process
// (`worker: false`) with no file system of its own, so the caller supplies files through plugins.
import type { BuildOptions, BuildResult } from 'esbuild-wasm';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';

/** The calls of esbuild-wasm's browser API that the worker uses. */
export interface EsbuildApi {
  readonly version: string;
  build(options: BuildOptions & { write: false }): Promise<BuildResult<BuildOptions & { write: false }>>;
}

interface EsbuildBrowserModule extends EsbuildApi {
  initialize(options: { wasmModule: WebAssembly.Module; worker: boolean }): Promise<void>;
  stop(): Promise<void>;
}

// Resolved at run time from the bundle's folder (dist/ → node_modules/esbuild-wasm), never bundled:
// the package must stay whole, with its esbuild.wasm next to lib/.
const nodeRequire = createRequire(__filename);

let loaded: { api: EsbuildBrowserModule; wasm: WebAssembly.Module } | undefined;
let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `use` with a started esbuild and stops it afterwards, so no timer of the Go runtime keeps the
 * process alive. Calls are serialized (the browser API holds one service per module). The compiled
 * wasm module is kept, so later calls skip the ~14 MB compile.
 *
 * V8 runs esbuild's wasm on its baseline compiler (Liftoff) only. With tier-up, V8 recompiles the
 * hot part of the 14 MB module with TurboFan on background threads: the first build then took
 * 3–4 s instead of 0.6–0.9 s, and process.exit() waited 4–5 s for those compile jobs (measured on
 * Node 20, 2 cores). The flag is raised only while esbuild is compiled and runs, so the tfjs wasm
 * backend (compiled earlier, at backend selection) keeps its optimizing tier for the run.
 */
export function withEsbuild<T>(use: (esbuild: EsbuildApi) => Promise<T>): Promise<T> {
  const run = queue.then(async () => {
    setLiftoffOnly(true);
    try {
      const { api, wasm } = load();
      await api.initialize({ wasmModule: wasm, worker: false });
      try {
        return await use(api);
      } finally {
        await api.stop();
      }
    } finally {
      setLiftoffOnly(false);
    }
  });
  queue = run.catch(() => undefined);
  return run;
}

/** Switches V8's wasm tier-up off or back on (its default); a runtime that refuses the flag keeps its own. */
function setLiftoffOnly(on: boolean): void {
  try {
    setFlagsFromString(on ? '--liftoff-only' : '--no-liftoff-only');
  } catch {
    // Only speed is at stake.
  }
}

function load(): { api: EsbuildBrowserModule; wasm: WebAssembly.Module } {
  if (loaded) return loaded;
  let dir: string;
  try {
    dir = path.dirname(nodeRequire.resolve('esbuild-wasm/package.json'));
  } catch {
    throw new Error(`cannot compile problem files: the esbuild-wasm package is missing (looked from ${__dirname})`);
  }
  // lib/browser.js is a UMD file that reads the host's globals through a free `self` (a Worker
  // global). Binding `self` to this realm's globalThis for that file alone keeps Node's global
  // scope unchanged, so tfjs and the user's code see no browser-like `self`.
  const code = readFileSync(path.join(dir, 'lib', 'browser.js'), 'utf8');
  const module = { exports: {} as unknown };
  new Function('module', 'exports', 'self', code)(module, module.exports, globalThis);
  const api = module.exports as EsbuildBrowserModule;
  // Node has WebAssembly, but this project's types (ES2022 + node, no DOM) declare only its namespace.
  const { Module } = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => WebAssembly.Module } }).WebAssembly;
  const wasm = new Module(readFileSync(path.join(dir, 'esbuild.wasm')));
  loaded = { api, wasm };
  return loaded;
}
