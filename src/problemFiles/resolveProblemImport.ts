// How imports inside a problem file are resolved when the worker bundles it. esbuild runs without a
// file system of its own (see withEsbuild.ts), so this is the file system side of its plugin: the
// packages the worker provides stay external, workspace files resolve the way TypeScript does, and
// other packages resolve the way Node's require does, from the importing file's folder.
import { existsSync, statSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import * as path from 'node:path';
import type { Loader } from 'esbuild-wasm';

/** The outcome of resolving one import. */
export type ResolvedImport = { readonly external: true } | { readonly file: string } | { readonly error: string };

/** Module ids the worker itself provides to problem files (its own tfjs-core and the library API). */
export function isProvidedModule(id: string): boolean {
  return id === '@tensorflow/tfjs-core' || id.startsWith('@tensorflow/tfjs-core/') || id === 'bilevel-lab';
}

// Extensions tried for an import without one, in TypeScript's order.
const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.json'];
// `import './a.js'` in TypeScript names the file a.ts (TypeScript's ESM convention).
const TS_FOR_JS: Readonly<Record<string, readonly string[]>> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };

/** Resolves `spec` imported from a file in `fromDir` (absolute, native paths). */
export function resolveProblemImport(spec: string, fromDir: string): ResolvedImport {
  if (isProvidedModule(spec) || isBuiltin(spec)) return { external: true };
  if (spec === '.' || spec === '..' || spec.startsWith('./') || spec.startsWith('../') || path.isAbsolute(spec)) {
    const file = findFile(path.resolve(fromDir, spec));
    return file !== undefined ? { file } : { error: `Could not resolve '${spec}': no such file (tried ${EXTENSIONS.join(', ')} and index files) from ${fromDir}` };
  }
  try {
    const file = createRequire(path.join(fromDir, 'noop.js')).resolve(spec);
    return isBuiltin(file) ? { external: true } : { file };
  } catch {
    const hint = spec.startsWith('@tensorflow/')
      ? ' The worker provides @tensorflow/tfjs-core itself; other tfjs packages must be installed in the workspace (npm install).'
      : ' Install it in the workspace (npm install), or import a workspace file with a relative path.';
    return { error: `Could not resolve package '${spec}' from ${fromDir}.${hint}` };
  }
}

/** The esbuild loader for a file, by extension (text for data files). */
export function loaderFor(file: string): Loader {
  switch (path.extname(file).toLowerCase()) {
    case '.ts':
    case '.mts':
    case '.cts':
      return 'ts';
    case '.tsx':
      return 'tsx';
    case '.jsx':
      return 'jsx';
    case '.json':
      return 'json';
    case '.js':
    case '.mjs':
    case '.cjs':
      return 'js';
    default:
      return 'text';
  }
}

function findFile(base: string): string | undefined {
  if (isFile(base)) return base;
  for (const ext of EXTENSIONS) if (isFile(base + ext)) return base + ext;
  const ext = path.extname(base);
  for (const ts of TS_FOR_JS[ext] ?? []) {
    const candidate = base.slice(0, -ext.length) + ts;
    if (isFile(candidate)) return candidate;
  }
  for (const e of EXTENSIONS) {
    const index = path.join(base, 'index' + e);
    if (isFile(index)) return index;
  }
  return undefined;
}

function isFile(p: string): boolean {
  try {
    return existsSync(p) && statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * Paths as esbuild's file-system-less build sees them: POSIX and absolute. On Windows `C:\a\b.ts`
 * becomes `/C:/a/b.ts`; elsewhere paths are unchanged. `fromVirtualPath` inverts it.
 */
export function toVirtualPath(native: string, p: typeof path = path): string {
  if (p.sep === '/') return native;
  const slashed = native.split(p.sep).join('/');
  return slashed.startsWith('/') ? slashed : '/' + slashed;
}

/** The native path of a path made by {@link toVirtualPath}. */
export function fromVirtualPath(virtual: string, p: typeof path = path): string {
  if (p.sep === '/') return virtual;
  const trimmed = /^\/[A-Za-z]:\//.test(virtual) ? virtual.slice(1) : virtual;
  return trimmed.split('/').join(p.sep);
}
