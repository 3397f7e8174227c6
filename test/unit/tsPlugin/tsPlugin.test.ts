// The TypeScript server plugin, as tsserver runs it: the built bundle (dist/node_modules/
// bilevel-lab-ts-plugin, after `npm run build`) wraps a language service whose host resolves modules
// like tsserver's Project does. A problem file in a folder with no node_modules and no tsconfig must get
// no errors, the docs of defineProblem in hovers and completions, and a real type error at its line;
// other files must keep TypeScript's own resolution.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import type * as ts from 'typescript';
import { PROBLEM_TEMPLATE } from '../../../src/common/problemTemplate';

const root = path.resolve(__dirname, '../../..');
const requireFromRoot = createRequire(path.join(root, 'package.json'));
// The repository's TypeScript, loaded at run time (bundling it into the test would take seconds).
const tsi = requireFromRoot('typescript') as typeof ts;
const PLUGIN = path.join(root, 'dist/node_modules/bilevel-lab-ts-plugin/index.js');

// One registry for every service, as tsserver shares one: lib and tfjs-core files are parsed once.
const registry = tsi.createDocumentRegistry();

type PluginFactory = (modules: { typescript: typeof ts }) => ts.server.PluginModule;

/** A language service over in-memory files, its host resolving the way tsserver's Project does. */
function service(files: Map<string, string>, options: ts.CompilerOptions, withPlugin: boolean): ts.LanguageService {
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => options,
    getScriptFileNames: () => [...files.keys()],
    getScriptVersion: (f) => String(files.get(f)?.length ?? 0) + (files.get(f) ?? '').slice(-40),
    getScriptSnapshot: (f) => {
      const text = files.get(f) ?? (tsi.sys.fileExists(f) ? tsi.sys.readFile(f) : undefined);
      return text === undefined ? undefined : tsi.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => path.dirname([...files.keys()][0]!),
    getDefaultLibFileName: (o) => tsi.getDefaultLibFilePath(o),
    fileExists: (f) => files.has(f) || tsi.sys.fileExists(f),
    readFile: (f) => files.get(f) ?? tsi.sys.readFile(f),
    directoryExists: (d) => tsi.sys.directoryExists(d),
    getDirectories: (d) => tsi.sys.getDirectories(d),
    realpath: (p) => tsi.sys.realpath?.(p) ?? p,
    resolveModuleNameLiterals: (literals, containingFile, redirected, opts, sourceFile) =>
      literals.map((l) =>
        tsi.resolveModuleName(l.text, containingFile, opts, host, undefined, redirected, tsi.getModeForUsageLocation(sourceFile, l, opts)),
      ),
  };
  const ls = tsi.createLanguageService(host, registry);
  if (!withPlugin) return ls;
  const init = requireFromRoot(PLUGIN) as PluginFactory;
  assert.equal(typeof init, 'function', 'the bundle exports the factory itself (module.exports = init)');
  const info = {
    languageService: ls,
    languageServiceHost: host,
    project: { projectService: { logger: { info: () => undefined } } },
    config: {},
  } as unknown as ts.server.PluginCreateInfo;
  return init({ typescript: tsi }).create(info);
}

function diagnostics(ls: ts.LanguageService, file: string): { line: number; code: number; text: string }[] {
  const program = ls.getProgram()!;
  const sf = program.getSourceFile(file)!;
  return [...ls.getSyntacticDiagnostics(file), ...ls.getSemanticDiagnostics(file)].map((d) => ({
    line: sf.getLineAndCharacterOfPosition(d.start ?? 0).line + 1,
    code: d.code,
    text: tsi.flattenDiagnosticMessageText(d.messageText, '\n'),
  }));
}

/** VS Code's options for a folder without tsconfig (inferred project), plus strict. */
const INFERRED: ts.CompilerOptions = {
  module: tsi.ModuleKind.ESNext,
  moduleResolution: tsi.ModuleResolutionKind.Bundler,
  target: tsi.ScriptTarget.ES2022,
  strict: true,
  noUncheckedIndexedAccess: true,
  allowJs: true,
  allowNonTsExtensions: true,
};

describe('TypeScript server plugin', { skip: !existsSync(PLUGIN) && 'run `npm run build` first' }, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bilevel-tsplugin-'));
  const file = path.join(dir, 'example.bilevel.ts');
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('without the plugin, the imports do not resolve (what the fixture showed before)', () => {
    const found = diagnostics(service(new Map([[file, PROBLEM_TEMPLATE]]), INFERRED, false), file);
    assert.ok(found.some((d) => d.code === 2307 && /bilevel-lab/.test(d.text)), JSON.stringify(found));
    assert.ok(found.some((d) => d.code === 2307 && /tfjs-core/.test(d.text)), JSON.stringify(found));
  });

  it('with it, the scaffolded problem file has no errors under strict', () => {
    assert.deepEqual(diagnostics(service(new Map([[file, PROBLEM_TEMPLATE]]), INFERRED, true), file), []);
  });

  it('resolves in projects with classic or node10 resolution too, and still gives tf its types', () => {
    for (const moduleResolution of [tsi.ModuleResolutionKind.Classic, tsi.ModuleResolutionKind.Node10]) {
      const ls = service(new Map([[file, PROBLEM_TEMPLATE]]), { ...INFERRED, moduleResolution }, true);
      assert.deepEqual(diagnostics(ls, file), [], `moduleResolution ${moduleResolution}`);
      const at = PROBLEM_TEMPLATE.indexOf('tf.sum(') + 3;
      const info = ls.getQuickInfoAtPosition(file, at)!;
      assert.match(tsi.displayPartsToString(info.displayParts), /sum<tf\.Tensor<tf\.Rank>>\(x: tf\.Tensor \| tf\.TensorLike/);
    }
  });

  it('hover on defineProblem shows its documentation', () => {
    const ls = service(new Map([[file, PROBLEM_TEMPLATE]]), INFERRED, true);
    const info = ls.getQuickInfoAtPosition(file, PROBLEM_TEMPLATE.indexOf('defineProblem({') + 2)!;
    assert.match(tsi.displayPartsToString(info.displayParts), /defineProblem<undefined, undefined>\(definition: ProblemDefinition<undefined, undefined>\)/);
    assert.match(tsi.displayPartsToString(info.documentation), /Declares a bi-level problem/);
  });

  it('completes defineProblem fields with their documentation', () => {
    const text = PROBLEM_TEMPLATE.replace("  id: 'example',\n", "  id: 'example',\n  \n");
    const ls = service(new Map([[file, text]]), INFERRED, true);
    const at = text.indexOf("  id: 'example',\n") + "  id: 'example',\n  ".length;
    const completions = ls.getCompletionsAtPosition(file, at, {})!;
    const names = completions.entries.map((e) => e.name);
    // Fields the template does not set yet (TypeScript leaves out those already written).
    for (const field of ['description', 'data', 'sampleTask', 'evaluate']) assert.ok(names.includes(field), `${field} in ${names.join(', ')}`);
    const details = ls.getCompletionEntryDetails(file, at, 'evaluate', {}, undefined, undefined, undefined)!;
    assert.match(tsi.displayPartsToString(details.documentation), /Held-out metrics/);
  });

  it('reports a deliberate type error at its line', () => {
    const text = PROBLEM_TEMPLATE.replace('lowerSteps: 20', "lowerSteps: '20'");
    const line = text.slice(0, text.indexOf("lowerSteps: '20'")).split('\n').length;
    const found = diagnostics(service(new Map([[file, text]]), INFERRED, true), file);
    assert.equal(found.length, 1, JSON.stringify(found));
    assert.equal(found[0]!.line, line);
    assert.equal(found[0]!.code, 2322);
    assert.match(found[0]!.text, /Type 'string' is not assignable to type 'number'/);
  });

  it('leaves files that are not problem files to TypeScript', () => {
    const other = path.join(dir, 'helper.ts');
    const found = diagnostics(service(new Map([[other, "import { defineProblem } from 'bilevel-lab';\nexport const d = defineProblem;\n"]]), INFERRED, true), other);
    assert.ok(found.some((d) => d.code === 2307 && /bilevel-lab/.test(d.text)), JSON.stringify(found));
  });
});
