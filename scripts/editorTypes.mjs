// Types for problem files, built by `npm run build` (esbuild.mjs calls buildEditorTypes()):
//
//   dist/types/node_modules/bilevel-lab/            declarations of src/core/index.ts, what problem files import as
//                                                   `bilevel-lab` (tsc, tsconfig.types.json), with a package.json
//   dist/types/node_modules/@tensorflow/tfjs-core/  tfjs-core's own .d.ts tree (tests left out) and its "types" entry
//   dist/types/node_modules/@webgpu/types/          what tfjs-core's declarations reference (/// <reference types>)
//   dist/node_modules/bilevel-lab-ts-plugin/        the TypeScript server plugin (src/tsPlugin), bundled
//   dist/types/bilevel-lab.d.ts                     the npm package's "types": re-exports the above (an
//                                                   "exports" target may not contain a node_modules segment)
//   dist/library.cjs                                what `require('bilevel-lab')` gets: an error that explains
//
// dist/types is a self-contained node_modules tree: a file inside it resolves the others the way
// TypeScript resolves installed packages, with no node_modules of the user's. Three consumers:
// the TS server plugin (VS Code, *.bilevel.ts), the tsconfig.json of `bilevel init`, and the npm
// package's "types" entry. The declarations are rebuilt only when their inputs changed (tsc takes
// ~10 s here; an unchanged build costs a stat of the inputs).
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TYPES_DIR = 'dist/types';
export const PLUGIN_NAME = 'bilevel-lab-ts-plugin';
export const PLUGIN_BUILD_DIR = `dist/node_modules/${PLUGIN_NAME}`;
/** Where `bilevel-lab`'s entry declaration lands. */
export const LIBRARY_TYPES_ENTRY = `${TYPES_DIR}/node_modules/bilevel-lab/core/index.d.ts`;
/** package.json "types" and exports["."].types. */
export const PACKAGE_TYPES_ENTRY = `${TYPES_DIR}/bilevel-lab.d.ts`;

// Outside dist/types, so that neither the .vsix nor the npm package ships it.
const STAMP = 'dist/types.inputs';

function walk(dir, keep, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) walk(p, keep, out);
    else if (keep(p)) out.push(p);
  }
  return out;
}

/** One line per input (path, size, mtime): the declarations are current when this text is unchanged. */
function inputSignature(root) {
  const files = [
    ...walk(join(root, 'src/core'), (p) => p.endsWith('.ts')),
    ...walk(join(root, 'src/protocol'), (p) => p.endsWith('.ts')),
    join(root, 'tsconfig.json'),
    join(root, 'tsconfig.types.json'),
    join(root, 'package.json'),
    join(root, 'node_modules/@tensorflow/tfjs-core/package.json'),
    join(root, 'node_modules/@webgpu/types/package.json'),
    fileURLToPath(import.meta.url),
  ].filter((f) => existsSync(f));
  const lines = files.sort().map((f) => {
    const st = statSync(f);
    return `${relative(root, f)} ${st.size} ${st.mtimeMs}`;
  });
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

/** Copies a package's declarations with a package.json of its own (name, version, license, types). */
function copyPackageTypes(root, name, keep) {
  const from = join(root, 'node_modules', name);
  const to = join(root, TYPES_DIR, 'node_modules', name);
  const pkg = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8'));
  rmSync(to, { recursive: true, force: true });
  for (const file of walk(from, (p) => keep(relative(from, p).split('\\').join('/')))) {
    const target = join(to, relative(from, file));
    mkdirSync(dirname(target), { recursive: true });
    cpSync(file, target);
  }
  const types = pkg.types ?? pkg.typings ?? 'index.d.ts';
  writeFileSync(join(to, 'package.json'), JSON.stringify({ name: pkg.name, version: pkg.version, license: pkg.license, types }, null, 2) + '\n');
}

/** Emits the declarations of src/core with tsc; returns false (and prints why) when tsc reported errors. */
function emitLibraryTypes(root) {
  const out = join(root, TYPES_DIR, 'node_modules/bilevel-lab');
  rmSync(out, { recursive: true, force: true });
  const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.types.json')], { cwd: root, encoding: 'utf8' });
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  mkdirSync(out, { recursive: true });
  writeFileSync(
    join(out, 'package.json'),
    JSON.stringify({ name: 'bilevel-lab', version: pkg.version, license: pkg.license, types: 'core/index.d.ts' }, null, 2) + '\n',
  );
  if (r.status !== 0) {
    // tsc still writes declarations on type errors; the build goes on (`npm run typecheck` is the gate),
    // but the stamp is not written, so the next build tries again.
    console.warn(`editorTypes: tsc -p tsconfig.types.json exited ${r.status}; declarations may be incomplete:\n${(r.stdout + r.stderr).trim()}`);
    return false;
  }
  return true;
}

/** Bundles the TS server plugin (CommonJS, module.exports = the factory) and its package.json. */
async function buildPlugin(root, { production }) {
  const outDir = join(root, PLUGIN_BUILD_DIR);
  await esbuild.build({
    entryPoints: [join(root, 'src/tsPlugin/index.ts')],
    outfile: join(outDir, 'index.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    minify: production,
    logLevel: 'warning',
    // tsserver requires the module and calls it: the factory must be module.exports itself.
    footer: { js: 'module.exports = module.exports.default;' },
  });
  writeFileSync(
    join(outDir, 'package.json'),
    JSON.stringify({ name: PLUGIN_NAME, version: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version, private: true, main: 'index.js' }, null, 2) + '\n',
  );
  // The TS server loads plugins from <extension>/node_modules/<name> only. The packaged .vsix gets
  // the copy from scripts/vsixAddTsPlugin.mjs; a checkout run as the extension (F5, test:exthost)
  // gets this one (npm ci removes it; the `prepare` build puts it back).
  if (existsSync(join(root, 'node_modules'))) {
    const dev = join(root, 'node_modules', PLUGIN_NAME);
    rmSync(dev, { recursive: true, force: true });
    cpSync(outDir, dev, { recursive: true });
  }
}

// `bilevel-lab` has types but no runtime entry of its own. Problem files get the library from whatever
// runs them (the CLI, or the extension's worker), bound to that process's own tfjs-core, in which its
// second-order gradients are registered. A separate bundle would carry a second tfjs-core engine:
// tensors made with the user's tfjs-core would not belong to it, so it would compute nothing useful.
const LIBRARY_STUB = `// Written by scripts/editorTypes.mjs: the package "bilevel-lab" gives types, the bilevel CLI and the
// VS Code extension; its API is provided to problem files by the runner that executes them.
'use strict';
throw new Error(
  "bilevel-lab has no runtime entry: problem files get its API from the runner that executes them. " +
    'Run a problem file with "npx bilevel run --problem ./my.bilevel.ts" (or Run in VS Code); ' +
    'importing bilevel-lab elsewhere is for types only (README: "Use as a library").',
);
`;

/** Builds dist/types (when its inputs changed), the TS server plugin and dist/library.cjs. */
export async function buildEditorTypes({ root = process.cwd(), production = false, force = false } = {}) {
  await buildPlugin(root, { production });
  writeFileSync(join(root, 'dist/library.cjs'), LIBRARY_STUB);
  mkdirSync(join(root, TYPES_DIR), { recursive: true });
  writeFileSync(
    join(root, PACKAGE_TYPES_ENTRY),
    "// The types of the npm package `bilevel-lab` (written by scripts/editorTypes.mjs).\nexport * from './node_modules/bilevel-lab/core/index';\n",
  );
  if (!existsSync(join(root, 'node_modules/typescript')) || !existsSync(join(root, 'node_modules/@tensorflow/tfjs-core'))) {
    console.warn('editorTypes: typescript or @tensorflow/tfjs-core is not installed (npm install); dist/types is not built');
    return;
  }
  const signature = inputSignature(root);
  const stamp = join(root, STAMP);
  if (!force && existsSync(stamp) && readFileSync(stamp, 'utf8') === signature && existsSync(join(root, LIBRARY_TYPES_ENTRY))) return;
  rmSync(stamp, { force: true });
  copyPackageTypes(root, '@tensorflow/tfjs-core', (p) => p.startsWith('dist/') && p.endsWith('.d.ts') && !p.endsWith('_test.d.ts'));
  copyPackageTypes(root, '@webgpu/types', (p) => p.endsWith('.d.ts') || p === 'LICENSE');
  if (emitLibraryTypes(root)) writeFileSync(stamp, signature);
}
