// The import arrows of ARCHITECTURE.md as an allow-list, and the lint rule that enforces them.
// Every folder of the product is a layer; a file may import its own layer, the layers (or single
// files) listed under `layers`, and the packages matching `packages`. Anything else is an error that
// names the arrow. Relative imports are resolved to files, so `../../core/x` and `../core/x` are the
// same arrow; bare specifiers are matched as package names.
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';

const NODE = /^node:/;

/**
 * The allowed arrows. `layers` entries are folders or files relative to the repository root; an
 * entry ending in `(type)` allows type-only imports. `packages` are regular expressions on the
 * import specifier.
 */
export const LAYERS = {
  'src/common': { why: 'pure helpers every process and the webview share: it imports nothing', layers: [], packages: [] },
  'src/protocol': { why: 'plain data shared by every process: it imports nothing but itself', layers: [], packages: [] },
  'src/core': {
    why: 'numerics on tfjs-core only: no node, no DOM, no files; protocol for types only; common\'s names of the kernels runtime implements',
    layers: ['src/protocol (type)', 'src/common'],
    packages: [/^@tensorflow\/tfjs-core(\/dist\/[\w/]+)?$/],
  },
  'src/datasets': { why: 'node loaders of core\'s named datasets: node built-ins and src/core/data only', layers: ['src/core/data'], packages: [NODE] },
  'src/store': {
    why: 'the run store is node fs only: no tfjs, no core; of src/sweep only the pure status rule, so sweeps read from the store carry a derived status',
    layers: ['src/protocol', 'src/common', 'src/sweep/sweepStatus.ts'],
    packages: [NODE],
  },
  'src/runtime': {
    why: 'the tfjs runtime (backends, kernel patches, wasm threads, WebGPU probe): tfjs packages and node; protocol for the run record\'s backend facts (types only)',
    layers: ['src/common', 'src/protocol (type)'],
    packages: [/^@tensorflow\/tfjs-(core|backend-cpu|backend-wasm|backend-webgpu)(\/|$)/, /^webgpu$/, NODE],
  },
  'src/problemFiles': {
    why: 'compiles and scans problem files: core (what `bilevel-lab` exports), protocol and esbuild-wasm',
    layers: ['src/core', 'src/protocol', 'src/common'],
    packages: [/^@tensorflow\/tfjs-core$/, /^esbuild-wasm(\/|$)/, NODE],
  },
  'src/runner': {
    why: 'the one pipeline from a spec to a run record, used in-process by the CLI and by the worker',
    layers: ['src/core', 'src/store', 'src/problemFiles', 'src/runtime', 'src/protocol', 'src/common', 'package.json'],
    packages: [/^@tensorflow\/tfjs-core$/, NODE],
  },
  'src/worker': {
    why: 'the child-process endpoint only: the runner does the work',
    layers: ['src/runner', 'src/runtime', 'src/problemFiles', 'src/core', 'src/store', 'src/datasets', 'src/protocol', 'src/common'],
    packages: [/^@tensorflow\/tfjs-core$/, NODE],
  },
  'src/cli': {
    why: 'the command line: never vscode',
    layers: ['src/runner', 'src/runtime', 'src/problemFiles', 'src/core', 'src/store', 'src/sweep', 'src/report', 'src/datasets', 'src/protocol', 'src/common', 'package.json'],
    packages: [/^@tensorflow\/tfjs-core$/, NODE],
  },
  'src/sweep': {
    why: 'sweeps as pure data (expansion, statistics, records): common, protocol and core\'s option declarations, no node, no files',
    layers: ['src/common', 'src/protocol', 'src/core'],
    packages: [],
  },
  'src/report': { why: 'the HTML report: protocol and node fs only, never core or tfjs', layers: ['src/protocol', 'src/common'], packages: [NODE] },
  'src/extension': {
    why: 'the VS Code host never runs solvers: no core, no tfjs; of problemFiles only the pure scanner; of src/sweep only the pure files that never import core (New Sweep expands a sweep against the extension\'s own catalog)',
    layers: [
      'src/store',
      'src/protocol',
      'src/common',
      'src/problemFiles/findProblemLocations.ts',
      'src/sweep/parseSeeds.ts',
      'src/sweep/parseSetFlag.ts',
      'src/sweep/expandSweep.ts',
      'src/sweep/sweepRecord.ts',
      'src/sweep/sweepCatalog.ts',
      'src/sweep/sweepError.ts',
      'src/sweep/sweepStatus.ts',
    ],
    packages: [/^vscode$/, NODE],
  },
  bench: {
    why: "benchmarks time the numerics in-process (core, the runtime, the datasets) and the live panel's DOM-free data side (webview/state.ts), never vscode",
    layers: ['src/core', 'src/runtime', 'src/runner', 'src/datasets', 'src/protocol', 'src/common', 'webview'],
    packages: [/^@tensorflow\/tfjs-core$/, NODE],
  },
  webview: { why: 'a browser bundle: protocol and chart.js, never vscode or node', layers: ['src/protocol', 'src/common'], packages: [/^chart\.js(\/|$)/] },
  'src/tsPlugin': { why: 'the TypeScript server plugin runs inside tsserver: the typescript instance it is given (types) and node only', layers: [], packages: [/^typescript$/, NODE] },
};

const EXTENSIONS = ['', '.ts', '.mts', '.js', '.json', '/index.ts'];

/** The file an import resolves to, or the resolved path itself when no file matches. */
function resolveFile(fromFile, specifier) {
  const base = path.resolve(path.dirname(fromFile), specifier);
  for (const ext of EXTENSIONS) {
    const candidate = base + ext;
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return base;
}

/** The layer (key of LAYERS) that holds `rel` (a root-relative POSIX path), if any. */
export function layerOf(rel) {
  let best;
  for (const layer of Object.keys(LAYERS)) {
    if ((rel === layer || rel.startsWith(layer + '/')) && (!best || layer.length > best.length)) best = layer;
  }
  return best;
}

function allowedTarget(layer, targetRel, typeOnly) {
  if (layerOf(targetRel) === layer) return true;
  return LAYERS[layer].layers.some((entry) => {
    const m = /^(.*?)(?: \(type\))?$/.exec(entry);
    const target = m[1];
    if (entry.endsWith('(type)') && !typeOnly) return false;
    return targetRel === target || targetRel.startsWith(target + '/');
  });
}

/** Creates the `layers/allowed-imports` rule for the repository at `root`. */
export function layersPlugin(root) {
  const rule = {
    meta: { type: 'problem', schema: [], messages: { forbidden: "{{layer}} may not import '{{specifier}}' ({{target}}): {{why}}. Allowed: {{allowed}} (ARCHITECTURE.md)." } },
    create(context) {
      const file = context.filename;
      const rel = path.relative(root, file).split(path.sep).join('/');
      const layer = layerOf(rel);
      if (!layer) return {};
      const spec = LAYERS[layer];
      const check = (node, source, typeOnly) => {
        if (!source || typeof source.value !== 'string') return;
        const specifier = source.value;
        let ok;
        let target;
        if (specifier.startsWith('.')) {
          target = path.relative(root, resolveFile(file, specifier)).split(path.sep).join('/');
          ok = allowedTarget(layer, target, typeOnly);
        } else {
          target = 'package';
          ok = spec.packages.some((re) => re.test(specifier));
        }
        if (!ok) {
          const allowed = [layer, ...spec.layers, ...spec.packages.map(String)].join(', ');
          context.report({ node, messageId: 'forbidden', data: { layer, specifier, target, why: spec.why, allowed } });
        }
      };
      return {
        // `import { type A, type B }` is type-only too: nothing of the module runs.
        ImportDeclaration: (node) =>
          check(node, node.source, node.importKind === 'type' || (node.specifiers.length > 0 && node.specifiers.every((s) => s.importKind === 'type'))),
        ExportNamedDeclaration: (node) => check(node, node.source, node.exportKind === 'type'),
        ExportAllDeclaration: (node) => check(node, node.source, node.exportKind === 'type'),
        ImportExpression: (node) => check(node, node.source, false),
        CallExpression: (node) => {
          if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') check(node, node.arguments[0], false);
        },
      };
    },
  };
  return { rules: { 'allowed-imports': rule } };
}
