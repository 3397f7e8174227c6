// `vscode:prepublish`: copies into dist/node_modules/ the files of the two packages the worker loads
// at run time that `vsce package --no-dependencies` would leave out:
// - esbuild-wasm: the four files its in-process browser API reads (src/problemFiles/withEsbuild.ts);
// - webgpu (Dawn for Node): its loader and the native dawn.node of THIS platform only (each platform's
//   build is 20–40 MB), so a .vsix packaged on linux-x64 runs webgpu on linux-x64; elsewhere the
//   worker reports webgpu as not installed and `auto` goes on to wasm.
import { cpSync, existsSync, rmSync } from 'node:fs';
import * as path from 'node:path';

const out = 'dist/node_modules';

function copy(pkg, files) {
  rmSync(path.join(out, pkg), { recursive: true, force: true });
  for (const f of files) cpSync(path.join('node_modules', pkg, f), path.join(out, pkg, f), { recursive: true });
}

copy('esbuild-wasm', ['package.json', 'LICENSE.md', 'esbuild.wasm', 'lib/browser.js']);

// The folder name the webgpu package's index.js loads dawn.node from.
const platformDir = `${process.platform}-${process.platform === 'darwin' ? 'universal' : process.arch}`;
if (existsSync(path.join('node_modules/webgpu/dist', platformDir, 'dawn.node'))) {
  copy('webgpu', ['package.json', 'index.js', 'LICENSE.md', path.join('dist', platformDir)]);
  console.log(`copyRuntimePackages: esbuild-wasm and webgpu (dist/${platformDir}) into ${out}/`);
} else {
  console.log(`copyRuntimePackages: esbuild-wasm into ${out}/; the webgpu package has no build for ${platformDir}, so this .vsix runs without webgpu`);
}
